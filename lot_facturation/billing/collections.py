"""Amounts collected per VAT rate (VAT on receipt, SPEC P5/P6).

When VAT is due on receipt, each payment is reported (212 status, payments
e-reporting) with the part of it that belongs to each VAT rate of the
invoice.  A partial payment is shared in proportion to the invoice's
VAT-included total per rate; the parts always add up to the payment.
"""
from decimal import ROUND_DOWN, Decimal

CENT = Decimal('0.01')


def split_by_rate(amount, totals_by_rate):
    """``{rate: part}`` of ``amount`` in proportion to ``totals_by_rate``
    (``{rate: VAT-included total}``); the cents left by rounding down go to
    the largest remainders.  A negative amount (a cancelled payment) gives
    the same parts negated."""
    totals = {rate: Decimal(total) for rate, total in totals_by_rate.items()
        if total}
    if any(total < 0 for total in totals.values()):
        raise ValueError('VAT totals to share a payment on must be positive')
    grand_total = sum(totals.values(), Decimal(0))
    if not grand_total:
        raise ValueError('The invoice has no amount to share the payment on')
    sign = -1 if amount < 0 else 1
    cents = int((abs(Decimal(amount)) / CENT).to_integral_value())
    shares = {rate: Decimal(cents) * total / grand_total
        for rate, total in totals.items()}
    parts = {rate: int(share.to_integral_value(ROUND_DOWN))
        for rate, share in shares.items()}
    left = cents - sum(parts.values())
    by_remainder = sorted(
        shares, key=lambda rate: (shares[rate] - parts[rate], rate),
        reverse=True)
    for rate in by_remainder[:left]:
        parts[rate] += 1
    return {rate: sign * Decimal(parts[rate]) * CENT for rate in totals}
