"""O1–O4, I1: the guards of the invoice operations raise clear errors.

The scenarios (scenario_op_*.rst, scenario_i_interest_batch.rst) walk the
user's errors through the wizards; these tests cover the remaining guards
directly.
"""
import datetime as dt
import unittest
from decimal import Decimal
from types import SimpleNamespace

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.lot_facturation.corrections.accounting_steps import (
    OperationError, check_amount, check_customer_invoice, check_period_open)
from trytond.model.exceptions import RequiredValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction


def invoice(type='out', state='posted', currency=None):
    return SimpleNamespace(
        type=type, state=state, rec_name='F-0001', currency=currency)


class OperationErrorsTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('lot_facturation')

    def assertError(self, text, func, *args):
        with self.assertRaises(OperationError) as cm:
            func(*args)
        self.assertIn(text, cm.exception.message)

    @with_transaction()
    def test_o1_guards_invoice_kind_and_state(self):
        self.assertError(
            'is not a customer invoice', check_customer_invoice,
            invoice(type='in'))
        self.assertError(
            'is cancelled', check_customer_invoice,
            invoice(state='cancelled'))
        self.assertError(
            'is not posted', check_customer_invoice, invoice(state='draft'))
        check_customer_invoice(invoice(state='paid'))

    @with_transaction()
    def test_o2_amount_positive_and_within_balance(self):
        company = create_company()
        with set_company(company):
            item = invoice(currency=company.currency)
            self.assertError(
                'must be greater than zero', check_amount,
                item, Decimal(0), Decimal(10))
            self.assertError(
                'is above the balance', check_amount,
                item, Decimal('10.01'), Decimal(10))
            check_amount(item, Decimal(10), Decimal(10))

    @with_transaction()
    def test_o1_no_open_period_at_the_date(self):
        company = create_company()
        with set_company(company):
            self.assertError(
                'There is no open accounting period at 03/01/2026',
                check_period_open, company, dt.date(2026, 3, 1))

    @with_transaction()
    def test_o4_deposit_disabled_or_enabled_without_method(self):
        pool = Pool()
        Configuration = pool.get('account.configuration')
        company = create_company()
        with set_company(company):
            configuration = Configuration(1)
            self.assertError(
                'is not enabled', configuration.get_deposit_method, company)
            configuration.customer_deposit = True
            with self.assertRaises(RequiredValidationError):
                configuration.save()

    @with_transaction()
    def test_i1_interest_requires_rate_and_products(self):
        pool = Pool()
        Configuration = pool.get('account.configuration')
        company = create_company()
        with set_company(company):
            self.assertError(
                'annual interest rate',
                Configuration(1).get_interest_policy, company)
            configuration = Configuration(1)
            configuration.interest_rate = Decimal('0.08')
            configuration.save()
            self.assertError(
                'interest products',
                Configuration(1).get_interest_policy, company)
