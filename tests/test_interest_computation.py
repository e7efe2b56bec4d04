"""I1: pure late-payment interest computation (billing/interest.py)."""
import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trytond.modules.lot_facturation.billing.interest import (
    InterestPolicy, OverdueLine, Payment, compute_charges, line_interest)

DUE = dt.date(2025, 1, 31)


def line(amount='1000', due=DUE, payments=(), charged_until=None, **kw):
    return OverdueLine(
        key=1, due_date=due, amount=D(amount),
        payments=tuple(Payment(d, D(a)) for d, a in payments),
        charged_until=charged_until, **kw)


def policy(rate='0.10', grace=0, minimum='0', indemnity='0'):
    return InterestPolicy(
        annual_rate=D(rate), grace_days=grace, minimum_amount=D(minimum),
        indemnity=D(indemnity))


@pytest.mark.parametrize('item, pol, as_of, expected', [
    # 1000 € × 10 % × 30 / 365 = 8.219… → 8.22
    (line(), policy(), dt.date(2025, 3, 2), D('8.22')),
    # a full year late: 365 days → exactly the rate
    (line(), policy(), dt.date(2026, 1, 31), D('100.00')),
    # leap year: 29 February counts, 366 days / 365
    (line(due=dt.date(2024, 1, 31)), policy(), dt.date(2025, 1, 31),
        D('100.27')),
    (line(due=dt.date(2024, 2, 28)), policy(), dt.date(2024, 3, 1),
        D('0.55')),
    # not late yet, or due today
    (line(), policy(), DUE, None),
    (line(), policy(), DUE - dt.timedelta(days=3), None),
    # grace days are never charged: 30 days late, 10 of grace → 20 days
    (line(), policy(grace=10), dt.date(2025, 3, 2), D('5.48')),
    # still within the grace days
    (line(), policy(grace=30), dt.date(2025, 3, 2), None),
    # partial payment of 600 € after 10 days: 1000 × 10 d + 400 × 20 d
    (line(payments=[(dt.date(2025, 2, 10), '600')]), policy(),
        dt.date(2025, 3, 2), D('4.93')),
    # payment before the due date lowers the base of every late day
    (line(payments=[(dt.date(2025, 1, 15), '500')]), policy(),
        dt.date(2025, 3, 2), D('4.11')),
    # paid in full after 10 days: only the 10 days are charged
    (line(payments=[(dt.date(2025, 2, 10), '1000')]), policy(),
        dt.date(2025, 3, 2), D('2.74')),
    # paid in full on time: nothing
    (line(payments=[(DUE, '1000')]), policy(), dt.date(2025, 3, 2), None),
    # minimum amount: 8.22 < 10 → nothing charged
    (line(), policy(minimum='10'), dt.date(2025, 3, 2), None),
    (line(), policy(minimum='8.22'), dt.date(2025, 3, 2), D('8.22')),
    # rounding to the cent, half up: 100 × 7.3 % × 1 / 365 = 0.02
    (line('100'), policy(rate='0.073'), dt.date(2025, 2, 1), D('0.02')),
    # 0.005 exactly → 0.01 (half up), below → 0.00 → nothing
    (line('18.25'), policy(rate='0.10'), dt.date(2025, 2, 1), D('0.01')),
    (line('18.24'), policy(rate='0.10'), dt.date(2025, 2, 1), None),
    # zero rate: nothing
    (line(), policy(rate='0'), dt.date(2025, 3, 2), None),
    # already charged until 2025-02-20: only the 10 following days
    (line(charged_until=dt.date(2025, 2, 20)), policy(),
        dt.date(2025, 3, 2), D('2.74')),
    # already charged up to the reference date: idempotent
    (line(charged_until=dt.date(2025, 3, 2)), policy(),
        dt.date(2025, 3, 2), None),
    ])
def test_i1_interest_amount(item, pol, as_of, expected):
    charge = line_interest(item, pol, as_of)
    if expected is None:
        assert charge is None
    else:
        assert charge.amount == expected
        assert charge.kind == 'interest'


def test_i1_interest_period_bounds():
    charge = line_interest(line(), policy(grace=5), dt.date(2025, 3, 2))
    assert charge.period_start == dt.date(2025, 2, 6)
    assert charge.period_end == dt.date(2025, 3, 2)
    assert charge.days == 25


def test_i1_second_run_continues_after_charged_period():
    first = line_interest(line(), policy(), dt.date(2025, 2, 28))
    second = line_interest(
        line(charged_until=first.period_end), policy(), dt.date(2025, 3, 31))
    assert second.period_start == dt.date(2025, 3, 1)
    assert first.days + second.days == (dt.date(2025, 3, 31) - DUE).days


@pytest.mark.parametrize('items, expected', [
    # business customer, late: interest + one indemnity
    ([line(business=True, invoice='INV1')], ['interest', 'indemnity']),
    # private customer: no indemnity
    ([line(business=False, invoice='INV1')], ['interest']),
    # two lines of the same invoice: one indemnity only
    ([line(business=True, invoice='INV1'),
        line(business=True, invoice='INV1')],
        ['interest', 'interest', 'indemnity']),
    # indemnity already charged for the invoice (on another line)
    ([line(business=True, invoice='INV1', indemnity_charged=True),
        line(business=True, invoice='INV1')],
        ['interest', 'interest']),
    # two invoices: two indemnities
    ([line(business=True, invoice='INV1'),
        line(business=True, invoice='INV2')],
        ['interest', 'interest', 'indemnity', 'indemnity']),
    ])
def test_i1_indemnity_once_per_business_invoice(items, expected):
    charges = compute_charges(
        items, policy(indemnity='40'), dt.date(2025, 3, 2))
    assert [c.kind for c in charges] == expected
    assert all(c.amount == D('40.00')
        for c in charges if c.kind == 'indemnity')


def test_i1_indemnity_not_within_grace():
    charges = compute_charges(
        [line(business=True, invoice='INV1')],
        policy(indemnity='40', grace=60), dt.date(2025, 3, 2))
    assert charges == []


def test_i1_indemnity_disabled():
    charges = compute_charges(
        [line(business=True, invoice='INV1')], policy(), dt.date(2025, 3, 2))
    assert [c.kind for c in charges] == ['interest']


dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
amounts = st.decimals(
    min_value=D('0.01'), max_value=D('100000'), places=2)
rates = st.decimals(min_value=D('0.001'), max_value=D('0.5'), places=4)


@given(amount=amounts, rate=rates, due=dates,
    days1=st.integers(1, 400), days2=st.integers(1, 400),
    payment=st.one_of(st.none(), st.tuples(st.integers(0, 800), amounts)))
def test_i1_property_split_runs_match_one_run(
        amount, rate, due, days1, days2, payment):
    """Charging in two runs never charges a day twice, nor more than one run
    (up to a cent of rounding per run), and never a negative amount."""
    payments = ()
    if payment:
        offset, paid = payment
        payments = (Payment(due + dt.timedelta(days=offset), paid),)
    item = OverdueLine(key=1, due_date=due, amount=amount, payments=payments)
    pol = InterestPolicy(annual_rate=rate)
    mid = due + dt.timedelta(days=days1)
    end = mid + dt.timedelta(days=days2)
    whole = line_interest(item, pol, end)
    first = line_interest(item, pol, mid)
    rest_item = OverdueLine(
        key=1, due_date=due, amount=amount, payments=payments,
        charged_until=mid if first else None)
    rest = line_interest(rest_item, pol, end)
    total = sum(
        (c.amount for c in (first, rest) if c), D(0))
    whole_amount = whole.amount if whole else D(0)
    assert total >= 0
    assert abs(total - whole_amount) <= D('0.01')
    # the bound: never more than the full amount at the rate for all days
    assert whole_amount <= (
        amount * rate * (end - due).days / 365 + D('0.005'))
    # idempotent: charging again up to the same date yields nothing
    if rest:
        again = OverdueLine(
            key=1, due_date=due, amount=amount, payments=payments,
            charged_until=rest.period_end)
        assert line_interest(again, pol, end) is None
