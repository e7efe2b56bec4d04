# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Late-payment interest (génération des intérêts), pure computation.

No Pool, no Transaction: dataclasses in, Decimal amounts out.

Rules (SPEC I1):

- A receivable line of ``amount`` falls due on ``due_date``.  Interest runs
  for each day after ``due_date + grace_days`` up to the reference date
  ``as_of`` (the grace days themselves are never charged)::

      interest = base × annual_rate × days / day_count   (day_count = 365)

- A payment dated P reduces the base from P on: the days up to P are charged
  on the amount due before it ("days late = payment date - due date").
- A period already charged (``charged_until``) is never charged again: the
  next period starts the day after it, so running the computation twice for
  the same reference date yields nothing new.
- A period whose interest is below ``minimum_amount`` is not charged; it is
  not marked as charged either, so it accumulates into a later run.
- The French fixed recovery indemnity (``indemnity``, 40 € by law) is due
  once per invoice for business customers, as soon as a line of the invoice
  is late beyond the grace days.
- Amounts are rounded to the currency's ``quantum`` (cent) half up, once,
  at the end of each period.
"""
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Payment:
    "A payment reducing the amount due from its date on."
    date: dt.date
    amount: Decimal


@dataclass(frozen=True)
class OverdueLine:
    "A receivable line with what is known of its payments and charges."
    key: object
    due_date: dt.date
    amount: Decimal
    payments: tuple = ()
    charged_until: dt.date | None = None
    invoice: object = None
    business: bool = False
    indemnity_charged: bool = False


@dataclass(frozen=True)
class InterestPolicy:
    "The company's settings of late-payment interest."
    annual_rate: Decimal
    grace_days: int = 0
    minimum_amount: Decimal = ZERO
    indemnity: Decimal = ZERO
    day_count: int = 365
    quantum: Decimal = Decimal('0.01')


@dataclass(frozen=True)
class InterestCharge:
    """A charge to create: interest of one period, or an indemnity.

    ``period_start`` is the first day charged, ``period_end`` the last one.
    """
    key: object
    kind: str
    amount: Decimal
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    days: int = 0
    invoice: object = None
    segments: tuple = field(default=(), compare=False)


def interest_start(line, policy):
    "Return the last day not charged (interest runs on the days after it)."
    start = line.due_date + dt.timedelta(days=policy.grace_days)
    if line.charged_until and line.charged_until > start:
        start = line.charged_until
    return start


def balance_at(line, day):
    "Return the amount still due on ``day`` (payments dated <= day count)."
    paid = sum((p.amount for p in line.payments if p.date <= day), ZERO)
    return max(line.amount - paid, ZERO)


def segments(line, start, end):
    """Yield (from, to, base): the base is due from the day after ``from``
    to ``to`` included, so it is charged for ``(to - from).days`` days."""
    cuts = sorted({p.date for p in line.payments if start < p.date < end})
    bounds = [start, *cuts, end]
    for low, high in zip(bounds, bounds[1:]):
        base = balance_at(line, low)
        if base > ZERO:
            yield low, high, base


def round_amount(amount, policy):
    return amount.quantize(policy.quantum, rounding=ROUND_HALF_UP)


def line_interest(line, policy, as_of):
    """Return the InterestCharge of ``line`` up to ``as_of`` or None when
    nothing is due (not late, already charged, or below the minimum)."""
    start = interest_start(line, policy)
    if as_of <= start or policy.annual_rate <= ZERO:
        return None
    parts = tuple(segments(line, start, as_of))
    raw = sum(
        (base * policy.annual_rate * (high - low).days
            for low, high, base in parts), ZERO)
    amount = round_amount(raw / policy.day_count, policy)
    if amount <= ZERO or amount < policy.minimum_amount:
        return None
    return InterestCharge(
        key=line.key, kind='interest', amount=amount,
        period_start=start + dt.timedelta(days=1), period_end=as_of,
        days=(as_of - start).days, invoice=line.invoice, segments=parts)


def is_late(line, policy, as_of):
    "Tell whether the line is still due after its grace days on ``as_of``."
    start = line.due_date + dt.timedelta(days=policy.grace_days)
    return as_of > start and balance_at(line, start) > ZERO


def indemnities(lines, policy, as_of):
    "Return one indemnity charge per late invoice of a business customer."
    if policy.indemnity <= ZERO:
        return []
    def invoice_of(line):
        return line.invoice if line.invoice is not None else line.key

    seen = {invoice_of(l) for l in lines if l.indemnity_charged}
    charges = []
    for line in lines:
        invoice = invoice_of(line)
        if (not line.business or invoice in seen
                or not is_late(line, policy, as_of)):
            continue
        seen.add(invoice)
        charges.append(InterestCharge(
                key=line.key, kind='indemnity',
                amount=round_amount(policy.indemnity, policy),
                invoice=line.invoice))
    return charges


def compute_charges(lines, policy, as_of):
    """Return the interest and indemnity charges due on ``as_of`` for
    ``lines`` (an iterable of OverdueLine)."""
    lines = list(lines)
    charges = [line_interest(line, policy, as_of) for line in lines]
    charges = [c for c in charges if c is not None]
    return charges + indemnities(lines, policy, as_of)
