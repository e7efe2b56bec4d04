# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Send customer invoices through the company's Plateforme Agréée (SPEC
P1, P3, P4).

The send of ``sending/delivery.py`` claims the invoice (compare-and-set
*ready -> sending*), then this channel, outside any transaction:

1. if the invoice's exchange already carries an idempotency key (an
   earlier deposit went unanswered, or the process died), searches the PA
   for the flow deposited with it: found means sent, never deposited again;
2. looks the buyer up in the directory (SIREN, SIRET): absent or disabled,
   the invoice is not deposited and stays *ready*;
3. stores the key and the directory line on the exchange (committed), then
   deposits the validated Factur-X with the processing rule;
4. a deposit left unanswered (time-out) is searched by its key at once.

The key is the invoice (number and id) and its document version (hash of
the validated CII XML): the same document always carries the same key.
"""
import hashlib
import json
import re
import threading

from trytond.i18n import gettext
from trytond.pool import Pool

from ..billing import send_rules
from ..common.runner import in_new_transaction
from ..exceptions import PAWarning, SendError
from ..transports import pa

_CLIENTS = threading.local()


def pa_client(config):
    "The PATransport of config for this thread (it keeps its token)"
    clients = getattr(_CLIENTS, 'clients', None)
    if clients is None:
        clients = _CLIENTS.clients = {}
    if config not in clients:
        clients[config] = pa.transport(config)
    return clients[config]


def idempotency_key(number, invoice_id, xml):
    "The key of one version of one invoice's document"
    number = re.sub(r'[^A-Za-z0-9._-]', '-', number or '')[:32]
    version = hashlib.sha256(xml).hexdigest()[:16]
    return '%s.%s.%s' % (number or 'invoice', invoice_id, version)


class InvoicePASend:
    "Delivery of customer invoices through the PA (P3, P4)."
    __slots__ = ()

    @classmethod
    def claim_exchanges(cls, invoices):
        """One exchange per invoice and PA: a new attempt reuses the PA
        exchange of the earlier ones (and their idempotency key)"""
        pool = Pool()
        Exchange = pool.get('account.invoice.exchange')
        Configuration = pool.get('account.configuration')
        exchanges = super().claim_exchanges(invoices)
        pa_ids = [e.invoice.id for e in exchanges if e.channel == 'pa']
        if not pa_ids:
            return exchanges
        urls = {c: Configuration.get_pa_url(c)
            for c in {e.invoice.company for e in exchanges}}
        earlier = {(e.invoice.id, e.pa_url): e for e in Exchange.search([
                    ('invoice', 'in', pa_ids), ('channel', '=', 'pa'),
                    ('direction', '=', 'out'),
                    ], order=[('id', 'ASC')])}
        result = []
        for exchange in exchanges:
            if exchange.channel == 'pa':
                url = urls[exchange.invoice.company]
                previous = earlier.get((exchange.invoice.id, url))
                if previous is not None:
                    previous.status = 'in_progress'
                    previous.date, previous.user = (
                        exchange.date, exchange.user)
                    previous.message = exchange.message
                    exchange = previous
                exchange.pa_url = url
            result.append(exchange)
        return result

    @classmethod
    def cancel(cls, invoices):
        "The PA took them: a credit note corrects them, never a cancel"
        for invoice in invoices:
            if (invoice.send_channel == 'pa'
                    and invoice.send_state in {'sending', 'sent'}):
                raise SendError(gettext('lot_facturation.msg_pa_sent_locked',
                        invoice=invoice.rec_name))
        super().cancel(invoices)

    @classmethod
    def check_before_send(cls, invoices):
        """Warn of the buyers absent from the PA's directory: their
        invoices will not be sent through the PA"""
        pool = Pool()
        Party = pool.get('party.party')
        Warning = pool.get('res.user.warning')
        super().check_before_send(invoices)
        absent = []
        by_company = {}
        for invoice in invoices:
            if invoice.party.invoice_send_channel == 'pa':
                by_company.setdefault(invoice.company, set()).add(
                    invoice.party)
        for company, parties in by_company.items():
            absent.extend(Party.pa_directory_absent(company, parties))
        if absent:
            key = Warning.format('lot_facturation_pa_directory', absent)
            if Warning.check(key):
                raise PAWarning(key, gettext(
                        'lot_facturation.msg_pa_directory_warning',
                        parties='\n'.join(sorted(
                                '- %s (SIREN %s)' % (p.rec_name, p.siren_code)
                                for p in absent))))

    def prepare_delivery_pa(self, delivery, mail_override=None):
        """The validated Factur-X and what the PA needs to route it, read
        in the render step"""
        pool = Pool()
        Configuration = pool.get('account.configuration')
        Exchange = pool.get('account.invoice.exchange')
        config = Configuration.get_pa_config(self.company)
        if config is None:
            delivery.error = gettext('lot_facturation.msg_pa_not_configured',
                company=self.company.rec_name, invoice=self.rec_name)
            return
        siren = self.party.siren.code_compact if self.party.siren else ''
        if not siren:
            delivery.error = gettext('lot_facturation.msg_pa_no_siren',
                party=self.party.rec_name, invoice=self.rec_name)
            return
        checked = delivery.structured
        if not checked.ok:
            delivery.error = self.blocked_message(checked)
            return
        delivery.filename = 'facturx-%s.pdf' % re.sub(
            r'[^A-Za-z0-9._-]', '-', self.number or str(self.id))
        siret = getattr(self.invoice_address, 'siret', None)
        delivery.extra = {
            'config': config, 'siren': siren,
            'siret': siret.code_compact if siret else None,
            'rule': send_rules.pa_processing_rule(self.party.customer_kind),
            'key': idempotency_key(self.number, self.id, checked.xml),
            'previous_key': Exchange(delivery.exchange).pa_key,
            'invoice': self.rec_name, 'party': self.party.rec_name,
            }

    @classmethod
    def deliver_pa(cls, delivery, outcome):
        "Hand the Factur-X to the PA; outcome says what happened"
        extra = delivery.extra
        client = pa_client(extra['config'])
        try:
            if extra['previous_key']:
                flow_id = client.find_flow(extra['previous_key'])
                if flow_id:
                    cls._pa_sent(outcome, flow_id, extra['previous_key'],
                        'lot_facturation.msg_pa_found')
                    return
            line = client.lookup(extra['siren'], extra['siret'])
            if line is None or not line.usable:
                outcome.status = 'error'
                outcome.message = gettext(
                    'lot_facturation.msg_pa_not_in_directory',
                    party=extra['party'], siren=extra['siren'],
                    invoice=extra['invoice'])
                return
            outcome.values.update(pa_key=extra['key'],
                pa_directory_address=line.address,
                pa_directory=json.dumps(line.as_record(), sort_keys=True))
            in_new_transaction(cls._pa_remember, delivery.exchange,
                dict(outcome.values))
            cls._pa_deposit(client, delivery, outcome)
        except pa.PAError as error:
            outcome.status = 'error'
            outcome.message = gettext('lot_facturation.msg_pa_error',
                invoice=extra['invoice'], error=str(error))

    @classmethod
    def _pa_deposit(cls, client, delivery, outcome):
        extra = delivery.extra
        try:
            flow_id = client.deposit(delivery.pdf, delivery.filename,
                extra['rule'], extra['key'])
        except pa.PATimeout:
            try:
                flow_id = client.find_flow(extra['key'])
            except pa.PAError:
                flow_id = None  # still unknown: the next send searches
            if not flow_id:
                outcome.status = 'error'
                outcome.message = gettext('lot_facturation.msg_pa_timeout',
                    invoice=extra['invoice'])
                return
        cls._pa_sent(outcome, flow_id, extra['key'],
            'lot_facturation.msg_pa_deposited')

    @staticmethod
    def _pa_sent(outcome, flow_id, key, message):
        outcome.status = 'sent'
        outcome.values.update(pa_flow_id=flow_id, pa_key=key)
        outcome.message = gettext(message, flow=flow_id,
            address=outcome.values.get('pa_directory_address') or '')

    @classmethod
    def _pa_remember(cls, exchange_id, values):
        "The key and directory line, committed before the deposit"
        Exchange = Pool().get('account.invoice.exchange')
        Exchange.write([Exchange(exchange_id)], values)
