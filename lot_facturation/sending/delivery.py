# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Deliver customer invoices through their customer's channel (SPEC S3).

An invoice is delivered at most once, even when two sends overlap (two
users, the nightly job, a batch send, several processes) or the line to
the mail server drops:

1. *claim* (own transaction, committed): a compare-and-set
   ``ready -> sending`` stamps the rows with a token; only the rows that
   carry our token are ours.  A concurrent claim of the same row waits for
   ours (SQLite serialises writers, PostgreSQL raises a serialisation
   error that we retry) and then no longer finds it *ready*.  An exchange
   *in progress* with the e-mail's Message-ID is created at the same time.
2. *render* (read-only transaction): PDFs and e-mails of the claimed chunk.
3. *hand over* (own transaction): the exchange is stamped
   ``handover_date`` just before the mail server is called, once
   (``transports.smtp.send``: no resend when the line drops).
4. *record* (own transaction per invoice, committed right after the
   server's answer): accepted -> invoice *sent*, exchange *sent*, PDF
   archived; refused -> invoice back to *ready*, exchange *error*, the next
   run retries it; connection lost after the data -> exchange *to check*,
   the invoice stays *sending*: nothing sends it again until a person
   decides (*Mark as Sent* / *Send Again* on the exchange).

Claims always end (``claims.py``): a send that raises releases the
invoices it claimed and did not hand over; the next send releases the
claims of a process that died, once older than the lease.
"""
import datetime
import logging
import uuid
from dataclasses import dataclass, field

import trytond.config as config
from trytond import backend
from trytond.i18n import gettext
from trytond.model.fields import SQL_OPERATORS
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.url import host

from ..billing import send_rules as rules
from ..common import settings
from ..common.runner import in_new_transaction
from ..formats.mail_message import (
    Attachment, Mail, MailOverride, addresses, build_message, new_message_id)
from ..report.invoice_data import invoice_language
from ..transports import smtp
from .send_state import SENDABLE_STATES

logger = logging.getLogger(__name__)
CHUNK = 20
EXCHANGE_CHANNELS = {
    'email': 'email', 'portal': 'portal', 'chorus': 'chorus', 'pa': 'pa',
    'paper': 'print',
    }
MAIL_CHANNELS = {'email', 'portal'}


@dataclass
class Delivery:
    "One invoice to deliver, prepared in the render step"
    invoice: int
    exchange: int
    channel: str
    message_id: str = None
    pdf: bytes = None
    filename: str = ''
    mail: object = None
    error: str = ''
    status: str = 'sent'  # exchange status when delivered
    note: str = ''
    language: str = ''
    structured: object = None  # the gate's result, structured channels
    extra: dict = field(default_factory=dict)  # what the channel needs

    @property
    def hands_over(self):
        """Whether it calls a transport outside the database (the mail
        server; a channel with its own transport says so here): then its
        exchange is stamped first and an interruption is to check."""
        return self.mail is not None and not self.error


def render_each(render, invoices):
    """render(invoices), PDFs by invoice id, for all the invoices at once,
    else one by one: (PDFs, rendering errors) by invoice id; an invoice
    that cannot be rendered fails alone"""
    if not invoices:
        return {}, {}
    try:
        return render(invoices), {}
    except Exception:
        logger.warning("bulk rendering failed", exc_info=True)
    pdfs, errors = {}, {}
    for invoice in invoices:
        try:
            pdfs.update(render([invoice]))
        except Exception as exception:
            errors[invoice.id] = gettext(
                'lot_facturation.msg_send_render_error',
                error=getattr(exception, 'message', None) or str(exception))
    return pdfs, errors


@dataclass
class Outcome:
    "What happened to one invoice"
    invoice: int
    exchange: int
    channel: str
    status: str  # exchange status: sent, pending or error
    message: str = ''
    recipients: str = ''
    pdf: bytes = field(default=None, repr=False)
    filename: str = ''
    email: object = field(default=None, repr=False)
    values: dict = field(default_factory=dict)  # more exchange fields

    @property
    def delivered(self):
        return self.status in {'sent', 'pending'}


class InvoiceDelivery:
    "Delivery of customer invoices through their channel (S3)."
    __slots__ = ()

    @classmethod
    def send(cls, invoices, mark_printed=False, subject=None, body=None):
        """Deliver the ready invoices among invoices; return the outcomes.

        subject and body replace the e-mail template's (Genshi text with
        ``record``, the invoice).  Commits on its own (claim and every
        delivery): the caller must not write these invoices afterwards in
        its own transaction."""
        if backend.name == 'sqlite':
            # SQLite has a single writer: the caller's pending writes (the
            # wizard's confirmation...) would lock out our own transactions.
            Transaction().commit()
        in_new_transaction(cls.recover_claims)
        ids = sorted({i.id for i in invoices})
        mail_override = MailOverride(subject, body) if subject or body else None
        outcomes = []
        for sub_ids in grouped_slice(ids, CHUNK):
            claimed = in_new_transaction(cls._claim_send, list(sub_ids))
            if claimed:
                outcomes.extend(cls._send_claimed(
                        claimed, mark_printed, mail_override))
        return outcomes

    @classmethod
    def _claim_send(cls, ids):
        "Compare-and-set ready -> sending; return {invoice: exchange}"
        pool = Pool()
        Exchange = pool.get('account.invoice.exchange')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        table = cls.__table__()
        token = uuid.uuid4().hex
        cursor.execute(*table.update(
                [table.send_state, table.send_token, table.write_date,
                    table.write_uid],
                ['sending', token, datetime.datetime.now(),
                    transaction.user],
                where=SQL_OPERATORS['in'](table.id, ids)
                & (table.send_state == 'ready')
                & (table.type == 'out')
                & table.state.in_(sorted(SENDABLE_STATES))))
        cursor.execute(*table.select(
                table.id, where=table.send_token == token))
        invoices = cls.browse([i for i, in cursor])
        exchanges = cls.claim_exchanges(invoices)
        Exchange.save(exchanges)
        return {e.invoice.id: e.id for e in exchanges}

    @classmethod
    def check_before_send(cls, invoices):
        "Raise the warnings the user must see before invoices are sent"

    @classmethod
    def claim_exchanges(cls, invoices):
        "One exchange in progress per claimed invoice (not saved)"
        Exchange = Pool().get('account.invoice.exchange')
        user = Transaction().user or None
        exchanges = []
        for invoice in invoices:
            channel = invoice.party.invoice_send_channel
            exchanges.append(Exchange(
                    invoice=invoice, channel=EXCHANGE_CHANNELS[channel],
                    direction='out', status='in_progress',
                    date=Exchange.now(), user=user,
                    message=gettext(
                        'lot_facturation.msg_exchange_in_progress'),
                    message_id=(new_message_id(host())
                        if channel in MAIL_CHANNELS else None)))
        return exchanges

    @classmethod
    def _send_claimed(cls, claimed, mark_printed, mail_override):
        "Deliver a claimed chunk; on any error, release what was not tried."
        untried = dict(claimed)
        outcomes, server = [], None
        try:
            with Transaction().new_transaction(readonly=True):
                deliveries = cls._prepare_deliveries(claimed, mail_override)
            for delivery in deliveries:
                del untried[delivery.invoice]
                if delivery.hands_over and not in_new_transaction(
                        cls.start_handover, delivery.exchange):
                    continue  # its claim was taken back meanwhile
                outcome, server = cls._deliver(delivery, server)
                cls._record_delivery(outcome, mark_printed)
                outcomes.append(outcome)
        except Exception as error:
            if untried:
                in_new_transaction(cls.release_claims, untried, error)
            raise
        finally:
            smtp.quit(server)
        return outcomes

    @classmethod
    def _record_delivery(cls, outcome, mark_printed):
        try:
            in_new_transaction(cls._record_outcome, outcome, mark_printed)
        except Exception:
            logger.critical(
                "invoice %s delivered (%s) but not recorded: it stays "
                "'sending'", outcome.invoice, outcome.status, exc_info=True)
            raise

    @classmethod
    def _prepare_deliveries(cls, claimed, mail_override):
        pool = Pool()
        Exchange = pool.get('account.invoice.exchange')
        Report = pool.get('lot_facturation.invoice', type='report')
        invoices = cls.browse(sorted(claimed))
        # the structured channels send (and archive) their Factur-X instead
        structured = [i for i in invoices
            if rules.is_structured(i.party.invoice_send_channel)]
        printed = set(invoices) - set(structured)
        pdfs, errors = cls._render_all(Report,
            [i for i in invoices if i in printed])
        checked, facturx, facturx_errors = cls._render_structured(structured)
        pdfs.update(facturx)
        errors.update(facturx_errors)
        exchanges = {e.id: e for e in Exchange.browse(claimed.values())}
        deliveries = []
        for invoice in invoices:
            exchange = exchanges[claimed[invoice.id]]
            delivery = Delivery(
                invoice=invoice.id, exchange=exchange.id,
                channel=invoice.party.invoice_send_channel,
                message_id=exchange.message_id, pdf=pdfs.get(invoice.id),
                filename=Report.filename(invoice),
                error=errors.get(invoice.id, ''),
                language=invoice_language(invoice) or '',
                structured=checked.get(invoice.id))
            if not delivery.error:
                invoice._prepare_delivery(delivery, mail_override)
            deliveries.append(delivery)
        return deliveries

    def _prepare_delivery(self, delivery, mail_override):
        "A text that cannot be rendered fails this invoice, not the chunk"
        try:
            getattr(self, 'prepare_delivery_' + delivery.channel)(
                delivery, mail_override)
        except Exception as exception:
            logger.warning("invoice %s: e-mail not prepared: %s", self.id,
                exception, exc_info=logger.isEnabledFor(logging.DEBUG))
            delivery.error = gettext(
                'lot_facturation.msg_send_prepare_error',
                error=getattr(exception, 'message', None) or str(exception))

    @classmethod
    def _render_all(cls, Report, invoices):
        "PDFs by invoice id, and rendering errors by invoice id"
        return render_each(Report.render_pdfs, invoices)

    @classmethod
    def _render_structured(cls, invoices):
        """The gate on the invoices of the structured channels, then the
        Factur-X of those it lets through, signed, in one pass: (gate
        results, PDFs, rendering errors) by invoice id"""
        checked = cls.check_structured(invoices)
        passed = [i for i in invoices if checked[i.id].ok]
        pdfs, errors = render_each(lambda group: cls.render_facturx(group,
                {i.id: checked[i.id].xml for i in group}, sign=True), passed)
        return checked, pdfs, errors

    def _template_mail(self, xml_id, delivery, mail_override, **context):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        EmailTemplate = pool.get('ir.email.template')
        language = delivery.language or Transaction().language
        with Transaction().set_context(language=language, **context):
            template = EmailTemplate(
                ModelData.get_id('lot_facturation', xml_id))
            values = template.get(self)
            if mail_override:
                values.update(mail_override.render(
                        template.get_context(self)))
        return Mail(
            subject=values.get('subject', ''), body=values.get('body', ''),
            to=values.get('to', []), language=language)

    def prepare_delivery_email(self, delivery, mail_override=None):
        mail = self._template_mail(
            'email_template_invoice', delivery, mail_override)
        if not addresses(mail.to):
            delivery.error = gettext(
                'lot_facturation.msg_send_no_email', party=self.party.rec_name)
            return
        mail.attachments.append(Attachment(delivery.filename, delivery.pdf))
        delivery.mail = mail

    def prepare_delivery_portal(self, delivery, mail_override=None):
        pool = Pool()
        Configuration = pool.get('account.configuration')
        url = Configuration(1).get_multivalue(
            'invoice_portal_url', company=self.company.id)
        if not url:
            delivery.error = gettext('lot_facturation.msg_send_no_portal_url')
            return
        mail = self._template_mail('email_template_invoice_portal',
            delivery, None, invoice_portal_url=url)
        if not addresses(mail.to):
            delivery.error = gettext(
                'lot_facturation.msg_send_no_email', party=self.party.rec_name)
            return
        delivery.mail = mail

    def prepare_delivery_paper(self, delivery, mail_override=None):
        delivery.note = gettext('lot_facturation.msg_exchange_to_print')

    def prepare_delivery_chorus(self, delivery, mail_override=None):
        """Chorus Pro invoices wait for their export to Chorus (C3) as
        Factur-X, once the validation gate lets them through (F1)"""
        if not delivery.structured.ok:
            delivery.error = self.blocked_message(delivery.structured)
            return
        delivery.filename = 'facturx-%s.pdf' % (self.number or self.id)
        delivery.status = 'pending'
        delivery.note = gettext('lot_facturation.msg_exchange_chorus_pending')

    @classmethod
    def _deliver(cls, delivery, server):
        "Hand the delivery to its transport; return (Outcome, server)"
        outcome = Outcome(
            invoice=delivery.invoice, exchange=delivery.exchange,
            channel=delivery.channel, status=delivery.status,
            message=delivery.note, pdf=delivery.pdf,
            filename=delivery.filename)
        if delivery.error:
            outcome.status, outcome.message = 'error', delivery.error
            return outcome, server
        if delivery.mail is None:
            transport = getattr(cls, 'deliver_' + delivery.channel, None)
            if transport is not None:
                transport(delivery, outcome)
            return outcome, server
        from_addr = config.get('email', 'from')
        msg = build_message(delivery.mail, from_addr, delivery.message_id)
        outcome.recipients = msg['To']
        try:
            server = smtp.send(msg, server)
        except smtp.OutcomeUnknown:
            outcome.status = 'to_check'
            outcome.message = gettext(
                'lot_facturation.msg_exchange_outcome_unknown')
            return outcome, None
        except smtp.SMTPErrors as exception:
            outcome.status = 'error'
            outcome.message = gettext(
                'lot_facturation.msg_send_smtp_error'
                if smtp.refused(exception)
                else 'lot_facturation.msg_send_smtp_unreachable',
                error=smtp.error_text(exception))
            smtp.close(server)
            return outcome, None
        outcome.email = msg
        outcome.message = gettext(
            'lot_facturation.msg_exchange_email_accepted',
            recipients=outcome.recipients)
        return outcome, server

    @classmethod
    def _record_outcome(cls, outcome, mark_printed):
        pool = Pool()
        Exchange = pool.get('account.invoice.exchange')
        Email = pool.get('ir.email')
        invoice = cls(outcome.invoice)
        exchange = Exchange(outcome.exchange)
        if (exchange.status not in {'in_progress', 'to_check'}
                or invoice.send_state != 'sending'):
            logger.warning("invoice %s: outcome %s arrived after its send "
                "was resolved", invoice.id, outcome.status)
            return
        values = dict(outcome.values, recipients=outcome.recipients or None)
        if outcome.pdf:
            values.update(report=outcome.pdf, report_name=outcome.filename)
        Exchange.set_status(
            [exchange], outcome.status, outcome.message, **values)
        if outcome.status == 'to_check':
            return
        if not outcome.delivered:
            cls.release_send([invoice])
            return
        cls.finish_send([invoice], [exchange])
        if mark_printed and outcome.email is not None:
            cls.mark_printed([invoice])
        if outcome.email is not None:
            Email.from_message(outcome.email,
                body=outcome.email.get_body(('plain',)).get_content(),
                resource=invoice).save()

    @classmethod
    def finish_send(cls, invoices, exchanges):
        "The invoices are delivered through their exchange"
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        now = datetime.datetime.now().replace(microsecond=0)
        user = Transaction().user or None
        archive = settings.by_company(
            'archive_invoices', [i.company.id for i in invoices])
        to_write, attachments = [], []
        for invoice, exchange in zip(invoices, exchanges):
            party_channel = invoice.party.invoice_send_channel
            to_write.extend(([invoice], {
                        'send_state': 'sent', 'send_token': None,
                        'sent_date': now, 'sent_by': user,
                        'send_channel': exchange.channel,
                        'dematerialized': rules.is_dematerialized(
                            party_channel),
                        }))
            if exchange.report and archive[invoice.company.id]:
                attachments.append(Attachment(
                        resource=invoice, name=exchange.report_name,
                        type='data', data=exchange.report))
        if to_write:
            cls.write(*to_write)
        Attachment.save(attachments)

    @classmethod
    def release_send(cls, invoices):
        "A failed or abandoned delivery: the invoices are ready again"
        invoices = [i for i in invoices if i.send_state == 'sending']
        if invoices:
            cls.write(invoices, {'send_state': 'ready', 'send_token': None})
