"""Invoice taxes computed the way Tryton's ``account.invoice`` computes them.

This mirrors ``account.tax.compute`` and ``TaxableMixin._get_taxes`` of
Tryton 8.0 step by step (grouping of lines by tax set and sign, per-line
rounding of bases, rounding of tax amounts per document or per line with the
remainder compensation), so that a batch preview shows, to the cent, the
amounts Tryton will store on the invoices.  The equality is asserted against
real Tryton invoices by the property test in tests/test_billing_hypothesis.py.
"""
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import cycle, groupby

from .money import ZERO, round_amount, to_decimal


@dataclass(frozen=True)
class Tax:
    "The part of ``account.tax`` that computing amounts needs."
    id: int
    type: str  # 'percentage', 'fixed' or 'none'
    rate: Decimal | None = None
    amount: Decimal | None = None
    sequence: int | None = None
    update_unit_price: bool = False
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    invoice_account: int | None = None
    credit_note_account: int | None = None
    children: tuple = field(default=(), compare=False)

    def sort_key(self):
        return (0 if self.sequence is None else 1, self.sequence or 0, self.id)

    def applies(self, date):
        return ((self.start_date or dt.date.min) <= date
            <= (self.end_date or dt.date.max))


@dataclass
class TaxAmount:
    "One tax of an invoice: Tryton's ``account.invoice.tax`` to be."
    tax: int
    account: int | None
    base: Decimal
    amount: Decimal

    @property
    def key(self):
        return (self.account, self.tax, self.base >= 0)


def _unit_compute(taxes, price_unit, date):
    result = []
    for _, group in groupby(taxes, key=lambda t: (t.sequence,)):
        variation = ZERO
        for tax in group:
            if not tax.applies(date):
                continue
            values = []
            if tax.type == 'percentage':
                values.append((tax, price_unit, price_unit * tax.rate))
            elif tax.type == 'fixed':
                values.append((tax, price_unit, tax.amount))
            if tax.children:
                values.extend(_unit_compute(tax.children, price_unit, date))
            if tax.update_unit_price:
                variation += sum(v[2] for v in values)
            result.extend(values)
        price_unit += variation
    return result


def compute_line_taxes(taxes, unit_price, quantity, date):
    "List of (tax, base, amount), unrounded, like ``account.tax.compute``."
    taxes = sorted(taxes, key=Tax.sort_key)
    quantity = to_decimal(quantity)
    return [(tax, base * quantity, amount * quantity)
        for tax, base, amount in _unit_compute(taxes, unit_price, date)]


def _round_taxes(taxes, rounding):
    if not rounding:
        return
    remainder = ZERO
    for taxline in taxes.values():
        rounded = round_amount(taxline.amount, rounding)
        remainder += rounded - taxline.amount
        taxline.amount = rounded
    remainder = round_amount(remainder, rounding)
    if abs(remainder) >= rounding:
        offset = rounding.copy_sign(remainder)
        for taxline in cycle(taxes.values()):
            if taxline.amount:
                taxline.amount -= offset
                remainder -= offset
                if abs(remainder) < rounding:
                    break


def _add(target, key, taxline):
    if key in target:
        target[key].base += taxline.base
        target[key].amount += taxline.amount
    else:
        target[key] = TaxAmount(
            taxline.tax, taxline.account, taxline.base, taxline.amount)


def _tax_line(tax, base, amount, rounding):
    base = round_amount(base, rounding) if rounding else base
    account = tax.invoice_account if base >= 0 else tax.credit_note_account
    return TaxAmount(tax.id, account, base, amount)


def compute_invoice_taxes(lines, date, rounding, tax_rounding='document'):
    """Invoice taxes for ``lines`` (objects with taxes, unit_price, quantity).

    Returns the list of TaxAmount in Tryton's order.
    """
    groups = {}
    for line in lines:
        base = (line.unit_price or ZERO) * to_decimal(line.quantity)
        key = (tuple(t.id for t in line.taxes), base >= 0)
        groups.setdefault(key, []).append(line)
    all_taxes = {}
    for group_lines in groups.values():
        taxes = {}
        for line in group_lines:
            current = {}
            for tax, base, amount in compute_line_taxes(
                    line.taxes, line.unit_price or ZERO, line.quantity, date):
                taxline = _tax_line(tax, base, amount, rounding)
                current[taxline.key] = taxline
            if tax_rounding == 'line':
                _round_taxes(current, rounding)
            for key, taxline in current.items():
                _add(taxes, key, taxline)
        if tax_rounding == 'document':
            _round_taxes(taxes, rounding)
        for key, taxline in taxes.items():
            _add(all_taxes, key, taxline)
    return list(all_taxes.values())
