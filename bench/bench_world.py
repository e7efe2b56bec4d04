"""Build and clone the benchmark database (N running monthly contracts)."""
import datetime as dt
import os
import shutil
import subprocess
import sys
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
PRICES = [Decimal('49.90'), Decimal('19.99')]


def backend():
    uri = os.environ.get('TRYTOND_DATABASE__URI', '')
    return 'postgresql' if uri.startswith('postgresql') else 'sqlite'


def environment(args):
    env = dict(os.environ)
    if backend() == 'sqlite':
        env['TRYTOND_DATABASE__URI'] = 'sqlite://'
        env['TRYTOND_DATABASE__PATH'] = os.path.join(args.workdir, 'db')
        os.makedirs(env['TRYTOND_DATABASE__PATH'], exist_ok=True)
    env.pop('DB_CACHE', None)
    return env


def build(name, args):
    "Create the template database in a child process (keeps this one clean)."
    env = environment(args)
    env['DB_NAME'] = name
    drop(name, args)
    subprocess.run([sys.executable, os.path.abspath(__file__), 'build', name,
            str(args.n), str(args.lines), args.date], check=True, env=env)


def drop(name, args):
    env = environment(args)
    if backend() == 'sqlite':
        path = os.path.join(env['TRYTOND_DATABASE__PATH'], name + '.sqlite')
        for suffix in ['', '-wal', '-shm']:
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    else:
        subprocess.run(['psql', '-X', '-q', '-d', 'postgres', '-c',
                f'DROP DATABASE IF EXISTS "{name}"'], check=True, env=env)


def clone(template, name, args):
    env = environment(args)
    drop(name, args)
    if backend() == 'sqlite':
        folder = env['TRYTOND_DATABASE__PATH']
        shutil.copy(os.path.join(folder, template + '.sqlite'),
            os.path.join(folder, name + '.sqlite'))
    else:
        subprocess.run(['psql', '-X', '-q', '-d', 'postgres', '-c',
                f'CREATE DATABASE "{name}" TEMPLATE "{template}"'],
            check=True, env=env)


def _build(name, n, lines, date):
    "Child process: activate the module, set up a company, create contracts."
    from trytond.tests.test_tryton import activate_module
    from proteus import config as pconfig
    activate_module(['lot_facturation'])
    config = pconfig.set_trytond(name)
    company_id = _setup_company(config)
    _create_contracts(name, company_id, n, lines, date)


def _setup_company(config):
    from proteus import Model
    from trytond.modules.account.tests.tools import (
        create_chart, create_fiscalyear, create_tax, get_accounts)
    from trytond.modules.account_invoice.tests.tools import (
        set_fiscalyear_invoice_sequences)
    from trytond.modules.company.tests.tools import (
        create_company, get_company)
    create_company(config=config)
    create_chart(config=config)
    fiscalyear = set_fiscalyear_invoice_sequences(
        create_fiscalyear(today=dt.date(2026, 6, 1)))
    fiscalyear.click('create_period')
    accounts = get_accounts()
    tax = create_tax(Decimal('.20'))
    tax.save()
    Category = Model.get('product.category')
    category = Category(name="Services", accounting=True,
        account_revenue=accounts['revenue'])
    category.customer_taxes.append(Model.get('account.tax')(tax.id))
    category.save()
    Template = Model.get('product.template')
    Uom = Model.get('product.uom')
    RuleSet = Model.get('sale.subscription.recurrence.rule.set')
    Service = Model.get('sale.subscription.service')
    unit, = Uom.find([('name', '=', 'Unit')])
    monthly = RuleSet(name="Monthly")
    rule, = monthly.rules
    rule.freq = 'monthly'
    monthly.save()
    for index, price in enumerate(PRICES):
        template = Template(name=f"Service {index}", default_uom=unit,
            type='service', list_price=price,
            account_category=category)
        template.save()
        Service(product=template.products[0],
            consumption_recurrence=monthly).save()
    return get_company().id


def _create_contracts(name, company_id, n, lines, date):
    "Bulk-create and run N contracts with the ORM (proteus is too slow)."
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(name)
    with Transaction().start(name, 1, context={'company': company_id}):
        Party = pool.get('party.party')
        Subscription = pool.get('sale.subscription')
        Service = pool.get('sale.subscription.service')
        RuleSet = pool.get('sale.subscription.recurrence.rule.set')
        services = Service.search([], order=[('id', 'ASC')])
        currency = pool.get('company.company')(company_id).currency.id
        monthly, = RuleSet.search([])
        start = dt.date.fromisoformat(date)
        for offset in range(0, n, 500):
            count = min(500, n - offset)
            parties = Party.create([{
                        'name': f'Customer {offset + i:06d}',
                        'addresses': [('create', [{'invoice': True}])],
                        } for i in range(count)])
            vlist = []
            for i, party in enumerate(parties):
                k = offset + i
                nlines = 1 + int((k + 1) * (lines - 1)) - int(k * (lines - 1))
                vlist.append({
                        'party': party.id,
                        'invoice_address': party.addresses[0].id,
                        'currency': currency, 'company': company_id,
                        'start_date': start,
                        'invoice_recurrence': monthly.id,
                        'lines': [('create', [{
                                        'service': services[j].id,
                                        'quantity': 1 + j,
                                        'unit': services[j].product.default_uom.id,
                                        'unit_price': PRICES[j],
                                        'start_date': start,
                                        'consumption_recurrence': monthly.id,
                                        } for j in range(nlines)])],
                        })
            subscriptions = Subscription.create(vlist)
            Subscription.quote(subscriptions)
            Subscription.run(subscriptions)
            Transaction().commit()


if __name__ == '__main__':
    if sys.argv[1] == 'build':
        _build(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
