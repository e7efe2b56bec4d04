# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Collections the PA must know of when VAT is due on receipt (SPEC P6, P7).

A company without the *débits* option owes the VAT on its services when
it is paid.  Every receipt that pays an invoice (a line of its payment
lines or of the reconciliation of its lines to pay, fully or partly) is
recorded once, in the reconciliation's own transaction, as a *collection*
keyed by receipt and invoice, with its amount shared per VAT rate
(``billing.collections.split_by_rate``); a receipt shared by several
invoices counts for each what was left to pay on it (``shares_of``).  A
cancelled receipt (bounced cheque: its move reversed) is recorded again,
negated.

An invoice sent through the PA is told by a 212 "Encaissée" status,
deposited later by the queue, the cron or the button (never in the
reconciliation's transaction): a failure leaves the collection pending with
the error, retried next time.  The collections of consumers' and foreign
customers' invoices go into the payments e-reporting of their period
(``ereporting_report.py``).
"""
import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal

from sql import Literal
from sql.operators import In

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from ..billing.collections import split_by_rate
from ..common import settings
from ..common.runner import BACKGROUND, ChunkRunner
from ..common.sql import execute_update
from ..formats import cdar
from ..transports import pa
from .pa_send import pa_client

STATES = [
    ('pending', "Pending"),
    ('sending', "Sending"),
    ('sent', "Sent"),
    ('error', "Error"),
    ]
ROUTES = [
    ('status', "212 Status"),
    ('report', "E-Reporting"),
    ]
KINDS = [
    ('payment', "Payment"),
    ('cancellation', "Cancellation"),
    ]
REPORTED_KINDS = {'consumer', 'foreign'}
# A claim older than this was left by a process that died: taken back.
STALE_CLAIM = dt.timedelta(hours=1)


def totals_by_rate(invoice):
    """{VAT rate in percent: VAT-included total} of invoice; lines without
    tax count at rate 0."""
    totals = defaultdict(Decimal)
    for tax in invoice.taxes:
        rate = tax.tax.rate if tax.tax and tax.tax.rate is not None else 0
        totals[(Decimal(rate) * 100).quantize(cdar.CENT)] += (
            tax.base + tax.amount)
    untaxed = abs(invoice.total_amount) - sum(
        (abs(v) for v in totals.values()), Decimal(0))
    totals = {rate: abs(total) for rate, total in totals.items()}
    if untaxed > 0:
        totals[Decimal('0.00')] = totals.get(Decimal('0.00'), 0) + untaxed
    return totals


def route_of(invoice):
    "How the PA learns of the invoice's collections, or None."
    if invoice.send_channel == 'pa' and invoice.send_state == 'sent':
        return 'status'
    if invoice.party.customer_kind in REPORTED_KINDS:
        return 'report'
    return None


class PACollection(ModelSQL, ModelView):
    __name__ = 'account.invoice.pa_collection'
    _rec_name = 'key'

    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    invoice = fields.Many2One('account.invoice', "Invoice", required=True,
        readonly=True, ondelete='RESTRICT')
    party = fields.Function(fields.Many2One('party.party', "Customer",
            context={'company': Eval('company', -1)}, depends={'company'}),
        'get_invoice_field')
    line = fields.Many2One('account.move.line', "Receipt", required=True,
        readonly=True, ondelete='RESTRICT',
        help="The accounting line of the payment (or of its cancellation).")
    key = fields.Char("Key", required=True, readonly=True,
        help="Receipt, invoice and kind: each is reported once.")
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    route = fields.Selection(ROUTES, "Reported By", required=True,
        readonly=True,
        help="212 status: the invoice went through the PA.\n"
        "E-reporting: a consumer's or foreign customer's invoice.")
    payment_date = fields.Date("Payment Date", required=True, readonly=True)
    currency = fields.Many2One('currency.currency', "Currency",
        required=True, readonly=True)
    amount = fields.Numeric("Amount", digits=(16, 2), required=True,
        readonly=True, help="VAT included; negative for a cancellation.")
    rates = fields.Text("Amount per VAT Rate", readonly=True,
        help="The amount shared per VAT rate (JSON: rate -> amount).")
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)
    message = fields.Text("Message", readonly=True)
    attempts = fields.Integer("Attempts", readonly=True)
    exchange = fields.Many2One('account.invoice.exchange', "Exchange",
        readonly=True, ondelete='SET NULL')
    pa_flow_id = fields.Char("PA Flow ID", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        table = cls.__table__()
        cls._sql_constraints += [
            ('key_unique', Unique(table, table.key),
                'lot_facturation.msg_pa_collection_unique'),
            ]
        cls._order = [('payment_date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'emit': {
                    'invisible': (~Eval('state').in_(['pending', 'error'])
                        | (Eval('route') != 'status')),
                    'depends': ['state', 'route'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'pending'

    @classmethod
    def default_attempts(cls):
        return 0

    def get_invoice_field(self, name):
        return getattr(self.invoice, name).id

    def amounts(self):
        "The cdar.VatAmount of each rate, in rate order."
        return tuple(cdar.VatAmount(Decimal(rate), Decimal(amount))
            for rate, amount in sorted(json.loads(self.rates).items(),
                key=lambda item: Decimal(item[0]), reverse=True)
            if Decimal(amount))

    # --- recording, in the reconciliation's transaction ---------------
    @classmethod
    def record(cls, invoices):
        "Record the receipts of invoices not recorded yet; return them."
        candidates = cls._candidates(invoices)
        if not candidates:
            return []
        keys = {c['key'] for c in candidates}
        known = {c.key for c in cls.search([('key', 'in', sorted(keys))])}
        records = [cls(**c) for c in candidates if c['key'] not in known]
        cls.save(records)
        cls._queue(records)
        return records

    @classmethod
    def _queue(cls, records):
        "The statuses are deposited after the commit, never before."
        statuses = [r for r in records if r.route == 'status']
        if statuses:
            cls.__queue__.deposit_queued(statuses)

    @classmethod
    def deposit_queued(cls, collections):
        return cls.deposit_statuses([c.id for c in collections])

    @classmethod
    def _candidates(cls, invoices):
        debits = settings.by_company('vat_on_debits',
            {i.company.id for i in invoices})
        result = []
        for invoice in invoices:
            route = route_of(invoice)
            if (invoice.type != 'out' or invoice.state not in {
                        'posted', 'paid'} or debits[invoice.company.id]
                    or route is None):
                continue
            result.extend(cls._invoice_candidates(invoice, route))
        return result

    @classmethod
    def _invoice_candidates(cls, invoice, route):
        "A value dictionary per receipt of invoice (and per cancellation)."
        totals = totals_by_rate(invoice)
        if not totals:
            return []
        result = []
        for line, kind, amount in shares_of(invoice, receipts_of(invoice)):
            if not amount:
                continue
            parts = split_by_rate(amount, totals)
            result.append({
                    'company': invoice.company, 'invoice': invoice,
                    'line': line, 'kind': kind, 'route': route,
                    'key': '%s.%s.%s' % (
                        'enc' if kind == 'payment' else 'ann',
                        line.id, invoice.id),
                    'payment_date': line.date, 'currency': invoice.currency,
                    'amount': amount,
                    'rates': json.dumps({str(r): str(v)
                            for r, v in parts.items()}, sort_keys=True),
                    })
        return result

    @classmethod
    def record_cancellations(cls, lines):
        """The receipts among lines whose move was reversed: their
        collections are recorded again, negated."""
        Line = Pool().get('account.move.line')
        reversals = [l for l in lines if isinstance(
                l.move.origin, Pool().get('account.move'))]
        cancelled = {l.move.origin.id for l in reversals}
        if not cancelled:
            return []
        collections = cls.search([
                ('line.move', 'in', sorted(cancelled)),
                ('kind', '=', 'payment'),
                ])
        keys = {'ann.%s.%s' % (c.line.id, c.invoice.id): c
            for c in collections}
        known = {c.key for c in cls.search([('key', 'in', sorted(keys))])}
        by_move = {l.move.origin.id: l for l in reversals}
        records = []
        for key, original in keys.items():
            if key in known:
                continue
            reversal = by_move[original.line.move.id]
            records.append(cls(company=original.company,
                    invoice=original.invoice, line=Line(reversal.id),
                    kind='cancellation', route=original.route, key=key,
                    payment_date=reversal.date, currency=original.currency,
                    amount=-original.amount, rates=json.dumps({
                            r: str(-Decimal(v)) for r, v in json.loads(
                                original.rates).items()}, sort_keys=True)))
        cls.save(records)
        cls._queue(records)
        return records

    # --- emission of the 212 statuses, outside that transaction -------
    @classmethod
    @ModelView.button
    def emit(cls, collections):
        cls.deposit_statuses([c.id for c in collections
                if c.route == 'status' and c.state in {'pending', 'error'}])

    @classmethod
    def emit_pending(cls, company_ids=None):
        "The cron: deposit every pending 212 status (failures retried)."
        domain = [('route', '=', 'status'), ['OR',
                ('state', 'in', ['pending', 'error']),
                [('state', '=', 'sending'),
                    ('write_date', '<', dt.datetime.now() - STALE_CLAIM)]]]
        if company_ids:
            domain.append(('company', 'in', company_ids))
        return cls.deposit_statuses([c.id for c in cls.search(domain)])

    @classmethod
    def deposit_statuses(cls, ids):
        "Claim, deposit and record each status; return how many were sent."
        sent = 0
        runner = ChunkRunner(context=dict(BACKGROUND,
                language=cls._language()))
        for collection_id in ids:
            job = runner(cls._claim, collection_id)
            if job is None:
                continue  # another process took it
            result = cls._deposit(job)
            runner(cls._record_result, collection_id, result)
            sent += result['state'] == 'sent'
        return sent

    @staticmethod
    def _language():
        """The messages in the language of the user who asked (the queue
        drops the context's language)"""
        transaction = Transaction()
        language = transaction.context.get('language')
        if not language:
            user = Pool().get('res.user')(transaction.user)
            language = user.language.code if user.language else None
        return language or transaction.language

    @classmethod
    def _claim(cls, collection_id):
        "Take the collection (compare-and-set) and build its status."
        table = cls.__table__()
        stale = dt.datetime.now() - STALE_CLAIM
        count = execute_update(table.update(
                [table.state, table.attempts, table.write_date],
                ['sending', table.attempts + 1, dt.datetime.now()],
                where=(table.id == collection_id) & (
                    In(table.state, ['pending', 'error'])
                    | ((table.state == Literal('sending'))
                        & (table.write_date < stale)))), cls)
        if not count:
            return None
        collection = cls(collection_id)
        Configuration = Pool().get('account.configuration')
        try:
            config = Configuration.get_pa_config(collection.company)
            if config is None:
                raise ValueError(gettext(
                        'lot_facturation.msg_pa_not_configured',
                        company=collection.company.rec_name,
                        invoice=collection.invoice.rec_name))
            document = cls._status_document(collection)
        except Exception as error:
            return {'error': getattr(error, 'message', None) or str(error)}
        return {'config': config, 'document': document,
            'key': collection.key, 'retry': collection.attempts > 1,
            'filename': 'cdar-212-%s.xml' % collection.key}

    @staticmethod
    def _status_document(collection):
        invoice = collection.invoice
        company = invoice.company.party
        seller = cdar.TradeParty('SE', company.name,
            company.siren.code_compact if company.siren else '')
        buyer_siren = invoice.party.siren.code_compact \
            if invoice.party.siren else ''
        address = next((e.pa_directory_address for e in invoice.exchanges
                if e.channel == 'pa' and e.pa_directory_address), '')
        buyer = cdar.TradeParty('BY', invoice.party.name, buyer_siren,
            address or buyer_siren)
        return cdar.build_payment_received(
            message_id=collection.key, issued_at=dt.datetime.now(
                dt.timezone.utc).replace(microsecond=0),
            seller=seller, buyer=buyer, invoice_number=invoice.number,
            invoice_date=invoice.invoice_date,
            payment_date=collection.payment_date,
            amounts=collection.amounts(),
            invoice_type='381' if invoice.total_amount < 0 else '380',
            currency=invoice.currency.code)

    @classmethod
    def _deposit(cls, job):
        "Deposit the status at the PA (no transaction open): the outcome."
        if 'error' in job:
            return {'state': 'error', 'message': job['error']}
        client = pa_client(job['config'])
        try:
            flow_id = client.find_flow(job['key']) if job['retry'] else None
            if not flow_id:
                try:
                    flow_id = client.deposit(job['document'], job['filename'],
                        'B2B', job['key'], syntax='CDAR')
                except pa.PATimeout:
                    flow_id = client.find_flow(job['key'])
            if not flow_id:
                raise pa.PATimeout('deposit')
        except pa.PAError as error:
            return {'state': 'error', 'message': str(error)}
        return {'state': 'sent', 'flow_id': flow_id}

    @classmethod
    def _record_result(cls, collection_id, result):
        "The outcome on the collection; a sent status in the exchange log."
        Exchange = Pool().get('account.invoice.exchange')
        collection = cls(collection_id)
        if result['state'] != 'sent':
            collection.state = 'error'
            collection.message = gettext(
                'lot_facturation.msg_pa_collection_error',
                invoice=collection.invoice.rec_name, error=result['message'])
            collection.save()
            return
        amounts = ', '.join('%s %% : %s' % (line.rate, line.amount)
            for line in collection.amounts())
        message = gettext('lot_facturation.msg_pa_collection_sent',
            amount=collection.amount, amounts=amounts,
            flow=result['flow_id'])
        exchange = Exchange(invoice=collection.invoice, channel='pa',
            direction='out', status='sent', date=Exchange.now(),
            user=Transaction().user, message=message,
            pa_flow_id=result['flow_id'], pa_status_code='212',
            pa_key=collection.key)
        exchange.save()
        collection.state = 'sent'
        collection.message = message
        collection.exchange = exchange
        collection.pa_flow_id = result['flow_id']
        collection.save()


def receipts_of(invoice):
    """(line, 'payment') for each receipt paying invoice, not cancelled
    and not an invoice's own move."""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Move = pool.get('account.move')
    lines = {l for l in invoice.payment_lines + invoice.reconciliation_lines
        if l not in invoice.lines_to_pay and l.move.state == 'posted'
        and l.invoice_payment in {None, invoice}}
    moves = {l.move.id for l in lines}
    invoice_moves = {i.move.id for i in Invoice.search([
                ('move', 'in', sorted(moves)),
                ])} if moves else set()
    return sorted(((l, 'payment') for l in lines
            if l.move.id not in invoice_moves
            and not isinstance(l.move.origin, Move)),
        key=lambda item: (item[0].date, item[0].id))


def shares_of(invoice, receipts):
    """(line, kind, amount) of receipts: a payment line of invoice counts
    its own amount; a receipt shared with other invoices (one cheque for
    several) what is left to pay on invoice, at most its amount."""
    sign = -1 if invoice.total_amount < 0 else 1
    amounts = [invoice.currency.round(l.credit - l.debit) * sign
        for l, _ in receipts]
    left = invoice.total_amount * sign - sum((a for (l, _), a in zip(
                receipts, amounts) if l.invoice_payment == invoice),
        Decimal(0))
    result = []
    for (line, kind), amount in zip(receipts, amounts):
        if line.invoice_payment != invoice and amount > 0:
            amount = min(amount, max(left, Decimal(0)))
            left -= amount
        result.append((line, kind, amount * sign))
    return result


class InvoicePACollection:
    "Partial payments added to an invoice are collections too (P6)."
    __slots__ = ()

    @classmethod
    def add_payment_lines(cls, payments):
        Collection = Pool().get('account.invoice.pa_collection')
        super().add_payment_lines(payments)
        Collection.record(cls.browse([i.id for i in payments]))
