# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Tryton records turned into the values of the pure billing core.

The preview, generation and posting price with ``billing/``; these helpers
are the only place that converts taxes and problems both ways.
"""
import json

from ..billing import items as core
from ..billing.taxes import Tax as CoreTax


def load_taxes(taxes):
    "Tryton taxes as pure billing taxes, children included: {id: Tax}."
    result = {}

    def convert(tax):
        if tax.id not in result:
            result[tax.id] = CoreTax(
                id=tax.id, type=tax.type, rate=tax.rate, amount=tax.amount,
                sequence=tax.sequence,
                update_unit_price=tax.update_unit_price,
                start_date=tax.start_date, end_date=tax.end_date,
                invoice_account=(
                    tax.invoice_account.id if tax.invoice_account else None),
                credit_note_account=(tax.credit_note_account.id
                    if tax.credit_note_account else None),
                children=tuple(convert(c) for c in tax.childs))
        return result[tax.id]
    for tax in taxes:
        convert(tax)
    return result


def encode_problems(problems):
    "Problems as JSON: [[code, severity, {param: value}], ...]."
    if not problems:
        return None
    return json.dumps([[p.code, p.severity, p.as_dict()] for p in problems])


def decode_problems(text):
    return tuple(core.Problem(code, severity, tuple(sorted(params.items())))
        for code, severity, params in json.loads(text or '[]'))
