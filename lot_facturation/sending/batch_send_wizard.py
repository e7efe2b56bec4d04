# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Wizard "Envoyer les factures par courriel" of a batch (SPEC S5, seed 000).

The accountant reads and edits the e-mail in words: the template's
expressions show as named placeholders (« [numéro de facture] ») and an
example shows the e-mail of the first invoice.  The stored template stays a
Genshi template; an untouched text sends the template itself, so each
customer gets it in their own language.
"""
from genshi.template import TextTemplate

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from ..exceptions import SendError
from ..formats.mail_message import MailOverride, readable_text, template_text

# The template's expressions and the message naming each of them
PLACEHOLDERS = [
    ('${record.number}', 'msg_placeholder_number'),
    ('${format_date(record.invoice_date)}', 'msg_placeholder_invoice_date'),
    ('${format_currency(record.total_amount, None, record.currency)}',
        'msg_placeholder_total_amount'),
    ('${format_currency(record.untaxed_amount, None, record.currency)}',
        'msg_placeholder_untaxed_amount'),
    ('${record.party.name}', 'msg_placeholder_party'),
    ('${record.party.code}', 'msg_placeholder_party_code'),
    ('${record.company.party.name}', 'msg_placeholder_company'),
    ]


def placeholder_labels():
    "{expression: label} in the user's language"
    return {e: gettext('lot_facturation.' + m) for e, m in PLACEHOLDERS}


class BatchSendStart(ModelView):
    __name__ = 'account.invoice.batch.send.start'

    count = fields.Integer("Invoices to Send", readonly=True)
    mark_printed = fields.Boolean(
        "Mark E-mailed Invoices as Printed",
        help="Set the print date of the invoices sent by e-mail.")
    subject = fields.Char("Subject", required=True)
    body = fields.Text("Body", required=True,
        help="The words in brackets, such as [invoice number], are "
        "replaced by the values of each invoice.")
    placeholders = fields.Text("Placeholders", readonly=True)
    example_invoice = fields.Many2One(
        'account.invoice', "Example Invoice", readonly=True)
    example = fields.Text("Example", readonly=True,
        help="The e-mail of the first invoice, as it will be sent.")

    @classmethod
    def default_mark_printed(cls):
        return True

    @fields.depends('subject', 'body', 'example_invoice')
    def on_change_with_example(self):
        if not self.example_invoice:
            return None
        try:
            values = render(self.example_invoice,
                template_text(self.subject or '', placeholder_labels()),
                template_text(self.body or '', placeholder_labels()))
        except Exception as exception:
            return gettext('lot_facturation.msg_send_batch_template',
                error=str(exception))
        return '%s\n\n%s' % (values.get('subject', ''), values.get('body', ''))


class BatchSendResult(ModelView):
    __name__ = 'account.invoice.batch.send.result'

    message = fields.Text("Message", readonly=True)


class BatchSend(Wizard):
    __name__ = 'account.invoice.batch.send'

    start = StateView('account.invoice.batch.send.start',
        'lot_facturation.batch_send_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Submit", 'send', 'tryton-ok', default=True),
            ])
    send = StateTransition()
    result = StateView('account.invoice.batch.send.result',
        'lot_facturation.batch_send_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    @staticmethod
    def email_template():
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        EmailTemplate = pool.get('ir.email.template')
        return EmailTemplate(ModelData.get_id(
                'lot_facturation', 'email_template_invoice'))

    def default_start(self, fields):
        template = self.email_template()
        labels = placeholder_labels()
        invoices = [i for b in self.records for i in b.invoices_to_send()]
        values = {
            'count': len(invoices),
            'subject': readable_text(template.subject, labels),
            'body': readable_text(template.body, labels),
            'placeholders': ', '.join(labels.values()),
            'example_invoice': invoices[0].id if invoices else None,
            }
        Start = Pool().get('account.invoice.batch.send.start')
        values['example'] = Start(**values).on_change_with_example()
        return values

    def texts(self):
        """Subject and body templates typed by the user, None when they are
        the template's own (sent in each customer's language)."""
        template = self.email_template()
        labels = placeholder_labels()
        result = []
        for text, own in [(self.start.subject, template.subject),
                (self.start.body, template.body)]:
            if text == readable_text(own, labels):
                result.append(None)
            else:
                result.append(template_text(text, labels))
        return result

    def transition_send(self):
        pool = Pool()
        Batch = pool.get('account.invoice.batch')
        invoices = [i for b in self.records for i in b.invoices_to_send()]
        if not invoices:
            raise SendError(gettext('lot_facturation.msg_process_no_invoice'))
        subject, body = self.texts()
        try:
            for text in [subject, body]:
                TextTemplate(text or '')
            # What fails on the first invoice would fail in the background
            render(invoices[0], subject, body)
        except Exception as exception:
            raise SendError(gettext(
                    'lot_facturation.msg_send_batch_template',
                    error=str(exception))) from exception
        with Transaction().set_context(queue_name='lot_facturation_send'):
            Batch.__queue__.send_batch_invoices(
                list(self.records), self.start.mark_printed, subject, body)
        self.result.message = gettext(
            'lot_facturation.msg_send_batch_started', count=len(invoices))
        return 'result'

    def default_result(self, fields):
        return {'message': self.result.message}


def render(invoice, subject, body):
    "Subject and body of invoice's e-mail: the template, or these texts"
    template = BatchSend.email_template()
    values = template.get(invoice)
    override = MailOverride(subject, body)
    values.update(override.render(template.get_context(invoice)))
    return values
