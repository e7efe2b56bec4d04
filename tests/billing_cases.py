"""Vocabulary of the billing core's test tables (tests/test_billing_core.py).

Taxes, headers and items built with the pure core's dataclasses; the
helpers price them the way the preview does.
"""
import dataclasses
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from dateutil.rrule import rrule

from trytond.modules.lot_facturation.billing import (
    items as core, proposals as pricing, schedules as rules)
from trytond.modules.lot_facturation.billing.money import line_amount
from trytond.modules.lot_facturation.billing.taxes import (
    Tax, compute_invoice_taxes)

date = dt.date
D = Decimal
CENT = D('0.01')


def ids(rows):
    return [r[0] for r in rows]


def params(rows):
    return pytest.mark.parametrize('row', rows, ids=ids(rows))


def recurrence(start, freq, until=date(2027, 12, 31), **by):
    "Occurrence dates as Tryton's recurrence rule set computes them."
    return tuple(d.date() for d in rrule(freq, dtstart=dt.datetime.combine(
                start, dt.time()), until=dt.datetime.combine(until, dt.time()),
            **by))


def line(start, freq, price='100', quantity='1', end=None, delay=0, id=1,
        **by):
    return rules.LineRule(
        id=id, start=start, end=end, dates=recurrence(start, freq, **by),
        quantity=D(quantity), unit_price=D(price),
        delay=dt.timedelta(days=delay))


def tax(id, rate=None, type='percentage', **values):
    values.setdefault('invoice_account', 4457)
    values.setdefault('credit_note_account', 4458)
    return Tax(id=id, type=type, rate=None if rate is None else D(rate),
        **values)


VAT20 = tax(1, '0.2')
VAT10 = tax(2, '0.1')
VAT55 = tax(3, '0.055')
VAT21 = tax(4, '0.021')
FIXED = tax(5, type='fixed', amount=D('0.125'))
ECO = tax(6, type='fixed', amount=D('1'), sequence=1, update_unit_price=True)
VAT20_AFTER_ECO = tax(7, '0.2', sequence=10)
PARENT = tax(8, type='none', children=(tax(9, '0.1'), tax(10, '0.05')))
VAT196_UNTIL_2013 = tax(11, '0.196', end_date=date(2013, 12, 31))
VAT20_FROM_2014 = tax(12, '0.2', start_date=date(2014, 1, 1))
VAT10_BIS = tax(13, '0.1')
TAX_NAMES = {1: 'VAT20', 2: 'VAT10', 3: 'VAT5.5', 4: 'VAT2.1', 5: 'FIXED',
    6: 'ECO', 7: 'VAT20', 9: 'CHILD10', 10: 'CHILD5', 11: 'VAT19.6',
    12: 'VAT20', 13: 'VAT10bis'}

H = core.Header(company=1, party=1, invoice_address=11, currency=1,
    payment_term=21, account=411, journal=31, sepa_mandate=None,
    invoice_date=date(2026, 3, 1))


def other(**changes):
    return dataclasses.replace(H, **changes)


OTHER_PARTY = other(party=2, invoice_address=12)


def item(ref, kind='schedule', header=H, sub=10, sched=100, qty='1',
        price='100', taxes=(VAT20,), origin='sale.subscription.line,1',
        product=7, label='Tenue comptable', description='',
        start=None, end=None, problems=(), hours=None):
    return core.Item(
        ref=(kind, ref), kind=kind, header=header, quantity=D(qty),
        unit_price=D(price), taxes=tuple(taxes), subscription=sub,
        schedule=sched, origin=origin, product=product, unit=1, account=706,
        label=label, description=description, period_start=start,
        period_end=end, hours=None if hours is None else D(hours),
        problems=tuple(problems))


def charge(ref, header=H, sub=None, price='50', label='Frais de dossier'):
    return item(ref, kind='charge', header=header, sub=sub, sched=None,
        price=price, origin=None, product=8, label=label)


def describe(party, label, start, end):
    "As Schedule.describe: the label alone without a period."
    if not (start and end):
        return label
    return f'{label} du {start:%d/%m/%Y} au {end:%d/%m/%Y}'


def build(items, grouping='party', line_grouping='subscription',
        description_mode='schedule', tax_rounding='document'):
    return pricing.build_proposals(items, grouping, line_grouping,
        description_mode, describe, {1: CENT, 2: CENT},
        {1: tax_rounding})


def refs(proposal):
    return sorted(i.ref[1] for i in proposal.items)


def entry(ref, hours, sched=100):
    return item(ref, kind='consumption', qty=hours, price='60', sched=sched,
        hours=hours)


MARCH = dict(start=date(2026, 3, 1), end=date(2026, 3, 31))
APRIL = dict(start=date(2026, 4, 1), end=date(2026, 4, 30))


def tax_rows(lines, tax_rounding='document', day=date(2026, 3, 1)):
    lines = [SimpleNamespace(quantity=D(q), unit_price=D(p), taxes=t)
        for q, p, t in lines]
    taxes = compute_invoice_taxes(lines, day, CENT, tax_rounding)
    untaxed = sum((line_amount(l.quantity, l.unit_price, CENT)
            for l in lines), D(0))
    return untaxed, sorted((TAX_NAMES[t.tax], t.account, t.base, t.amount)
        for t in taxes)


def check_taxes(row, tax_rounding):
    _, lines, untaxed, expected = row[:4]
    got_untaxed, got = tax_rows(lines, tax_rounding, *row[4:])
    assert got_untaxed == D(untaxed)
    assert got == sorted((n, a, D(b), D(t)) for n, a, b, t in expected)
