# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"Wizard \"Envoyer les factures par courriel\" of a batch (SPEC S5, seed 000)."
from genshi.template import TextTemplate

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from ..exceptions import SendError


class BatchSendStart(ModelView):
    __name__ = 'account.invoice.batch.send.start'

    count = fields.Integer("Invoices to Send", readonly=True)
    mark_printed = fields.Boolean(
        "Mark E-mailed Invoices as Printed",
        help="Set the print date of the invoices sent by e-mail.")
    subject = fields.Char("Subject", required=True)
    body = fields.Text("Body", required=True,
        help="${record.number}, ${record.party.name}... are replaced by "
        "the values of each invoice.")

    @classmethod
    def default_mark_printed(cls):
        return True


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

    def default_start(self, fields):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        EmailTemplate = pool.get('ir.email.template')
        template = EmailTemplate(ModelData.get_id(
                'lot_facturation', 'email_template_invoice'))
        count = sum(len(b.invoices_to_send()) for b in self.records)
        return {
            'count': count,
            'subject': template.subject,
            'body': template.body,
            }

    def transition_send(self):
        pool = Pool()
        Batch = pool.get('account.invoice.batch')
        for text in [self.start.subject, self.start.body]:
            try:
                TextTemplate(text)
            except Exception as exception:
                raise SendError(gettext(
                        'lot_facturation.msg_send_batch_template',
                        error=str(exception))) from exception
        if not any(b.invoices_to_send() for b in self.records):
            raise SendError(gettext('lot_facturation.msg_process_no_invoice'))
        with Transaction().set_context(queue_name='lot_facturation_send'):
            Batch.__queue__.send_batch_invoices(
                list(self.records), self.start.mark_printed,
                self.start.subject, self.start.body)
        return 'result'

    def default_result(self, fields):
        return {'message': gettext('lot_facturation.msg_send_batch_started')}
