"""Real Tryton records for the property tests (test_billing_hypothesis.py).

A company with a chart, customers and taxes; invoices created and read back
the way generation does; service contracts run through Tryton's own
consumption and invoice generation.
"""
import datetime as dt
from contextlib import contextmanager
from decimal import Decimal
from types import SimpleNamespace

from sql.conditionals import Coalesce
from sql.functions import Function
from sql.operators import Concat

from trytond import backend
from trytond.model import fields
from trytond.modules.account.tests import create_chart
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.lot_facturation.batch.core_values import load_taxes
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

D = Decimal
BEFORE_2014 = dt.date(2013, 12, 31)


def make_world():
    "A company with a chart, two customers and the taxes, once."
    pool = Pool()
    Account = pool.get('account.account')
    Journal = pool.get('account.journal')
    Party = pool.get('party.party')
    world = SimpleNamespace(company=Pool().get('company.company')(
            Transaction().context['company']))
    create_chart(world.company)
    world.revenue, = [a for a in Account.search([
                ('type.revenue', '=', True), ('closed', '!=', True),
                ]) if not a.childs][:1]
    world.vat_account, = Account.search([('code', '=', '6.3.6')])
    world.credit_account, = Account.search([('code', '=', '6.3.4')])
    world.journal, = Journal.search([('type', '=', 'revenue')], limit=1)
    world.parties = Party.create([
            {'name': name, 'addresses': [('create', [{}])]}
            for name in ['Dupont SARL', 'Martin SA']])
    world.receivable = world.parties[0].account_receivable_used
    world.taxes = make_taxes(world)
    world.core_taxes = load_taxes(world.taxes.values())
    world.rounding = world.company.currency.rounding
    return world


def in_company(func):
    "Run ``func(world)`` in a rolled back transaction, in the company."
    @with_transaction()
    def run():
        with set_company(create_company(name="Cabinet Lefèvre")):
            func(make_world())
    run()


def make_taxes(world):
    Tax = Pool().get('account.tax')

    def tax(name, type='percentage', **values):
        return Tax(name=name, description=name, type=type,
            company=world.company, invoice_account=world.vat_account,
            credit_note_account=world.credit_account, **values)
    parent = tax('parent', type='none', sequence=10)
    parent.childs = [tax('child85', rate=D('0.085')),
        tax('child21', rate=D('0.021'))]
    taxes = {
        'vat20': tax('vat20', rate=D('0.2'), sequence=10),
        'vat10': tax('vat10', rate=D('0.1'), sequence=10),
        'vat55': tax('vat55', rate=D('0.055'), sequence=10),
        'vat21': tax('vat21', rate=D('0.021')),
        'fixed': tax('fixed', type='fixed', amount=D('0.125'), sequence=10),
        'eco': tax('eco', type='fixed', amount=D('0.5'), sequence=1,
            update_unit_price=True),
        'parent': parent,
        'vat196': tax('vat196', rate=D('0.196'), sequence=10,
            end_date=BEFORE_2014),
        }
    Tax.save(list(taxes.values()))
    return taxes


def set_tax_rounding(mode):
    Configuration = Pool().get('account.configuration')
    config = Configuration(1)
    config.tax_rounding = mode
    config.save()


def tryton_invoices(world, invoices):
    """Create draft invoices, update their taxes and read their amounts.

    ``invoices`` are (party, invoice date, lines) with lines as
    (quantity, unit price, tax ids, description).
    """
    pool = Pool()
    Invoice = pool.get('account.invoice')
    InvoiceLine = pool.get('account.invoice.line')
    records = []
    for party, date, lines in invoices:
        invoice = Invoice(company=world.company, type='out', party=party,
            invoice_address=party.addresses[0],
            currency=world.company.currency, account=world.receivable,
            journal=world.journal, invoice_date=date)
        invoice.lines = [InvoiceLine(type='line', account=world.revenue,
                quantity=float(quantity), unit_price=unit_price,
                taxes=list(tax_ids), description=description)
            for quantity, unit_price, tax_ids, description in lines]
        records.append(invoice)
    Invoice.save(records)
    Invoice.update_taxes(records)
    return [SimpleNamespace(
            untaxed=invoice.untaxed_amount, tax=invoice.tax_amount,
            total=invoice.total_amount,
            taxes=sorted((t.tax.id, t.account.id, t.base, t.amount)
                for t in invoice.taxes))
        for invoice in Invoice.browse([r.id for r in records])]


CONSUMPTION_RULES = {
    'daily': {'freq': 'daily'},
    'weekly': {'freq': 'weekly'},
    'monthly': {'freq': 'monthly'},
    'first_of_month': {'freq': 'monthly', 'bymonthday': '1'},
    'month_end': {'freq': 'monthly', 'bymonthday': '-1'},
    }
INVOICE_RULES = {
    'monthly': {'freq': 'monthly'},
    'quarterly': {'freq': 'monthly', 'interval': 3},
    'month_end': {'freq': 'monthly', 'bymonthday': '-1'},
    'fortnightly': {'freq': 'weekly', 'interval': 2},
    'yearly': {'freq': 'yearly'},
    }


def make_services(world):
    "Recurrence rule sets and a service product, once."
    pool = Pool()
    Category = pool.get('product.category')
    ModelData = pool.get('ir.model.data')
    Product = pool.get('product.product')
    RuleSet = pool.get('sale.subscription.recurrence.rule.set')
    Service = pool.get('sale.subscription.service')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    world.rule_sets = {}
    for prefix, rules in [('c', CONSUMPTION_RULES), ('i', INVOICE_RULES)]:
        for name, values in rules.items():
            world.rule_sets[prefix, name] = RuleSet(
                name=f'{prefix} {name}', rules=[values])
    RuleSet.save(list(world.rule_sets.values()))
    category = Category(name="Missions", accounting=True,
        account_revenue=world.revenue)
    category.save()
    world.unit = Uom(ModelData.get_id('product', 'uom_unit'))
    template = Template(name="Tenue comptable", type='service',
        default_uom=world.unit, list_price=D(100), account_category=category,
        products=[Product()])
    template.save()
    world.service = Service(product=template.products[0],
        consumption_recurrence=world.rule_sets['c', 'monthly'])
    world.service.save()


def tryton_subscription(world, contract):
    "A running contract as the accountant would enter it."
    pool = Pool()
    Subscription = pool.get('sale.subscription')
    Line = pool.get('sale.subscription.line')
    party = world.parties[0]
    start = contract['start']
    subscription = Subscription(company=world.company, party=party,
        invoice_address=party.addresses[0],
        currency=world.company.currency, start_date=start,
        invoice_start_date=start + dt.timedelta(contract['invoice_offset']),
        invoice_recurrence=world.rule_sets['i', contract['invoice_rule']])
    lines = []
    for values in contract['lines']:
        line_start = start + dt.timedelta(values['offset'])
        lines.append(Line(service=world.service, unit=world.unit,
                quantity=values['quantity'], unit_price=values['price'],
                consumption_recurrence=world.rule_sets['c', values['rule']],
                consumption_delay=dt.timedelta(values['delay']),
                start_date=line_start, end_date=None
                if values['length'] is None
                else line_start + dt.timedelta(values['length'])))
    subscription.lines = lines
    subscription.save()
    Subscription.quote([subscription])
    Subscription.run([subscription])
    return subscription


class _SQLiteDate(Function):
    __slots__ = ()
    _function = 'DATE'


@contextmanager
def delayed_dates_on_sqlite():
    """Make Tryton's search on next_consumption_date_delayed work on SQLite.

    Tryton 8.0 searches ``next_consumption_date + consumption_delay`` as
    SQL; SQLite stores dates as text and intervals as seconds, so the sum
    is a number (2024 + delay), always lower than the text date compared
    to: generate_consumption(date) then creates the next consumption of
    every running line, however far after ``date``.  PostgreSQL runs the
    stock searcher; on SQLite the same rule is written with DATE().
    """
    Line = Pool().get('sale.subscription.line')
    if backend.name != 'sqlite':
        yield
        return

    def domain(cls, domain, tables):
        table, _ = tables[None]
        _, operator, value = domain
        column = _SQLiteDate(table.next_consumption_date, Concat(
                Coalesce(table.consumption_delay, 0), ' seconds'))
        return fields.SQL_OPERATORS[operator](column, value)
    name = 'domain_next_consumption_date_delayed'
    original = Line.__dict__.get(name)
    setattr(Line, name, classmethod(domain))
    try:
        yield
    finally:
        if original is None:
            delattr(Line, name)
        else:
            setattr(Line, name, original)


def stock_invoicing(world, subscription, invoice_dates):
    """Run Tryton's consumption and invoice generation at each invoice date.

    Returns {invoice date: (sorted (line index, consumption date), untaxed)}.
    """
    pool = Pool()
    Consumption = pool.get('sale.subscription.line.consumption')
    Line = pool.get('sale.subscription.line')
    Subscription = pool.get('sale.subscription')
    with delayed_dates_on_sqlite():
        for date in invoice_dates:
            Line.generate_consumption(date=date)
            Subscription.generate_invoice(date=date)
    index = {l.id: i for i, l in enumerate(subscription.lines)}
    result = {}
    for consumption in Consumption.search([
                ('line.subscription', '=', subscription.id),
                ('invoice_line', '!=', None),
                ]):
        invoice = consumption.invoice_line.invoice
        dates, _ = result.setdefault(
            invoice.invoice_date, ([], invoice.untaxed_amount))
        dates.append((index[consumption.line.id], consumption.date))
    return {d: (sorted(dates), untaxed)
        for d, (dates, untaxed) in result.items()}


def retire(subscription):
    "Keep later examples' stock runs away from this contract."
    pool = Pool()
    Subscription = pool.get('sale.subscription')
    Line = pool.get('sale.subscription.line')
    cursor = Transaction().connection.cursor()
    table, line = Subscription.__table__(), Line.__table__()
    cursor.execute(*table.update([table.state, table.next_invoice_date],
            ['closed', None], where=table.id == subscription.id))
    cursor.execute(*line.update([line.next_consumption_date], [None],
            where=line.subscription == subscription.id))
