"""B4: the preview prices each customer with its own company values.

The preview reads the customers' language, receivable account and tax rule
for a whole chunk of customers at once; each must still be what Tryton
gives that customer in the batch's company (the customer's own value, else
the default), and the invoices generated must agree with the preview.
"""
import datetime as dt
from decimal import Decimal

import pytest

from proteus import Model
from trytond.modules.account.tests.tools import get_accounts

import billing_world as world


@pytest.fixture
def config():
    return world.standard()


def customer(name):
    Party = Model.get('party.party')
    party, = Party.find([('name', '=', name)])
    return party


def french_customer(name):
    Lang = Model.get('ir.lang')
    world.load_module_french()
    french, = Lang.find([('code', '=', 'fr')])
    party = customer(name)
    party.lang = french
    party.save()


def own_receivable(name):
    "A receivable account of the customer's own (411 Customer 2)."
    account, = get_accounts()['receivable'].duplicate(
        default={'name': f"Receivable {name}", 'code': '4112'})
    party = customer(name)
    party.account_receivable = account
    party.save()
    return account


def reduced_vat(name):
    "A tax rule turning the 20 % VAT of the customer into 10 %."
    Tax = Model.get('account.tax')
    TaxRule = Model.get('account.tax.rule')
    standard, = Tax.find([('name', '=', "VAT 20%")])
    reduced = world.vat('.10', "VAT 10%")
    rule = TaxRule(name="Reduced", kind='sale')
    line = rule.lines.new()
    line.origin_tax = standard
    line.tax = Tax(reduced.id)
    rule.save()
    party = customer(name)
    party.customer_tax_rule = rule
    party.save()


def test_b4_customers_priced_with_their_own_values(config):
    french_customer("Customer 1")
    account = own_receivable("Customer 2")
    reduced_vat("Customer 3")
    batch = world.new_batch(reference=dt.date(2026, 1, 1),
        description_mode='schedule')
    batch.click('preview')
    proposals = {p.party.name: p for p in batch.proposals}
    assert len(proposals) == 6
    item, = proposals["Customer 1"].items
    assert item.description == "Maintenance - du 01.01.2026 au 31.01.2026"
    item, = proposals["Customer 4"].items
    assert item.description == (
        "Maintenance - from 01/01/2026 to 01/31/2026")
    receivable = get_accounts()['receivable']
    assert proposals["Customer 2"].account == account
    assert proposals["Customer 4"].account == receivable
    assert proposals["Customer 3"].tax_amount == Decimal('13.00')
    assert proposals["Customer 4"].tax_amount == Decimal('28.00')

    batch.click('generate')
    batch.reload()
    invoices = {i.party.name: i for i in batch.invoices}
    assert invoices["Customer 2"].account == account
    assert invoices["Customer 3"].tax_amount == Decimal('13.00')
    assert invoices["Customer 3"].total_amount == Decimal('143.00')
    line, = invoices["Customer 1"].lines
    assert line.description == "Maintenance - du 01.01.2026 au 31.01.2026"
    assert invoices["Customer 1"].invoice_date == dt.date(2026, 1, 1)
