"""Billing schedules (échéances) of a contract, computed from its rules.

Tryton's subscriptions bill *consumptions*: each line with a consumption
recurrence produces one consumption per occurrence (dated at the occurrence,
available after the line's consumption delay), and an invoice at each date of
the invoice recurrence takes every consumption available by then.  A schedule
is therefore "what the invoice of date D bills": the occurrences whose
availability falls after the previous invoice date and on or before D.
Batches and Tryton's own "Create Subscription Invoices" share the same
consumption records, so neither can invoice what the other did.
"""
import bisect
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .money import ZERO, line_amount

ONE_DAY = dt.timedelta(days=1)

PLANNED, DUE, INVOICED, CANCELLED = 'planned', 'due', 'invoiced', 'cancelled'


@dataclass(frozen=True)
class LineRule:
    "A contract line as far as its schedule is concerned."
    id: int
    start: dt.date
    end: dt.date | None
    dates: tuple  # occurrence dates of its consumption recurrence
    quantity: Decimal
    unit_price: Decimal
    delay: dt.timedelta = dt.timedelta()


@dataclass(frozen=True)
class Occurrence:
    line: int
    date: dt.date
    period_end: dt.date
    available: dt.date
    quantity: Decimal
    unit_price: Decimal


@dataclass
class PlannedSchedule:
    billing_date: dt.date
    occurrences: list = field(default_factory=list)

    @property
    def period_start(self):
        return min(o.date for o in self.occurrences)

    @property
    def period_end(self):
        return max(o.period_end for o in self.occurrences)

    def untaxed_amount(self, rounding):
        "Sum of the invoice lines it makes: one per contract line."
        per_line = {}
        for occ in self.occurrences:
            quantity, price = per_line.get(occ.line, (ZERO, occ.unit_price))
            per_line[occ.line] = (quantity + occ.quantity, price)
        return sum((line_amount(q, p, rounding)
                for q, p in per_line.values()), ZERO)


def occurrences(line, until):
    """Consumptions the line produces, as Tryton's generate_consumption does.

    A consumption exists for each recurrence date strictly before the line's
    end; it covers the days up to the next date (or the end).
    """
    dates = [d for d in line.dates
        if d >= line.start and (line.end is None or d < line.end)]
    result = []
    for i, date in enumerate(dates):
        available = date + line.delay
        if available > until:
            break
        if i + 1 < len(dates):
            period_end = dates[i + 1] - ONE_DAY
        else:
            period_end = line.end or _next_after(line.dates, date) - ONE_DAY
        result.append(Occurrence(line.id, date, period_end, available,
                line.quantity, line.unit_price))
    return result


def _next_after(dates, date):
    index = bisect.bisect_right(dates, date)
    if index < len(dates):
        return dates[index]
    return date + ONE_DAY


def billing_date(available, invoice_dates):
    "First invoice date on or after ``available`` (None beyond the horizon)."
    index = bisect.bisect_left(invoice_dates, available)
    if index < len(invoice_dates):
        return invoice_dates[index]
    return None


def plan(lines, invoice_dates, until):
    "Schedules of a contract up to ``until``, ordered by billing date."
    invoice_dates = sorted(invoice_dates)
    schedules = {}
    for line in lines:
        for occ in occurrences(line, until):
            date = billing_date(occ.available, invoice_dates)
            if date is None:
                continue
            schedules.setdefault(date, PlannedSchedule(date)).occurrences.append(
                occ)
    return [schedules[d] for d in sorted(schedules)]


def state(billing_date, today, expected, linked, invoiced):
    """State of a schedule that still exists in the plan.

    ``expected`` consumptions make the period; ``linked`` exist in the
    database, ``invoiced`` of them are on an invoice line.
    """
    if linked and invoiced == linked and invoiced >= expected:
        return INVOICED
    if billing_date <= today:
        return DUE
    return PLANNED
