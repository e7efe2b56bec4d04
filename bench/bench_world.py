"""Build and clone the benchmark database (N running monthly contracts)."""
import argparse
import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
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
    """Create the world database ``name`` (N contracts) in a child process.

    The module and the company are set up once in a template database kept
    between runs (named after a hash of the module's files); the contracts
    are added to a clone of it, by bulk SQL (``args.world == 'sql'``) or
    through the ORM.  Returns the seconds the contracts took.
    """
    template = company_template(args)
    env = environment(args)
    clone(template, name, args)
    started = time.monotonic()
    subprocess.run([sys.executable, os.path.abspath(__file__), 'build', name,
            str(args.n), str(args.lines), args.date,
            getattr(args, 'world', 'sql'),
            'fresh' if getattr(args, 'fresh', False) else 'consumed'],
        check=True, env=env)
    return time.monotonic() - started


def company_template(args):
    "The database with the module and the company, built once per version."
    name = 'bench_company_' + module_hash()
    if not exists(name, args):
        # Built under another name: a build killed half-way is not reused.
        building = name + '_building'
        drop(building, args)
        env = environment(args)
        env['DB_NAME'] = building
        started = time.monotonic()
        subprocess.run([sys.executable, os.path.abspath(__file__),
                'company', building], check=True, env=env)
        rename(building, name, args)
        print(f"company template {name}: "
            f"{time.monotonic() - started:.0f} s", file=sys.stderr)
    return name


def rename(old, new, args):
    env = environment(args)
    if backend() == 'sqlite':
        folder = env['TRYTOND_DATABASE__PATH']
        os.rename(os.path.join(folder, old + '.sqlite'),
            os.path.join(folder, new + '.sqlite'))
    else:
        subprocess.run(['psql', '-X', '-q', '-d', 'postgres', '-c',
                f'ALTER DATABASE "{old}" RENAME TO "{new}"'],
            check=True, env=env)


def module_hash():
    """Changes when the module's tables or data change (a new template then).

    Only the declarations of models and fields and the data files count:
    changing a method does not rebuild the company.
    """
    import inspect
    import trytond
    digest = hashlib.sha1(trytond.__version__.encode())
    digest.update(inspect.getsource(_setup_company).encode())
    declaration = re.compile(
        r'^\s*(\w+ = (fields\.\w+|Monetary)\(|__name__ = )')
    root = os.path.join(HERE, os.pardir, 'lot_facturation')
    for folder, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for file in sorted(files):
            with open(os.path.join(folder, file), 'rb') as handle:
                if file.endswith(('.xml', '.cfg', '.po')):
                    digest.update(handle.read())
                elif file.endswith('.py'):
                    for line in handle.read().decode().splitlines():
                        if declaration.match(line):
                            digest.update(line.encode())
    return digest.hexdigest()[:10]


def exists(name, args):
    env = environment(args)
    if backend() == 'sqlite':
        return os.path.exists(
            os.path.join(env['TRYTOND_DATABASE__PATH'], name + '.sqlite'))
    output = subprocess.run(['psql', '-X', '-At', '-d', 'postgres', '-c',
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        check=True, env=env, capture_output=True, text=True)
    return output.stdout.strip() == '1'


def autovacuum(args):
    """The server's autovacuum setting ('on', 'off'; None on SQLite): a
    benchmark needs it on, as production has it (scripts/with-postgresql,
    PG_AUTOVACUUM=on)."""
    if backend() == 'sqlite':
        return None
    output = subprocess.run(['psql', '-X', '-At', '-d', 'postgres', '-c',
            'SHOW autovacuum'], check=True, env=environment(args),
        capture_output=True, text=True)
    return output.stdout.strip()


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


def _company(name):
    "Child process: activate the module, set up a company."
    from trytond.tests.test_tryton import activate_module
    from proteus import config as pconfig
    activate_module(['lot_facturation'])
    config = pconfig.set_trytond(name)
    _setup_company(config)


def _build(name, n, lines, date, world, consumed):
    "Child process: N running contracts, by bulk SQL or through the ORM."
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(name)
    pool.init()
    with Transaction().start(name, 0, readonly=True):
        company_id, = [c.id for c in pool.get('company.company').search([])]
    start = dt.date.fromisoformat(date)
    if world == 'sql':
        _build_sql(pool, name, company_id, n, lines, start, consumed)
    else:
        _build_orm(pool, name, company_id, n, lines, start, consumed)
    with Transaction().start(name, 0) as transaction:
        transaction.connection.cursor().execute('ANALYZE')


def _build_orm(pool, name, company_id, n, lines, start, consumed):
    from trytond.transaction import Transaction
    context = {'company': company_id}
    for offset in range(0, n, 500):
        with Transaction().start(name, 1, context=context) as transaction:
            _create_contracts(pool, company_id,
                range(offset, min(n, offset + 500)), lines, start)
            transaction.commit()
    if consumed:
        with Transaction().start(name, 1, context=context) as transaction:
            _consume(pool, start)
            transaction.commit()


def _build_sql(pool, name, company_id, n, lines, start, consumed):
    from trytond.transaction import Transaction
    import world_sql
    shapes = {}
    for k in range(n):
        shapes.setdefault(line_count(k, lines), k)
        if len(shapes) == 2 or lines == 1:
            break
    with Transaction().start(name, 1, context={'company': company_id}) as t:
        _, prototypes = world_sql.capture(pool, company_id, shapes,
            lambda ks: _create_contracts(pool, company_id, ks, lines, start),
            (lambda: _consume(pool, start)) if consumed else None)
        world_sql.fill(pool, company_id, n, lambda k: line_count(k, lines),
            customer_name, prototypes,
            log=lambda text: print(text, file=sys.stderr))
        t.commit()


def _consume(pool, date):
    "Consumptions up to the reference date, as Tryton's daily cron makes."
    pool.get('sale.subscription.line').generate_consumption(date=date)


def customer_name(k):
    return f'Customer {k:06d}'


def line_count(k, lines):
    "1 or 2 lines, ``lines`` on average."
    return 1 + int((k + 1) * (lines - 1)) - int(k * (lines - 1))


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


def _create_contracts(pool, company_id, indices, lines, start):
    "Create and run the contracts ``indices`` with the ORM (not proteus)."
    Party = pool.get('party.party')
    Subscription = pool.get('sale.subscription')
    Service = pool.get('sale.subscription.service')
    RuleSet = pool.get('sale.subscription.recurrence.rule.set')
    services = Service.search([], order=[('id', 'ASC')])
    currency = pool.get('company.company')(company_id).currency.id
    monthly, = RuleSet.search([])
    indices = list(indices)
    parties = Party.create([{
                'name': customer_name(k),
                'addresses': [('create', [{'invoice': True}])],
                } for k in indices])
    vlist = []
    for k, party in zip(indices, parties):
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
                                } for j in range(line_count(k, lines))])],
                })
    subscriptions = Subscription.create(vlist)
    Subscription.quote(subscriptions)
    Subscription.run(subscriptions)


def options(prog, description, n):
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument('-n', type=int, default=n, help="contracts")
    parser.add_argument('--lines', type=float, default=1.5,
        help="average lines per contract (1 to 2)")
    parser.add_argument('--date', default='2026-03-01',
        help="reference date (contracts start then)")
    parser.add_argument('--fresh', action='store_true',
        help="contracts just run, without the consumptions of the date")
    parser.add_argument('--workdir', default=os.path.join(HERE, 'out'))
    return parser


def make(argv):
    "Build the world bench_N by bulk SQL (or --world orm) and time it."
    parser = options('bench_world.py make', make.__doc__, 1000)
    parser.add_argument('--world', choices=['sql', 'orm'], default='sql')
    args = parser.parse_args(argv)
    os.makedirs(args.workdir, exist_ok=True)
    seconds = build(f'bench_{args.n}', args)
    print(f"{args.world} world of {args.n} contracts: {seconds:.1f} s")
    return 0


def check(argv):
    """Build one world through the ORM and one by bulk SQL; compare them.

    The bulk world is only a benchmark tool if it holds exactly the rows
    Tryton writes: run this after changing the module or the world.
    """
    parser = options('bench_world.py check', check.__doc__.splitlines()[0],
        50)
    args = parser.parse_args(argv)
    os.makedirs(args.workdir, exist_ok=True)
    names = {}
    template = company_template(args)
    for world in ['orm', 'sql']:
        args.world = world
        names[world] = f'check_{world}_{args.n}'
        seconds = build(names[world], args)
        print(f"{world} world of {args.n} contracts: {seconds:.1f} s",
            file=sys.stderr)
    output = subprocess.run([sys.executable, os.path.abspath(__file__),
            'compare', template, names['orm'], names['sql']],
        env=environment(args))
    for name in names.values():
        drop(name, args)
    return output.returncode


def _compare(template, first, second):
    "Child process: print the differences, exit 1 if there are some."
    from trytond.pool import Pool
    import world_check
    Pool.start()
    pool = Pool(first)
    pool.init()
    lines = world_check.compare(pool, template, first, second)
    for line in lines:
        print(line)
    print("same rows: " + ("NO" if lines else "yes"))
    return 1 if lines else 0


if __name__ == '__main__':
    if sys.argv[1] == 'check':
        sys.exit(check(sys.argv[2:]))
    elif sys.argv[1] == 'make':
        sys.exit(make(sys.argv[2:]))
    elif sys.argv[1] == 'compare':
        sys.exit(_compare(*sys.argv[2:5]))
    elif sys.argv[1] == 'company':
        _company(sys.argv[2])
    elif sys.argv[1] == 'build':
        _build(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]),
            sys.argv[5], sys.argv[6], sys.argv[7] == 'consumed')
