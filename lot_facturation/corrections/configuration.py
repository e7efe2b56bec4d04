# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Company settings of the corrections: customer deposit (O4) and
late-payment interest (I1), each a company value like Tryton's own."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval

from ..billing.interest import InterestPolicy
from ..exceptions import OperationError

INTEREST_FIELDS = [
    'interest_rate', 'interest_grace_days', 'interest_minimum_amount',
    'interest_indemnity', 'interest_indemnity_amount', 'interest_product',
    'interest_indemnity_product', 'interest_charge_state']
CHARGE_STATES = [
    ('validated', "Validated"),
    ('draft', "Not Validated"),
    ]


def deposit_method_domain(company):
    return [
        ('company', '=', company),
        ('debit_account.type.deposit', '=', True),
        ('credit_account.type.deposit', '=', True),
        ]


def interest_fields(company, depends=()):
    "Return new instances of the interest settings fields."
    context = {'company': company}
    depends = set(depends)
    return {
        'interest_rate': fields.Numeric(
            "Annual Interest Rate", digits=(16, 6),
            domain=['OR',
                ('interest_rate', '=', None),
                ('interest_rate', '>=', 0),
                ],
            help="Late-payment interest rate per year (365 days)."),
        'interest_grace_days': fields.Integer(
            "Grace Days",
            domain=['OR',
                ('interest_grace_days', '=', None),
                ('interest_grace_days', '>=', 0),
                ],
            help="Days after the due date that are never charged."),
        'interest_minimum_amount': fields.Numeric(
            "Minimum Interest", digits=(16, 2),
            help="Interest below this amount is not charged yet: "
            "it accumulates until a later run."),
        'interest_indemnity': fields.Boolean(
            "Fixed Recovery Indemnity",
            help="Charge once per late invoice of a business customer the "
            "fixed indemnity for recovery costs (indemnité forfaitaire pour "
            "frais de recouvrement, 40 € in France)."),
        'interest_indemnity_amount': fields.Numeric(
            "Indemnity Amount", digits=(16, 2),
            states={'invisible': ~Eval('interest_indemnity')}),
        'interest_product': fields.Many2One(
            'product.product', "Interest Product",
            domain=[('type', '=', 'service')],
            context=context, depends=depends,
            help="The service invoiced for late-payment interest."),
        'interest_indemnity_product': fields.Many2One(
            'product.product', "Indemnity Product",
            domain=[('type', '=', 'service')],
            context=context, depends=depends,
            states={'invisible': ~Eval('interest_indemnity')}),
        'interest_charge_state': fields.Selection(
            CHARGE_STATES, "Interest Charges",
            help="Validated: the next batch invoices the generated "
            "interest.\nNot validated: the accountant validates each "
            "charge first."),
        }


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
        if field in INTEREST_FIELDS:
            return pool.get('account.configuration.interest')
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


    @classmethod
    def default_interest_indemnity_amount(cls, **pattern):
        return Decimal(40)

    @classmethod
    def default_interest_charge_state(cls, **pattern):
        return 'validated'

    @classmethod
    def default_interest_grace_days(cls, **pattern):
        return 0

    def get_interest_policy(self, company):
        "Return the InterestPolicy of ``company`` or raise a clear error."
        values = {f: self.get_multivalue(f, company=company.id)
            for f in INTEREST_FIELDS}
        if not values['interest_rate']:
            raise OperationError(gettext(
                    'lot_facturation.msg_interest_no_rate',
                    company=company.rec_name))
        if not values['interest_product']:
            raise OperationError(gettext(
                    'lot_facturation.msg_interest_no_product',
                    company=company.rec_name))
        indemnity = Decimal(0)
        if values['interest_indemnity']:
            if not values['interest_indemnity_product']:
                raise OperationError(gettext(
                        'lot_facturation.msg_interest_no_product',
                        company=company.rec_name))
            indemnity = values['interest_indemnity_amount'] or Decimal(0)
        policy = InterestPolicy(
            annual_rate=values['interest_rate'],
            grace_days=values['interest_grace_days'] or 0,
            minimum_amount=values['interest_minimum_amount'] or Decimal(0),
            indemnity=indemnity,
            quantum=Decimal(1).scaleb(-company.currency.digits))
        return policy, values


for _name, _field in interest_fields(
        Eval('context', {}).get('company', -1)).items():
    setattr(Configuration, _name, fields.MultiValue(_field))


class ConfigurationCustomerDeposit(ModelSQL, CompanyValueMixin):
    __name__ = 'account.configuration.customer_deposit'

    customer_deposit = fields.Boolean("Customer Deposit")
    customer_deposit_method = fields.Many2One(
        'account.invoice.payment.method', "Customer Deposit Method",
        domain=deposit_method_domain(Eval('company', -1)))

    @classmethod
    def default_customer_deposit(cls):
        return False


class ConfigurationInterest(ModelSQL, CompanyValueMixin):
    __name__ = 'account.configuration.interest'

    @classmethod
    def default_interest_indemnity_amount(cls):
        return Decimal(40)

    @classmethod
    def default_interest_charge_state(cls):
        return 'validated'

    @classmethod
    def default_interest_grace_days(cls):
        return 0


for _name, _field in interest_fields(
        Eval('company', -1), depends={'company'}).items():
    setattr(ConfigurationInterest, _name, _field)


