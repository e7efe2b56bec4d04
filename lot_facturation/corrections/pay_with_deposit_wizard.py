# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Pay a customer invoice with the customer deposit (SPEC O4).

Tryton's ``Invoice.pay_invoice`` with the configured deposit payment method:
the invoice's receivable is credited, the party's deposit is debited.
"""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .deposit import deposit_available
from ..exceptions import OperationError
from .accounting_steps import (
    check_amount, check_customer_invoice, check_period_open,
    pay)


def check_payable(invoice):
    check_customer_invoice(invoice)
    if invoice.state == 'paid' or invoice.amount_to_pay <= 0:
        raise OperationError(gettext(
                'lot_facturation.msg_op_nothing_to_pay',
                invoice=invoice.rec_name))


def deposit_method(invoice):
    Configuration = Pool().get('account.configuration')
    return Configuration(1).get_deposit_method(invoice.company)


def pay_with_deposit(invoice, amount, date, reason):
    "Pay ``amount`` of ``invoice`` from its party's deposit."
    pool = Pool()
    Operation = pool.get('account.invoice.operation')
    Lang = pool.get('ir.lang')
    check_payable(invoice)
    method = deposit_method(invoice)
    check_period_open(invoice.company, date)
    amount = invoice.currency.round(amount or 0)
    check_amount(invoice, amount, invoice.amount_to_pay)
    available = deposit_available(invoice.party, method, invoice.currency)
    if amount > available:
        lang = Lang.get()
        raise OperationError(gettext(
                'lot_facturation.msg_deposit_insufficient',
                party=invoice.party.rec_name,
                amount=lang.currency(amount, invoice.currency),
                deposit=lang.currency(available, invoice.currency)))
    move = pay(invoice, amount, method, date, reason)
    operation = Operation.record(
        invoice, 'deposit_out', date, amount=amount, reason=reason,
        move=move, payment_method=method)
    operation.save()
    return operation


class PayWithDepositStart(ModelView):
    "Pay with Customer Deposit"
    __name__ = 'account.invoice.pay_with_deposit.start'

    invoice = fields.Many2One('account.invoice', "Invoice", readonly=True)
    currency = fields.Many2One('currency.currency', "Currency", readonly=True)
    amount_to_pay = Monetary(
        "Amount to Pay", currency='currency', digits='currency',
        readonly=True)
    deposit = Monetary(
        "Customer Deposit", currency='currency', digits='currency',
        readonly=True)
    amount = Monetary(
        "Amount", currency='currency', digits='currency', required=True)
    date = fields.Date("Date", required=True)
    reason = fields.Text("Description")


class PayWithDeposit(Wizard):
    "Pay with Customer Deposit"
    __name__ = 'account.invoice.pay_with_deposit'
    start = StateView('account.invoice.pay_with_deposit.start',
        'lot_facturation.pay_with_deposit_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Pay", 'pay', 'tryton-ok', default=True),
            ])
    pay = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        invoice = self.record
        check_payable(invoice)
        deposit_method(invoice)
        # party.deposit reads without locking (the payment locks)
        available = max(invoice.party.deposit or 0, 0)
        return {
            'invoice': invoice.id,
            'currency': invoice.currency.id,
            'amount_to_pay': invoice.amount_to_pay,
            'deposit': available,
            'amount': min(available, invoice.amount_to_pay),
            'date': Date.today(),
            }

    def transition_pay(self):
        start = self.start
        pay_with_deposit(self.record, start.amount, start.date, start.reason)
        return 'end'
