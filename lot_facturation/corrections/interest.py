# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Overdue receivable lines and their payments, gathered for the pure
late-payment interest computation of ``billing/interest.py`` (SPEC I1)."""
import datetime as dt
from collections import defaultdict

from trytond.pool import Pool

from ..billing.interest import OverdueLine, Payment


def is_business(party):
    "A business customer has a SIREN or a tax identifier."
    return bool(getattr(party, 'siren', None) or party.tax_identifier)


def overdue_lines(company, as_of, parties=None, grace_days=0):
    "Return the open receivable lines of customers due before ``as_of``."
    pool = Pool()
    MoveLine = pool.get('account.move.line')
    limit = as_of - dt.timedelta(days=grace_days)
    domain = [
        ('move.company', '=', company.id),
        ('move.state', '=', 'posted'),
        ('account.type.receivable', '=', True),
        ('reconciliation', '=', None),
        ('party', '!=', None),
        ('maturity_date', '<', limit),
        ('debit', '>', 0),
        ]
    if parties:
        domain.append(('party', 'in', [p.id for p in parties]))
    return MoveLine.search(domain, order=[('maturity_date', 'ASC')])


def invoice_payments(lines):
    """Return {line: [Payment]} allocating each invoice's open payment lines
    to its receivable lines in due date order, and {line: invoice}."""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    invoices = Invoice.search([
            ('move', 'in', list({l.move.id for l in lines})),
            ])
    by_move = {i.move.id: i for i in invoices}
    payments, line_invoice = defaultdict(list), {}
    invoice_lines = defaultdict(list)
    for line in lines:
        line_invoice[line] = by_move.get(line.move.id)
        invoice_lines[line_invoice[line]].append(line)
    for invoice in invoices:
        paid = sorted(
            (l.date, l.credit - l.debit) for l in invoice.payment_lines
            if not l.reconciliation)
        due = sorted(invoice_lines[invoice], key=lambda l: l.maturity_date)
        _allocate(paid, due, payments)
    return payments, line_invoice


def _allocate(paid, due, payments):
    remaining = {l: l.debit - l.credit for l in due}
    for date, amount in paid:
        for line in due:
            if amount <= 0:
                break
            part = min(amount, remaining[line])
            if part > 0:
                payments[line].append(Payment(date, part))
                remaining[line] -= part
                amount -= part


def build_overdue(lines, charges, indemnity_product):
    """Return the OverdueLine of ``lines`` knowing the pending ``charges``
    already made for receivable lines (not cancelled)."""
    payments, line_invoice = invoice_payments(lines)
    charged_until, indemnified = {}, set()
    for charge in charges:
        line = charge.origin
        if indemnity_product and charge.product == indemnity_product:
            indemnified.add(line.move.id)
        elif charge.period_end:
            charged_until[line] = max(
                charge.period_end, charged_until.get(line, charge.period_end))
    result = []
    for line in lines:
        result.append(OverdueLine(
                key=line, due_date=line.maturity_date,
                amount=line.debit - line.credit,
                payments=tuple(payments.get(line, ())),
                charged_until=charged_until.get(line),
                invoice=line.move.id, business=is_business(line.party),
                indemnity_charged=line.move.id in indemnified))
    return result
