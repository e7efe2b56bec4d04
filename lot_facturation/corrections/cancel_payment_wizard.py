# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Annuler un encaissement (chèque NSF, SPEC O3).

The chosen receipt is unreconciled from the invoice (Tryton's
``Reconciliation.delete``) and its move is cancelled by a reversal move
(Tryton's ``Move.cancel``, as the "Cancel Moves" wizard does), reconciled
with it.  The invoice goes back to the balance it had before the receipt and
the reason is kept in its operations.
"""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from ..exceptions import OperationError
from .accounting_steps import (
    check_customer_invoice, check_period_open)


def receipt_lines(invoice):
    """Return the lines that paid (or refunded) ``invoice`` and can be
    cancelled: posted, not from an invoice, not already cancelled."""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    lines = {l for l in invoice.payment_lines + invoice.reconciliation_lines
        if l not in invoice.lines_to_pay and l.move.state == 'posted'}
    moves = {l.move.id for l in lines}
    invoice_moves = {i.move.id for i in Invoice.search([
                ('move', 'in', list(moves)),
                ])}
    return sorted(
        (l for l in lines
            if l.move.id not in invoice_moves and not is_cancelled(l)),
        key=lambda l: (l.date, l.id))


def is_cancelled(line):
    "Tell whether ``line``'s move is a cancellation or was cancelled."
    Move = Pool().get('account.move')
    if isinstance(line.move.origin, Move):
        return True
    if line.reconciliation:
        return any(isinstance(l.move.origin, Move)
            and l.move.origin == line.move
            for l in line.reconciliation.lines)
    return False


def cancel_move(move, date, description):
    "Post and reconcile the reversal of ``move`` at ``date``; return it."
    pool = Pool()
    Move = pool.get('account.move')
    Line = pool.get('account.move.line')
    Period = pool.get('account.period')
    period = Period.find(move.company, date=date)
    reversal = move.cancel(default={
            'date': date,
            'period': period.id,
            'description': description,
            }, reversal=True)
    Move.post([reversal])
    to_reconcile = defaultdict(list)
    for line in move.lines + reversal.lines:
        if line.account.reconcile and not line.reconciliation:
            to_reconcile[(line.account, line.party)].append(line)
    Line.reconcile(*to_reconcile.values())
    return reversal


class CancelPaymentStart(ModelView):
    "Cancel Receipt"
    __name__ = 'account.invoice.cancel_payment.start'

    invoice = fields.Many2One('account.invoice', "Invoice", readonly=True)
    currency = fields.Many2One('currency.currency', "Currency", readonly=True)
    amount_to_pay = Monetary(
        "Amount to Pay", currency='currency', digits='currency',
        readonly=True)
    receipts = fields.Many2Many(
        'account.move.line', None, None, "Receipts", readonly=True)
    receipt = fields.Many2One(
        'account.move.line', "Receipt", required=True,
        domain=[('id', 'in', Eval('receipts', []))],
        help="The receipt (or refund) to cancel.")
    date = fields.Date(
        "Date", required=True, help="The date of the reversal move.")
    reason = fields.Text(
        "Reason", required=True, help="For example: cheque returned NSF.")


class CancelPayment(Wizard):
    "Cancel Receipt"
    __name__ = 'account.invoice.cancel_payment'
    start = StateView('account.invoice.cancel_payment.start',
        'lot_facturation.cancel_payment_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Cancel Receipt", 'cancel_', 'tryton-ok', default=True),
            ])
    cancel_ = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        invoice = self.record
        receipts = self.check_receipts(invoice)
        return {
            'invoice': invoice.id,
            'currency': invoice.currency.id,
            'amount_to_pay': invoice.amount_to_pay,
            'receipts': [l.id for l in receipts],
            'receipt': receipts[-1].id,
            'date': Date.today(),
            }

    def check_receipts(self, invoice):
        check_customer_invoice(invoice)
        receipts = receipt_lines(invoice)
        if not receipts:
            raise OperationError(gettext(
                    'lot_facturation.msg_op_no_receipt',
                    invoice=invoice.rec_name))
        return receipts

    def transition_cancel_(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Operation = pool.get('account.invoice.operation')
        Reconciliation = pool.get('account.move.reconciliation')
        invoice, start = self.record, self.start
        receipt = start.receipt
        if receipt not in self.check_receipts(invoice):
            raise OperationError(gettext(
                    'lot_facturation.msg_op_receipt_already_cancelled',
                    invoice=invoice.rec_name))
        check_period_open(invoice.company, start.date)
        invoices = self.affected_invoices(receipt, invoice)
        others = []
        if receipt.reconciliation:
            others = [l for l in receipt.reconciliation.lines
                if l != receipt
                and all(l not in i.lines_to_pay for i in invoices)]
            Reconciliation.delete([receipt.reconciliation])
        invoices = Invoice.browse([i.id for i in invoices])
        Invoice.process(invoices)
        Invoice.remove_payment_lines([receipt])
        if len(invoices) == 1 and others:
            self.keep_other_payments(invoices[0], others)
        reversal = cancel_move(receipt.move, start.date, start.reason)
        amount = invoice.company.currency.round(
            abs(receipt.debit - receipt.credit))
        Operation.save([Operation.record(
                    i, 'payment_cancel', start.date, amount=amount,
                    reason=start.reason, move=reversal)
                for i in invoices])
        return 'end'

    @staticmethod
    def affected_invoices(receipt, invoice):
        "Return the invoices that the receipt paid, ``invoice`` first."
        Invoice = Pool().get('account.invoice')
        invoices = [invoice]
        if receipt.reconciliation:
            moves = {l.move.id for l in receipt.reconciliation.lines}
            invoices += [i for i in Invoice.search([
                        ('move', 'in', list(moves)),
                        ('type', '=', 'out'),
                        ]) if i != invoice]
        return invoices

    @staticmethod
    def keep_other_payments(invoice, lines):
        """Keep the receipts that stay valid as payments of ``invoice`` so
        its balance is what it was before the cancelled receipt."""
        Invoice = Pool().get('account.invoice')
        free = [l for l in lines
            if not l.invoice_payment and l not in invoice.payment_lines
            and (l.credit if invoice.total_amount >= 0 else l.debit)]
        if free:
            Invoice.add_payment_lines({invoice: free})
