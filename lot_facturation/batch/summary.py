# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Batch details in seed 002's terms and its balance filter (E3).

Seed 002 ("Détails du lot") shows: invoices to create, unbilled tickets,
hours worked, billable amount, tax, total; its contract list shows each
contract's total balance and selected balance and can be filtered by
contract type, taxable contracts, customer, period and balance.  The other
filters are batch criteria (``batch``, ``batch_items``); the balance filter
keeps only the invoices to create whose billable (untaxed) amount is within
the range.
"""
from decimal import Decimal

from sql.aggregate import Sum

from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..exceptions import BatchError

CRITERIA = Eval('state') != 'draft'
SUMMARY_FIELDS = ['grouping', 'include_schedules',
    'include_charges', 'include_interests', 'include_consumptions']
LIVE_TOTALS = ['invoice_count', 'item_count', 'hours', 'untaxed_amount',
    'tax_amount', 'total_amount', 'ticket_count']


class BatchSummary:
    "The batch totals in seed 002's terms (E3)."
    __slots__ = ()

    balance_min = Monetary(
        "Minimum Billable Amount", currency='currency', digits='currency',
        states={'readonly': CRITERIA},
        help="Leave out the invoices whose billable amount (untaxed) is "
        "below this amount.")
    balance_max = Monetary(
        "Maximum Billable Amount", currency='currency', digits='currency',
        states={'readonly': CRITERIA},
        help="Leave out the invoices whose billable amount (untaxed) is "
        "above this amount.")
    criteria_summary = fields.Function(fields.Char(
            "Criteria",
            help="What the batch selects, as set on its criteria."),
        'get_criteria_summary')
    ticket_count = fields.Function(fields.Integer(
            "Unbilled Tickets",
            help="Time entries (tickets) of the batch not invoiced yet."),
        'get_ticket_count')

    @classmethod
    def get_ticket_count(cls, batches, name):
        pool = Pool()
        Proposal = pool.get('account.invoice.batch.proposal')
        table = Proposal.__table__()
        cursor = Transaction().connection.cursor()
        result = {b.id: 0 for b in batches}
        for sub_ids in grouped_slice([b.id for b in batches], 1000):
            cursor.execute(*table.select(table.batch, Sum(table.ticket_count),
                    where=fields.SQL_OPERATORS['in'](table.batch, sub_ids)
                    & (table.selected == True)  # noqa: E712
                    & (table.status != 'blocked'),
                    group_by=[table.batch]))
            for batch_id, count in cursor:
                result[batch_id] = int(count or 0)
        return result

    def get_criteria_summary(self, name):
        "The criteria on one line, in the user's words"
        Lang = Pool().get('ir.lang')
        lang = Lang.get()
        described = self.fields_get(SUMMARY_FIELDS)

        def label(name):
            return described[name]['string']

        def choice(name):
            return dict(described[name]['selection']).get(getattr(self, name))
        kinds = [label(n) for n in ['include_schedules', 'include_charges',
                'include_interests', 'include_consumptions']
            if getattr(self, n)]
        parts = [gettext('lot_facturation.msg_batch_criteria_reference',
                date=lang.strftime(self.reference_date)
                if self.reference_date else ''),
            choice('grouping'), ', '.join(kinds)]
        for low, high in [('party_from', 'party_to'),
                ('subscription_from', 'subscription_to')]:
            bounds = [getattr(self, n) for n in (low, high)]
            if any(bounds):
                parts.append('%s – %s' % tuple(
                        b.rec_name if b else '…' for b in bounds))
        if self.contract_types:
            parts.append(', '.join(t.rec_name for t in self.contract_types))
        return ' · '.join(filter(None, parts))

    @fields.depends('proposals', 'company', *LIVE_TOTALS)
    def on_change_proposals(self):
        """The batch details follow an exclusion before it is saved.

        The client sends the proposals the accountant changed; the others
        are as stored."""
        if self.id is None or self.id < 0 or not self.company:
            return  # a new batch has no preview
        for name, value in self.live_totals().items():
            setattr(self, name, value)

    def live_totals(self):
        "The totals, counting the unsaved (in)clusions of the proposals"
        pool = Pool()
        Proposal = pool.get('account.invoice.batch.proposal')
        totals = {n: v[self.id] for n, v in self.get_totals(
                [self], LIVE_TOTALS[:-1]).items()}
        totals['ticket_count'] = self.get_ticket_count(
            [self], 'ticket_count')[self.id]
        changed = {p.id: bool(p._values['selected']) for p in self.proposals
            if p.id is not None and p.id >= 0
            and p._values and 'selected' in p._values}
        for proposal in Proposal.browse(list(changed)):
            if (proposal.status == 'blocked'
                    or changed[proposal.id] == bool(proposal.selected)):
                continue
            sign = 1 if changed[proposal.id] else -1
            totals['invoice_count'] += sign
            for name in ['item_count', 'ticket_count', 'untaxed_amount',
                    'tax_amount', 'total_amount', 'hours']:
                value = getattr(proposal, name) or 0
                if value or totals[name] is not None:
                    totals[name] = (totals[name] or 0) + sign * value
        return totals

    def check_criteria(self):
        super().check_criteria()
        if (self.balance_min is not None and self.balance_max is not None
                and self.balance_min > self.balance_max):
            raise BatchError(gettext(
                    'lot_facturation.msg_batch_balance_range',
                    batch=self.rec_name,
                    minimum=self.balance_min, maximum=self.balance_max))

    def price_items(self, chunk, context):
        "Only the invoices whose billable amount is within the balance range."
        proposals = super().price_items(chunk, context)
        return [p for p in proposals if self.balance_in_range(
                p.untaxed_amount)]

    def balance_in_range(self, amount):
        if self.balance_min is not None and amount < self.balance_min:
            return False
        if self.balance_max is not None and amount > self.balance_max:
            return False
        return True


class ProposalSummary:
    "Per-invoice balances and the balance filter (E3)."
    __slots__ = ()

    ticket_count = fields.Integer(
        "Unbilled Tickets", readonly=True,
        help="Time entries (tickets) of this invoice.")
    balance = Monetary(
        "Due (Untaxed)", currency='currency', digits='currency',
        readonly=True,
        help="Untaxed amount of all the items due on this invoice, "
        "selected or not (the contract's total balance).")
    selected_balance = fields.Function(Monetary(
            "To Invoice (Untaxed)", currency='currency', digits='currency',
            help="What this batch will invoice, untaxed; nothing when the "
            "invoice is left out (the selected balance)."),
        'get_selected_amount')
    selected_tax_amount = fields.Function(Monetary(
            "Tax", currency='currency', digits='currency',
            help="The tax this batch will invoice; nothing when the invoice "
            "is left out."),
        'get_selected_amount')
    selected_total_amount = fields.Function(Monetary(
            "Total", currency='currency', digits='currency',
            help="What this batch will invoice, tax included; nothing when "
            "the invoice is left out."),
        'get_selected_amount')

    @classmethod
    def default_ticket_count(cls):
        return 0

    def counted(self):
        "Whether the batch totals count this invoice"
        return bool(self.selected) and self.status != 'blocked'

    @fields.depends('selected', 'status', 'untaxed_amount')
    def on_change_with_selected_balance(self, name=None):
        return self.untaxed_amount if self.counted() else Decimal(0)

    @fields.depends('selected', 'status', 'tax_amount')
    def on_change_with_selected_tax_amount(self, name=None):
        return self.tax_amount if self.counted() else Decimal(0)

    @fields.depends('selected', 'status', 'total_amount')
    def on_change_with_selected_total_amount(self, name=None):
        return self.total_amount if self.counted() else Decimal(0)

    def get_selected_amount(self, name):
        return getattr(self, 'on_change_with_' + name)()

    @classmethod
    def create(cls, vlist):
        # At the preview every item is selected: the total balance is the
        # untaxed amount before any exclusion.
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            values.setdefault('balance', values.get('untaxed_amount'))
        return super().create(vlist)
