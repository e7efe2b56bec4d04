"""Service contracts invoiced by a batch, for the e-invoice tests (F1).

A French accounting firm (the send tests' company, with its bank account),
monthly service contracts entered as the accountant would, and a batch
previewed, generated and posted through the module's own methods, in the
current transaction.
"""
import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import set_company
from trytond.pool import Pool

from tools_chorus import add_company_iban, tax
from tools_send import setup_company

REFERENCE = dt.date(2026, 3, 1)
START = dt.date(2026, 1, 1)


def batch_world(today=REFERENCE):
    "The company, its IBAN, a monthly recurrence and a service product"
    pool = Pool()
    Category = pool.get('product.category')
    ModelData = pool.get('ir.model.data')
    RuleSet = pool.get('sale.subscription.recurrence.rule.set')
    Service = pool.get('sale.subscription.service')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    env = setup_company(today=today)
    with set_company(env.company):
        add_company_iban(env)
        env.monthly = RuleSet(name="Mensuel (le 1er)", rules=[
                {'freq': 'monthly', 'bymonthday': '1'}])
        env.monthly.save()
        env.unit = Uom(ModelData.get_id('product', 'uom_unit'))
        category = Category(name="Missions comptables", accounting=True,
            account_revenue=env.revenue, customer_taxes=[tax(env, '0.20')])
        category.save()
        template = Template(name="Tenue comptable", type='service',
            default_uom=env.unit, list_price=Decimal(100),
            account_category=category, products=[{}])
        template.save()
        env.service = Service(product=template.products[0],
            consumption_recurrence=env.monthly)
        env.service.save()
    return env


def contract(env, party, lines, unit=None, **values):
    """A running monthly contract of party; lines: (quantity, unit price,
    taxes or None for the product's); unit: of the lines (default: unit)"""
    pool = Pool()
    Subscription = pool.get('sale.subscription')
    Line = pool.get('sale.subscription.line')
    with set_company(env.company):
        subscription = Subscription(company=env.company, party=party,
            invoice_address=party.addresses[0],
            currency=env.company.currency, start_date=START,
            invoice_start_date=START, invoice_recurrence=env.monthly,
            payment_term=env.payment_term, **values)
        records = []
        unit = unit or env.unit
        for quantity, price, taxes in lines:
            service = env.service
            if taxes is not None or unit != env.unit:
                service = _service(env, taxes, unit)
            records.append(Line(service=service, unit=unit,
                    quantity=quantity, unit_price=Decimal(price),
                    consumption_recurrence=env.monthly, start_date=START))
        subscription.lines = records
        subscription.save()
        Subscription.quote([subscription])
        Subscription.run([subscription])
    return subscription


def _service(env, taxes, unit):
    "A service of unit whose product carries taxes (cached)"
    pool = Pool()
    Category = pool.get('product.category')
    Service = pool.get('sale.subscription.service')
    Template = pool.get('product.template')
    taxes = [tax(env, '0.20')] if taxes is None else taxes
    key = (tuple(sorted(t.id for t in taxes)), unit.id)
    cache = env.__dict__.setdefault('services', {})
    if key not in cache:
        category = Category(name="Missions %s" % (key,), accounting=True,
            account_revenue=env.revenue, customer_taxes=list(taxes))
        category.save()
        template = Template(name="Mission %s" % (key,), type='service',
            default_uom=unit, list_price=Decimal(100),
            account_category=category, products=[{}])
        template.save()
        cache[key] = Service(product=template.products[0],
            consumption_recurrence=env.monthly)
        cache[key].save()
    return cache[key]


def previewed_batch(env, reference=REFERENCE, **values):
    "A batch of the company previewed at reference"
    Batch = Pool().get('account.invoice.batch')
    with set_company(env.company):
        batch = Batch(name="Facturation mensuelle", company=env.company,
            reference_date=reference, journal=env.journal,
            recording_mode='posted', **values)
        batch.save()
        Batch.preview([batch])
    return Batch(batch.id)


def generated_invoices(env, batch):
    "Generate and post the batch in this transaction; its invoices"
    Batch = Pool().get('account.invoice.batch')
    with set_company(env.company):
        Batch.run([batch])
        Batch.run_generation([batch], commit=False)
    return list(Batch(batch.id).invoices)
