# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Late-payment interest settings (SPEC I1) and the gathering of overdue
receivable lines for the pure computation of billing/interest.py."""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from ..billing.interest import InterestPolicy, OverdueLine, Payment
from .operation import OperationError

INTEREST_FIELDS = [
    'interest_rate', 'interest_grace_days', 'interest_minimum_amount',
    'interest_indemnity', 'interest_indemnity_amount', 'interest_product',
    'interest_indemnity_product', 'interest_charge_state']
CHARGE_STATES = [
    ('validated', "Validated"),
    ('draft', "Not Validated"),
    ]


def _product_domain():
    return [('type', '=', 'service')]


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

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in INTEREST_FIELDS:
            return pool.get('account.configuration.interest')
        return super().multivalue_model(field)

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
