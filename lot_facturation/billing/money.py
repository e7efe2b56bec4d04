"""Rounding exactly as Tryton's ``currency.currency.round`` does it.

Tryton rounds half-even by default; the compensation of tax remainders uses
the "opposite" rounding, which for half-even is half-even again.
"""
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

ZERO = Decimal(0)


def round_amount(amount, rounding, mode=ROUND_HALF_EVEN):
    "Round ``amount`` to a multiple of ``rounding`` (e.g. Decimal('0.01'))."
    if not rounding:
        return amount
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, (amount / rounding).adjusted() + 1)
        result = (amount / rounding).quantize(
            Decimal('1.'), rounding=mode) * rounding
    return Decimal(result)


def to_decimal(quantity):
    "Tryton multiplies prices by ``Decimal(str(quantity))`` (floats in DB)."
    if isinstance(quantity, Decimal):
        return quantity
    return Decimal(str(quantity or 0))


def line_amount(quantity, unit_price, rounding):
    "Amount of an invoice line, as ``account.invoice.line`` computes it."
    return round_amount(to_decimal(quantity) * (unit_price or ZERO), rounding)
