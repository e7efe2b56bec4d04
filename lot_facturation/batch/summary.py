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


class BatchSummary:
    "The batch totals in seed 002's terms (E3)."
    __slots__ = ()

    balance_min = Monetary(
        "Minimum Balance", currency='currency', digits='currency',
        states={'readonly': CRITERIA},
        help="Leave out the invoices whose billable amount (untaxed) is "
        "below this amount.")
    balance_max = Monetary(
        "Maximum Balance", currency='currency', digits='currency',
        states={'readonly': CRITERIA},
        help="Leave out the invoices whose billable amount (untaxed) is "
        "above this amount.")
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
        "Total Balance", currency='currency', digits='currency',
        readonly=True,
        help="Billable amount (untaxed) of all the items of this invoice, "
        "selected or not.")
    selected_balance = fields.Function(Monetary(
            "Selected Balance", currency='currency', digits='currency',
            help="What this batch will invoice (untaxed)."),
        'get_selected_balance')

    @classmethod
    def default_ticket_count(cls):
        return 0

    def get_selected_balance(self, name):
        if not self.selected or self.status == 'blocked':
            return Decimal(0)
        return self.untaxed_amount

    @classmethod
    def create(cls, vlist):
        # At the preview every item is selected: the total balance is the
        # untaxed amount before any exclusion.
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            values.setdefault('balance', values.get('untaxed_amount'))
        return super().create(vlist)
