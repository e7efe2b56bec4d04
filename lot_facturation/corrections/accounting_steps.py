# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Checks and accounting steps shared by the correction wizards (O1-O4).

Every step is Tryton's own: ``Invoice.credit``, ``Invoice.pay_invoice``,
``Line.reconcile``, ``Reconciliation.delete`` and ``Move.cancel``.  The
wizards only chain them and record, on the invoice, what was done and why.
"""
from trytond.i18n import gettext
from trytond.modules.account.exceptions import PeriodNotFoundError
from trytond.pool import Pool

from ..exceptions import OperationError


def check_customer_invoice(invoice, states=('posted', 'paid')):
    "Raise unless ``invoice`` is a customer invoice in one of ``states``."
    if invoice.type != 'out':
        raise OperationError(gettext(
                'lot_facturation.msg_op_not_customer_invoice',
                invoice=invoice.rec_name))
    if invoice.state == 'cancelled':
        raise OperationError(gettext(
                'lot_facturation.msg_op_invoice_cancelled',
                invoice=invoice.rec_name))
    if invoice.state not in states:
        raise OperationError(gettext(
                'lot_facturation.msg_op_invoice_not_posted',
                invoice=invoice.rec_name))


def check_period_open(company, date):
    "Raise a clear error when no open period holds ``date``."
    pool = Pool()
    Period = pool.get('account.period')
    Lang = pool.get('ir.lang')
    try:
        Period.find(company, date=date, test_state=True)
    except PeriodNotFoundError:
        raise OperationError(gettext(
                'lot_facturation.msg_op_period_closed',
                date=Lang.get().strftime(date),
                company=company.rec_name))


def check_amount(invoice, amount, maximum):
    "Raise unless 0 < amount <= maximum (in the invoice currency)."
    pool = Pool()
    Lang = pool.get('ir.lang')
    lang = Lang.get()
    if amount is None or amount <= 0:
        raise OperationError(gettext(
                'lot_facturation.msg_op_amount_not_positive',
                invoice=invoice.rec_name))
    if amount > maximum:
        raise OperationError(gettext(
                'lot_facturation.msg_op_amount_above_balance',
                invoice=invoice.rec_name,
                amount=lang.currency(amount, invoice.currency),
                balance=lang.currency(maximum, invoice.currency)))


def open_lines(invoices):
    "Return the unreconciled receivable lines of ``invoices`` (and payments)."
    lines = []
    for invoice in invoices:
        for line in invoice.lines_to_pay + invoice.payment_lines:
            if not line.reconciliation and line not in lines:
                lines.append(line)
    return lines


def reconcile_invoices(invoices, date=None):
    """Reconcile the open receivable lines of ``invoices`` together when they
    balance, and bring the invoices to their new state now (Tryton only
    queues it)."""
    pool = Pool()
    Line = pool.get('account.move.line')
    Invoice = pool.get('account.invoice')
    lines = open_lines(invoices)
    if not lines or sum(l.debit - l.credit for l in lines):
        return False
    Line.reconcile(lines, date=date)
    Invoice.process(Invoice.browse([i.id for i in invoices]))
    return True


def pay(invoice, amount, method, date, description):
    """Pay ``amount`` of ``invoice`` (negative for a credit note) with
    Tryton's ``pay_invoice`` and reconcile when it is settled.
    Return the payment move."""
    lines = invoice.pay_invoice(amount, method, date, description)
    reconcile_invoices([invoice.__class__(invoice.id)], date=date)
    return lines[0].move

