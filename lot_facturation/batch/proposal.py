# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The preview of a batch: one proposal per invoice to create (B4).

Proposals and their items are stored so that the accountant can exclude an
invoice or a single item and include it again; generation then builds the
invoices from exactly these rows with the same pure functions, so the
preview's totals are what generation creates.
"""
from collections import defaultdict
from decimal import Decimal

from sql.aggregate import Count, Sum

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..billing import items as core, proposals as pricing
from ..common import einvoice, settings
from .generation import ProposalGeneration
from .summary import ProposalSummary

STATUS = [
    ('ready', "Ready"),
    ('warning', "Warning"),
    ('blocked', "Blocked"),
    ]
OUTCOMES = [
    ('pending', "To Generate"),
    ('invoiced', "Invoiced"),
    ('locked', "Locked by another user"),
    ('changed', "Changed since the preview"),
    ]
EDITABLE = Eval('batch_state') == 'previewed'


class Proposal(ProposalGeneration, ProposalSummary, ModelSQL, ModelView):
    __name__ = 'account.invoice.batch.proposal'

    batch = fields.Many2One(
        'account.invoice.batch', "Batch", required=True, readonly=True,
        ondelete='CASCADE')
    batch_state = fields.Function(
        fields.Selection('get_batch_states', "Batch State"),
        'on_change_with_batch_state')
    company = fields.Function(
        fields.Many2One('company.company', "Company"),
        'on_change_with_company')
    party = fields.Many2One(
        'party.party', "Customer", readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    invoice_address = fields.Many2One(
        'party.address', "Invoice Address", readonly=True)
    currency = fields.Many2One('currency.currency', "Currency", readonly=True)
    payment_term = fields.Many2One(
        'account.invoice.payment_term', "Payment Term", readonly=True)
    account = fields.Many2One('account.account', "Account", readonly=True)
    journal = fields.Many2One('account.journal', "Journal", readonly=True)
    sepa_mandate = fields.Many2One(
        'account.payment.sepa.mandate', "SEPA Mandate", readonly=True)
    invoice_date = fields.Date("Invoice Date", readonly=True)
    chorus_service_code = fields.Char("Chorus Pro Service Code",
        readonly=True)
    chorus_engagement = fields.Char("Chorus Pro Engagement Number",
        readonly=True)
    items = fields.One2Many(
        'account.invoice.batch.item', 'proposal', "Items",
        states={'readonly': ~EDITABLE})
    subscriptions = fields.Function(fields.Many2Many(
            'sale.subscription', None, None, "Contracts"), 'get_sources')
    schedules = fields.Function(fields.Many2Many(
            'sale.subscription.schedule', None, None, "Schedules"),
        'get_sources')
    item_count = fields.Integer("Items", readonly=True)
    hours = fields.Numeric("Hours", digits=(16, 2), readonly=True)
    untaxed_amount = Monetary(
        "Untaxed", currency='currency', digits='currency', readonly=True)
    tax_amount = Monetary(
        "Tax", currency='currency', digits='currency', readonly=True)
    total_amount = Monetary(
        "Total", currency='currency', digits='currency', readonly=True)
    status = fields.Selection(STATUS, "Status", readonly=True)
    status_string = status.translated('status')
    message = fields.Text("Message", readonly=True)
    selected = fields.Boolean(
        "Selected", states={'readonly': ~EDITABLE | (Eval('status') == 'blocked')},
        help="Uncheck to leave this invoice out of the batch.")
    invoice = fields.Many2One(
        'account.invoice', "Invoice", readonly=True, ondelete='SET NULL')
    outcome = fields.Selection(OUTCOMES, "Outcome", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('batch')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.batch, Index.Range()), (t.outcome, Index.Equality(
                            cardinality='low'))),
                Index(t, (t.invoice, Index.Range())),
                })
        cls._order = [('id', 'ASC')]

    @classmethod
    def view_attributes(cls):
        "Status colours of the preview; left-out invoices are greyed."
        return super().view_attributes() + [
            ('/tree', 'visual', If(~Eval('selected', True), 'muted', '')),
            ('/tree/field[@name="status"]', 'visual',
                If(Eval('status') == 'blocked', 'danger',
                    If(Eval('status') == 'warning', 'warning', 'success'))),
            ]

    @classmethod
    def default_selected(cls):
        return True

    @classmethod
    def default_outcome(cls):
        return 'pending'

    @classmethod
    def get_batch_states(cls):
        Batch = Pool().get('account.invoice.batch')
        return Batch.fields_get(['state'])['state']['selection']

    @fields.depends('batch', '_parent_batch.company')
    def on_change_with_company(self, name=None):
        return self.batch.company if self.batch else None

    @fields.depends('batch', '_parent_batch.state')
    def on_change_with_batch_state(self, name=None):
        return self.batch.state if self.batch else None

    @classmethod
    def get_sources(cls, proposals, names):
        pool = Pool()
        Item = pool.get('account.invoice.batch.item')
        column = {'subscriptions': 'subscription', 'schedules': 'schedule'}
        result = {n: defaultdict(set) for n in names}
        for row in Item.search_read(
                [('proposal', 'in', [p.id for p in proposals])],
                fields_names=['proposal'] + [column[n] for n in names]):
            for name in names:
                if row[column[name]]:
                    result[name][row['proposal']].add(row[column[name]])
        return {n: {p.id: sorted(result[n][p.id]) for p in proposals}
            for n in names}

    def get_rec_name(self, name):
        return f'{self.party.rec_name} ({self.total_amount})'

    @classmethod
    def batch_totals(cls, batches, names):
        """Totals of the selected, not blocked, proposals of each batch.

        Sums are done by the database; SQLite sums floats, so they are
        rounded back to the currency (exact for any realistic total).
        """
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        columns = ['invoice_count', 'item_count', 'hours', 'untaxed_amount',
            'tax_amount', 'total_amount']
        result = {n: {b.id: cls._zero_total(n) for b in batches}
            for n in names}
        currencies = {b.id: b.company.currency for b in batches}
        for sub_ids in grouped_slice([b.id for b in batches], 1000):
            cursor.execute(*table.select(table.batch, Count(table.id),
                    Sum(table.item_count), Sum(table.hours),
                    Sum(table.untaxed_amount), Sum(table.tax_amount),
                    Sum(table.total_amount),
                    where=fields.SQL_OPERATORS['in'](table.batch, sub_ids)
                    & (table.selected == True)  # noqa: E712
                    & (table.status != 'blocked'),
                    group_by=[table.batch]))
            for batch_id, *values in cursor:
                row = dict(zip(columns, values))
                for name in names:
                    result[name][batch_id] = cls._total_value(
                        name, row[name], currencies[batch_id])
        return result

    @staticmethod
    def _zero_total(name):
        if name in {'invoice_count', 'item_count'}:
            return 0
        if name == 'hours':
            return None
        return Decimal(0)

    @classmethod
    def _total_value(cls, name, value, currency):
        if value is None:
            return cls._zero_total(name)
        if name in {'invoice_count', 'item_count'}:
            return int(value)
        value = Decimal(str(value))
        if name == 'hours':
            return value.quantize(Decimal('0.01'))
        return currency.round(value)

    def core_header(self):
        return core.Header(
            company=self.batch.company.id, party=self.party.id,
            invoice_address=(
                self.invoice_address.id if self.invoice_address else None),
            currency=self.currency.id,
            payment_term=self.payment_term.id if self.payment_term else None,
            account=self.account.id if self.account else None,
            journal=self.journal.id if self.journal else None,
            sepa_mandate=self.sepa_mandate.id if self.sepa_mandate else None,
            invoice_date=self.invoice_date,
            chorus_service_code=self.chorus_service_code or None,
            chorus_engagement=self.chorus_engagement or None)

    @classmethod
    def price(cls, proposals):
        "Re-price proposals from their selected items (after an exclusion)."
        pool = Pool()
        Item = pool.get('account.invoice.batch.item')
        taxes = Item.core_taxes(proposals)
        roundings = cls.tax_roundings(proposals)
        to_write = []
        for proposal in proposals:
            priced = proposal.core_proposal(taxes, roundings)
            to_write.extend(([proposal], proposal.values_from(priced)))
        if to_write:
            cls.write(*to_write)

    def core_proposal(self, taxes, tax_roundings, selected_only=True):
        """The pure proposal priced from the stored items.

        ``tax_roundings`` is ``tax_roundings(proposals)``, read once."""
        batch = self.batch
        header = self.core_header()
        items = [i.core_item(header, taxes) for i in self.items
            if i.selected or not selected_only]
        proposal = pricing.Proposal(header=header, items=items)
        return pricing.price(proposal, batch.line_grouping,
            batch.description_mode, self.describer(),
            self.currency.rounding, tax_roundings[batch.company.id])

    @staticmethod
    def tax_roundings(proposals):
        "{company id: tax rounding} of the proposals' companies."
        return settings.by_company(
            'tax_rounding', [p.batch.company.id for p in proposals])

    def describer(self):
        "Describe merged periods in the customer's language."
        Schedule = Pool().get('sale.subscription.schedule')
        code = self.party.lang.code if self.party.lang else None
        return lambda party, label, start, end: Schedule.describe(
            code, label, start, end)

    @classmethod
    def values_from(cls, priced, extra_problems=()):
        "What a proposal stores of its pure, priced, proposal."
        problems = list(priced.problems) + list(extra_problems)
        return {
            'item_count': len(priced.items),
            'ticket_count': sum(
                1 for i in priced.items if i.kind == 'consumption'),
            'hours': priced.hours,
            'untaxed_amount': priced.untaxed_amount,
            'tax_amount': priced.tax_amount,
            'total_amount': priced.total_amount,
            'status': pricing.status_of(problems),
            'message': cls.explain(problems),
            }

    @staticmethod
    def explain(problems):
        "Translated reasons, one per line."
        return '\n'.join(
            einvoice.problem_text(p) if p.code == einvoice.PROBLEM else
            gettext(f'lot_facturation.msg_problem_{p.code}', **p.as_dict())
            for p in problems) or None
