"""From items to invoices: grouping, invoice lines and totals (SPEC B3, B4).

The same functions serve the preview, the generation, the command line and
the cron, so the preview's totals are by construction what generation saves.
"""
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .items import BLOCKING, READY, WARNING, Problem
from .money import ZERO, line_amount
from .taxes import compute_invoice_taxes

GROUPINGS = ('schedule', 'subscription', 'party')
LINE_GROUPINGS = ('subscription', 'schedule', 'time_entry')
DESCRIPTION_MODES = ('product', 'schedule')


@dataclass
class LineDraft:
    "An invoice line to be: merged items sharing product, price and taxes."
    items: list
    quantity: Decimal
    unit_price: Decimal
    taxes: tuple
    description: str
    amount: Decimal = ZERO

    @property
    def first(self):
        return self.items[0]


@dataclass
class Proposal:
    "One invoice to be, with its lines and totals."
    header: object
    items: list
    lines: list = field(default_factory=list)
    taxes: list = field(default_factory=list)
    untaxed_amount: Decimal = ZERO
    tax_amount: Decimal = ZERO
    total_amount: Decimal = ZERO
    problems: list = field(default_factory=list)

    @property
    def status(self):
        return status_of(self.problems)

    @property
    def subscriptions(self):
        return sorted({i.subscription for i in self.items if i.subscription})

    @property
    def schedules(self):
        return sorted({i.schedule for i in self.items if i.schedule})

    @property
    def hours(self):
        hours = [i.hours for i in self.items if i.hours is not None]
        return sum(hours, ZERO) if hours else None


def status_of(problems):
    severities = {p.severity for p in problems}
    if BLOCKING in severities:
        return BLOCKING
    if WARNING in severities:
        return WARNING
    return READY


def group_key(item, grouping):
    "Items with equal keys go on the same invoice."
    if grouping == 'schedule' and item.schedule:
        return (item.header, 'schedule', item.schedule)
    if grouping in {'schedule', 'subscription'} and item.subscription:
        return (item.header, 'subscription', item.subscription)
    return (item.header, 'party')


def line_key(item, line_grouping):
    "Items with equal keys are merged into one invoice line."
    if item.kind in {'charge', 'interest'}:
        return ('single',) + item.ref
    if line_grouping == 'time_entry' and item.kind == 'consumption':
        return ('single',) + item.ref
    merge = (item.kind, item.subscription, item.origin, item.product,
        item.unit, item.unit_price, tuple(t.id for t in item.taxes),
        item.account)
    if line_grouping == 'subscription':
        return merge
    return merge + (item.schedule,)


def describe_line(items, description_mode, describe):
    """Line description: product name, or the period(s) billed.

    ``describe(party, label, start, end)`` words a period in the party's
    language.
    """
    first = items[0]
    if description_mode == 'product' or first.kind in {'charge', 'interest'}:
        return first.label
    if len(items) == 1:
        return first.description or first.label
    starts = [i.period_start for i in items if i.period_start]
    ends = [i.period_end for i in items if i.period_end]
    return describe(first.header.party, first.label,
        min(starts, default=None), max(ends, default=None))


def build_lines(items, line_grouping, description_mode, describe,
        rounding):
    groups = {}
    for item in items:
        groups.setdefault(line_key(item, line_grouping), []).append(item)
    lines = []
    for group in groups.values():
        first = group[0]
        quantity = sum((i.quantity for i in group), ZERO)
        line = LineDraft(
            items=group, quantity=quantity, unit_price=first.unit_price,
            taxes=first.taxes,
            description=describe_line(group, description_mode, describe))
        line.amount = line_amount(quantity, line.unit_price, rounding)
        lines.append(line)
    return lines


def price(proposal, line_grouping, description_mode, describe, rounding,
        tax_rounding='document'):
    "Compute lines, taxes and totals of ``proposal`` from its items."
    proposal.lines = build_lines(proposal.items, line_grouping,
        description_mode, describe, rounding)
    proposal.taxes = compute_invoice_taxes(
        proposal.lines, proposal.header.invoice_date, rounding,
        tax_rounding)
    proposal.untaxed_amount = sum((l.amount for l in proposal.lines), ZERO)
    proposal.tax_amount = sum((t.amount for t in proposal.taxes), ZERO)
    proposal.total_amount = proposal.untaxed_amount + proposal.tax_amount
    proposal.problems = proposal_problems(proposal)
    return proposal


def proposal_problems(proposal):
    problems = []
    for item in proposal.items:
        for problem in item.problems:
            if problem not in problems:
                problems.append(problem)
    if proposal.total_amount < 0:
        problems.append(Problem('negative_total', WARNING))
    elif not proposal.total_amount:
        problems.append(Problem('zero_total', WARNING))
    return problems


def build_proposals(items, grouping, line_grouping, description_mode,
        describe, roundings, tax_roundings=None):
    """Group ``items`` into priced proposals.

    ``roundings`` maps a currency to its rounding (e.g. Decimal('0.01')),
    ``tax_roundings`` a company to 'document' or 'line'.
    """
    assert grouping in GROUPINGS, grouping
    assert line_grouping in LINE_GROUPINGS, line_grouping
    tax_roundings = tax_roundings or {}
    groups = {}
    for item in sorted(items, key=_item_order):
        groups.setdefault(group_key(item, grouping), []).append(item)
    proposals = []
    for (header, *_), group in groups.items():
        proposal = Proposal(header=header, items=group)
        price(proposal, line_grouping, description_mode, describe,
            roundings[header.currency],
            tax_roundings.get(header.company, 'document'))
        proposals.append(proposal)
    return proposals


def _item_order(item):
    return (item.header.party, item.header.invoice_date,
        item.subscription or 0, item.period_start or dt.date.min,
        item.kind, item.ref)
