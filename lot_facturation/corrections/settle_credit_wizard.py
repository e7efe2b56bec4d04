# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Settle a customer credit note (SPEC O2, O4): refund the customer, keep
the credit on the account, move it to the customer deposit, or apply it to
the invoice it credits."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from ..exceptions import OperationError
from .accounting_steps import (
    check_amount, check_customer_invoice, check_period_open,
    pay, reconcile_invoices)

SETTLEMENTS = [
    ('refund', "Refund the Customer"),
    ('keep', "Keep the Credit on the Account"),
    ('deposit', "Transfer to the Customer Deposit"),
    ('invoice', "Apply to the Credited Invoice"),
    ]


def credit_balance(credit):
    "Return what the credit note still owes the customer (positive)."
    return -credit.amount_to_pay if credit.amount_to_pay < 0 else 0


def check_credit(credit):
    check_customer_invoice(credit)
    if credit.state == 'paid' or credit.amount_to_pay >= 0:
        raise OperationError(gettext(
                'lot_facturation.msg_op_nothing_to_settle',
                invoice=credit.rec_name))
    for line in credit.lines_to_pay:
        if line.invoice_payment and line.invoice_payment != credit:
            raise OperationError(gettext(
                    'lot_facturation.msg_op_credit_already_applied',
                    invoice=credit.rec_name,
                    other=line.invoice_payment.rec_name))


def credited_invoice(credit):
    "Return the open invoice that ``credit`` credits or raise."
    for invoice in credit.origin_invoices:
        if invoice.state == 'posted' and invoice.amount_to_pay > 0:
            return invoice
    raise OperationError(gettext(
            'lot_facturation.msg_op_no_open_credited_invoice',
            invoice=credit.rec_name))


def apply_to_invoice(credit, invoice, amount, date):
    "Apply the whole credit note to ``invoice`` (Tryton's payment lines)."
    pool = Pool()
    Invoice = pool.get('account.invoice')
    check_amount(invoice, amount, invoice.amount_to_pay)
    if amount != credit_balance(credit):
        raise OperationError(gettext(
                'lot_facturation.msg_op_apply_whole_credit',
                invoice=credit.rec_name))
    if not reconcile_invoices([invoice, credit], date=date):
        lines = [l for l in credit.lines_to_pay if not l.reconciliation]
        Invoice.add_payment_lines({invoice: lines})


def settle(credit, settlement, amount, date, reason, method=None):
    """Settle ``amount`` of ``credit`` and return the saved operations.
    ``method`` is the refund's payment method."""
    pool = Pool()
    Operation = pool.get('account.invoice.operation')
    Configuration = pool.get('account.configuration')
    check_credit(credit)
    check_period_open(credit.company, date)
    amount = credit.currency.round(amount or 0)
    check_amount(credit, amount, credit_balance(credit))
    related, move = None, None
    if settlement == 'deposit':
        method = Configuration(1).get_deposit_method(credit.company)
    if settlement in {'refund', 'deposit'}:
        move = pay(credit, -amount, method, date, reason)
    elif settlement == 'invoice':
        related = credited_invoice(credit)
        apply_to_invoice(credit, related, amount, date)
    kind = {'deposit': 'deposit_in', 'invoice': 'cancel'}.get(
        settlement, settlement)
    operations = [Operation.record(
            credit, kind, date, amount=amount, reason=reason,
            related_invoice=related, move=move, payment_method=method)]
    if related:
        operations.append(Operation.record(
                related, 'cancel', date, amount=amount, reason=reason,
                related_invoice=credit))
    Operation.save(operations)
    return operations


class SettleCreditStart(ModelView):
    "Settle Credit Note"
    __name__ = 'account.invoice.settle_credit.start'

    invoice = fields.Many2One('account.invoice', "Credit Note", readonly=True)
    company = fields.Many2One('company.company', "Company", readonly=True)
    currency = fields.Many2One('currency.currency', "Currency", readonly=True)
    balance = Monetary(
        "Credit Balance", currency='currency', digits='currency',
        readonly=True)
    settlement = fields.Selection(SETTLEMENTS, "Settlement", required=True)
    amount = Monetary(
        "Amount", currency='currency', digits='currency', required=True,
        states={'readonly': Eval('settlement') == 'keep'})
    date = fields.Date("Date", required=True)
    payment_method = fields.Many2One(
        'account.invoice.payment.method', "Payment Method",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'invisible': Eval('settlement') != 'refund',
            'required': Eval('settlement') == 'refund',
            },
        help="How the money goes back to the customer (cheque, transfer…).")
    reason = fields.Text("Reason", required=True)


class SettleCredit(Wizard):
    "Settle Credit Note"
    __name__ = 'account.invoice.settle_credit'
    start = StateView('account.invoice.settle_credit.start',
        'lot_facturation.settle_credit_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Settle", 'settle', 'tryton-ok', default=True),
            ])
    settle = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        credit = self.record
        check_credit(credit)
        return {
            'invoice': credit.id,
            'company': credit.company.id,
            'currency': credit.currency.id,
            'balance': credit_balance(credit),
            'amount': credit_balance(credit),
            'settlement': 'refund',
            'date': Date.today(),
            }

    def transition_settle(self):
        start = self.start
        if start.settlement != 'keep':
            amount = start.amount
        else:
            amount = credit_balance(self.record)
        settle(self.record, start.settlement, amount, start.date,
            start.reason, method=start.payment_method)
        return 'end'
