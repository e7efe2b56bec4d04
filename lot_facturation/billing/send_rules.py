# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Rules of the invoice send processing (seed 003, SPEC S1-S4).

Pure data and functions: which send states each processing type selects by
default and which it may select, which state it moves the invoice to, and
the date rules of the nightly automatic sending.
"""
import calendar
import datetime
from dataclasses import dataclass

PENDING, READY, SENDING, SENT, INTERNAL = (
    'pending', 'ready', 'sending', 'sent', 'internal')
ALL_STATES = (PENDING, READY, SENT, INTERNAL)

EMAIL, PORTAL, CHORUS, PAPER = 'email', 'portal', 'chorus', 'paper'
PA = 'pa'  # Plateforme Agréée (the reform's approved platform)
DEMATERIALIZED_CHANNELS = frozenset({PORTAL, CHORUS, PA})
# Channels that carry the structured invoice (CII): it must pass the gate
STRUCTURED_CHANNELS = frozenset({CHORUS, PA})
# The PA's processing rule (XP Z12-013 processingRule) per customer kind
PA_PROCESSING_RULES = {
    'business': 'B2B', 'public': 'B2G', 'foreign': 'B2BInt',
    'consumer': 'B2C',
    }


@dataclass(frozen=True)
class Processing:
    "What a processing type of the wizard selects and does"
    default_states: tuple
    selectable_states: tuple
    target: str = None  # send state after the processing, None: unchanged
    marks_printed: bool = False
    # "Only without print date / dematerialisation" apply (seed 003's
    # table ticks them for the printing types only)
    print_filters: bool = False

    def __post_init__(self):
        assert set(self.default_states) <= set(self.selectable_states)


# Seed 003's table: the states written upright are the defaults, the
# italic ones (lost in the text export) are chosen to be the other states
# that make sense for the processing.
PROCESSINGS = {
    'print': Processing(
        (PENDING, READY, SENT), ALL_STATES, marks_printed=True,
        print_filters=True),
    'preview': Processing(
        (PENDING, READY, SENT), ALL_STATES, print_filters=True),
    'print_bills': Processing(
        (PENDING, READY, SENT), ALL_STATES, marks_printed=True,
        print_filters=True),
    'prepare': Processing((PENDING,), (PENDING,), target=READY),
    'hold': Processing((READY,), (READY,), target=PENDING),
    'keep_internal': Processing(
        (PENDING, READY), (PENDING, READY), target=INTERNAL),
    'requeue': Processing((INTERNAL,), (INTERNAL,), target=PENDING),
    'send': Processing((READY,), (READY,), target=SENT),
    # Ready invoices may be retrieved too: they become sent (seed 003)
    'chorus': Processing((SENT,), (READY, SENT)),
    'export_print': Processing(
        (PENDING, READY, SENT), ALL_STATES, print_filters=True),
    }

# Moves allowed by the buttons and processings: source states per target
TRANSITIONS = {
    READY: {PENDING},
    PENDING: {READY, INTERNAL},
    INTERNAL: {PENDING, READY},
    }


def can_move(source, target):
    "Whether an invoice may go from send state source to target"
    return source in TRANSITIONS.get(target, ())


def allowed_states(processing, states):
    "Keep of the states asked those the processing may select"
    selectable = PROCESSINGS[processing].selectable_states
    return [s for s in states if s in selectable]


def is_month_end(date):
    "Whether date is the last day of its month"
    return date.day == calendar.monthrange(date.year, date.month)[1]


def auto_send_cutoff(today, days):
    """The creation date an invoice must not be after to be sent
    automatically on today, or None when the nightly job must not run"""
    if days is None or days < 0:
        return None
    return today - datetime.timedelta(days=days)


def should_auto_send_today(today, month_end_only):
    "Whether the nightly job sends on that day"
    return not month_end_only or is_month_end(today)


def is_structured(channel):
    "Whether channel carries the structured invoice (checked by the gate)"
    return channel in STRUCTURED_CHANNELS


def is_dematerialized(channel):
    "Whether delivering through channel dematerialises the invoice"
    return channel in DEMATERIALIZED_CHANNELS


# Lifecycle statuses of XP Z12-012 (CDAR) the PA reports
PA_STATUSES = [
    ('200', "200 Deposited"), ('201', "201 Issued by the Platform"),
    ('202', "202 Received by the Platform"), ('203', "203 Made Available"),
    ('204', "204 Taken Over"), ('205', "205 Approved"),
    ('206', "206 Partially Approved"), ('207', "207 Disputed"),
    ('208', "208 Suspended"), ('209', "209 Completed"),
    ('210', "210 Refused"), ('211', "211 Payment Transmitted"),
    ('212', "212 Collected"), ('213', "213 Rejected"),
    ('214', "214 Endorsed"), ('220', "220 Cancelled"),
    ]
PA_STATUS_CODES = frozenset(code for code, _ in PA_STATUSES)
# Rejected by the platform (213) or refused by the buyer (210): corrected
# by a credit note and a new invoice, never back to draft
PA_REJECTIONS = frozenset({'210', '213'})


def pa_exchange_status(code):
    "The exchange status of a lifecycle status code"
    if code in PA_REJECTIONS or code == '220':
        return 'rejected'
    if code in {'207', '208'}:
        return 'pending'
    return 'accepted'


def default_channel(customer_kind, pa_configured):
    """The channel a new customer gets: Chorus Pro for a public entity, the
    PA for a French business once the company has one, else e-mail"""
    if customer_kind == 'public':
        return CHORUS
    if customer_kind == 'business' and pa_configured:
        return PA
    return EMAIL


def pa_processing_rule(customer_kind):
    "The processing rule of an invoice deposited on the PA"
    return PA_PROCESSING_RULES.get(customer_kind, 'B2B')
