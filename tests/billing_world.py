"""A small French billing world for proteus tests and scenarios.

A company with a chart of accounts, a fiscal year with invoice sequences,
VAT taxes, service products, recurrence rules, payment terms and helpers to
create running service contracts.
"""
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from proteus import Model
from trytond.modules.account.tests.tools import (
    create_chart, create_fiscalyear, create_tax, get_accounts)
from trytond.modules.account_invoice.tests.tools import (
    set_fiscalyear_invoice_sequences)
from trytond.exceptions import UserWarning
from trytond.modules import get_module_info, load_translations
from trytond.modules.company.tests.tools import create_company, get_company
from trytond.pool import Pool

from world import activate_modules, run

MODULE = 'lot_facturation'
MODULES = [MODULE]


def activate(*modules):
    "Activate the module with a company and a chart (cached by Tryton)."
    return activate_modules(MODULES + list(modules), create_company,
        create_chart)


def fiscal_years(*years):
    "Open fiscal years with monthly periods and invoice sequences."
    result = []
    for year in years:
        fiscalyear = set_fiscalyear_invoice_sequences(
            create_fiscalyear(today=dt.date(year, 6, 1)))
        fiscalyear.click('create_period')
        result.append(fiscalyear)
    return result


def vat(rate, name=None):
    tax = create_tax(Decimal(rate))
    tax.name = tax.description = name or f'VAT {rate}'
    tax.save()
    return tax


def recurrence(name, freq, interval=1, **by):
    RuleSet = Model.get('sale.subscription.recurrence.rule.set')
    rule_set = RuleSet(name=name)
    rule, = rule_set.rules
    rule.freq = freq
    rule.interval = interval
    for key, value in by.items():
        setattr(rule, key, value)
    rule_set.save()
    return rule_set


def service(name, price, tax=None, unit='Unit', recurrence=None,
        delay=None):
    "A subscription service on a service product with revenue and tax."
    accounts = get_accounts()
    Category = Model.get('product.category')
    Template = Model.get('product.template')
    Uom = Model.get('product.uom')
    Service = Model.get('sale.subscription.service')
    category = Category(name=f"{name} category", accounting=True)
    category.account_revenue = accounts['revenue']
    if tax:
        category.customer_taxes.append(Model.get('account.tax')(tax.id))
    category.save()
    uom, = Uom.find([('name', '=', unit)])
    template = Template(name=name, default_uom=uom, type='service',
        list_price=Decimal(price), account_category=category)
    template.save()
    product, = template.products
    svc = Service(product=product, consumption_recurrence=recurrence)
    if delay is not None:
        svc.consumption_delay = delay
    svc.save()
    return svc


def payment_term(name, direct_debit=False, days=30):
    Term = Model.get('account.invoice.payment_term')
    term = Term(name=name, direct_debit=direct_debit)
    line = term.lines.new(type='remainder')
    delta = line.relativedeltas.new()
    delta.days = days
    term.save()
    return term


def customer(name, code=None, payment_term=None, lang=None):
    Party = Model.get('party.party')
    party = Party(name=name)
    if code:
        party.code = code
    party.addresses[0].invoice = True
    party.addresses[0].city = 'Lyon'
    if payment_term:
        party.customer_payment_term = payment_term
    if lang:
        party.lang = lang
    party.save()
    return party


def contract(party, start, invoice_recurrence, lines, end=None,
        invoice_start=None, payment_term=None, run=True, **fields):
    """A service contract; ``lines`` are (service, quantity, unit price)."""
    Subscription = Model.get('sale.subscription')
    subscription = Subscription(party=party, start_date=start,
        invoice_recurrence=invoice_recurrence)
    if invoice_start:
        subscription.invoice_start_date = invoice_start
    if end:
        subscription.end_date = end
    if payment_term:
        subscription.payment_term = payment_term
    for name, value in fields.items():
        setattr(subscription, name, value)
    for svc, quantity, unit_price in lines:
        line = subscription.lines.new()
        line.service = svc
        line.quantity = quantity
        line.unit_price = Decimal(unit_price)
    subscription.save()
    if run:
        subscription.click('quote')
        subscription.click('run')
    return subscription


def revenue_journal():
    Journal = Model.get('account.journal')
    journal, = Journal.find([('type', '=', 'revenue')], limit=1)
    return journal


def company():
    return get_company()


def standard_world(config):
    """Six customers with one monthly contract each, from 1 January 2026.

    Used as a set-up function of the cached world (``world.py``): built
    once, each test starts from it in a fraction of a second.
    """
    fiscal_years(2026)
    monthly = recurrence("Monthly", 'monthly')
    tax = vat('.20', "VAT 20%")
    maintenance = service("Maintenance", '100', tax, recurrence=monthly)
    term = payment_term("30 days")
    for i in range(1, 7):
        party = customer(f"Customer {i}", code=f'C{i:03d}', payment_term=term)
        contract(party, dt.date(2026, 1, 1), monthly,
            [(maintenance, 1, f'{100 + 10 * i}.00')], payment_term=term)


def standard():
    "Activate the module with ``standard_world`` (cached)."
    return activate_modules(MODULES, create_company, create_chart,
        standard_world)


def load_module_french():
    """French made translatable with only our module's translations: what a
    French customer's invoice texts need, without the minutes Tryton's
    ``load_translations`` of every module takes on PostgreSQL."""
    def load():
        pool = Pool()
        Lang = pool.get('ir.lang')
        french, = Lang.search([('code', '=', 'fr')])
        Lang.write([french], {'translatable': True})
        node = SimpleNamespace(name=MODULE, info=get_module_info(MODULE))
        load_translations(pool, node, {'fr'})
    run(load)


def new_batch(name='Batch', reference=dt.date(2026, 2, 1), **values):
    Batch = Model.get('account.invoice.batch')
    batch = Batch(name=name, reference_date=reference,
        journal=revenue_journal(), **values)
    batch.save()
    return batch


def skip_warning(config, warning):
    "Answer 'yes' to a Tryton warning the way the client does."
    Warning = Model.get('res.user.warning')
    Warning(user=config.user, name=warning.name).save()


def click_yes(config, record, button):
    "Click button, answering 'yes' to the warning it may raise first."
    try:
        record.click(button)
    except UserWarning as warning:
        skip_warning(config, warning)
        record.click(button)
