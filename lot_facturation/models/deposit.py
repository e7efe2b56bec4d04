# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Customer deposit (acompte client, SPEC O4) over Tryton's account_deposit.

The deposit is the party's balance on an account whose type is *deposit*.
Money goes in and out of it through Tryton's own invoice payment
(``Invoice.pay_invoice``) with a payment method whose accounts are that
deposit account: the receivable line is settled, the deposit line carries
the party.  This module only adds the company setting that enables it.
"""
from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval

from .operation import OperationError


def deposit_method_domain(company):
    return [
        ('company', '=', company),
        ('debit_account.type.deposit', '=', True),
        ('credit_account.type.deposit', '=', True),
        ]


class Configuration(metaclass=PoolMeta):
    __name__ = 'account.configuration'

    customer_deposit = fields.MultiValue(fields.Boolean(
            "Customer Deposit",
            help="Allow keeping customer credits on their deposit "
            "and paying later invoices with it."))
    customer_deposit_method = fields.MultiValue(fields.Many2One(
            'account.invoice.payment.method', "Customer Deposit Method",
            domain=deposit_method_domain(
                Eval('context', {}).get('company', -1)),
            states={
                'required': Bool(Eval('customer_deposit')),
                'invisible': ~Eval('customer_deposit'),
                },
            help="The payment method whose accounts are the deposit "
            "account: it records the transfers to and from the deposit."))

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in {'customer_deposit', 'customer_deposit_method'}:
            return pool.get('account.configuration.customer_deposit')
        return super().multivalue_model(field)

    def get_deposit_method(self, company):
        "Return the deposit payment method or raise a clear error."
        if not self.get_multivalue('customer_deposit', company=company.id):
            raise OperationError(gettext(
                    'lot_facturation.msg_deposit_disabled',
                    company=company.rec_name))
        method = self.get_multivalue(
            'customer_deposit_method', company=company.id)
        if not method:
            raise OperationError(gettext(
                    'lot_facturation.msg_deposit_no_method',
                    company=company.rec_name))
        return method


class ConfigurationCustomerDeposit(ModelSQL, CompanyValueMixin):
    __name__ = 'account.configuration.customer_deposit'

    customer_deposit = fields.Boolean("Customer Deposit")
    customer_deposit_method = fields.Many2One(
        'account.invoice.payment.method', "Customer Deposit Method",
        domain=deposit_method_domain(Eval('company', -1)))

    @classmethod
    def default_customer_deposit(cls):
        return False


def deposit_available(party, method, currency):
    "Return the party's deposit that can pay invoices (positive amount)."
    balance = party.get_deposit_balance(
        method.debit_account.current(), currency=currency)
    return max(-balance, 0)
