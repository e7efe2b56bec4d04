"""What a batch can invoice, as plain values.

An ``Item`` is one billable thing: the consumptions of one contract line in
one schedule (échéance), one time entry, one pending charge or one interest
charge.  A ``Header`` carries everything that must be equal for items to
share an invoice (SPEC B3 homogeneity).
"""
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

# Problem severities: a blocked proposal is never generated; a warning one is.
BLOCKING = 'blocked'
WARNING = 'warning'
READY = 'ready'

KINDS = ('schedule', 'consumption', 'charge', 'interest')


@dataclass(frozen=True)
class Problem:
    "Why an item or invoice cannot (blocked) or should be looked at (warning)."
    code: str
    severity: str
    params: tuple = ()

    def as_dict(self):
        return dict(self.params)


@dataclass(frozen=True)
class Header:
    "Fields that must be equal for items to be grouped on one invoice."
    company: int
    party: int
    invoice_address: int | None
    currency: int
    payment_term: int | None
    account: int | None
    journal: int | None
    sepa_mandate: int | None
    invoice_date: dt.date
    chorus_service_code: str | None = None
    chorus_engagement: str | None = None


@dataclass(frozen=True)
class Item:
    "One billable item; ``ref`` identifies it across preview and generation."
    ref: tuple
    kind: str
    header: Header
    quantity: Decimal
    unit_price: Decimal
    taxes: tuple = ()
    subscription: int | None = None
    schedule: int | None = None
    origin: str | None = None
    product: int | None = None
    unit: int | None = None
    account: int | None = None
    label: str = ''
    description: str = ''
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    hours: Decimal | None = None
    problems: tuple = field(default=(), compare=False)
