"""Customer invoices for the send tests, built like Tryton's own tests
(company, chart with a 20 % VAT, fiscal year with invoice sequences).

The company, its chart and fiscal year are the cached world ``company``
(``world.py``): ``world.restore(company)`` (English) or
``committed_database()`` (French) give a database that has them, and
``setup_company()`` then only looks them up."""
import datetime
import functools
import os
import shutil
import sqlite3
import tempfile
import threading
import time
import types
from contextlib import contextmanager
from decimal import Decimal

from trytond.modules.account.tests import create_chart, get_fiscalyear
from trytond.modules.account_invoice.tests.test_module import (
    set_invoice_sequences)
from trytond.modules.company.tests import set_company
from trytond.modules.currency.tests import add_currency_rate, create_currency
import trytond.config as config
from stdnum import iban
from trytond import backend
from trytond.modules.lot_facturation.billing.send_rules import PROCESSINGS
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.transaction import Transaction

import world
from world import prepare, run  # noqa: F401 (the send tests' runners)

SIREN = '552100554'
MODULE = 'lot_facturation'


def process_wizard(processing, ids=None, values=None):
    """Run 'Imprimer ou traiter les factures client' with processing: on the
    invoices ids, or from the menu (ids None); return its result"""
    pool = Pool()
    Process = pool.get('account.invoice.process', type='wizard')
    Start = pool.get('account.invoice.process.start')
    session_id, _, _ = Process.create()
    start = Start.default_get(list(Start._fields), with_rec_name=False)
    start.update(processing=processing,
        send_states=list(PROCESSINGS[processing].default_states))
    start.update(values or {})
    context = {}
    if ids is not None:
        context = {'active_model': 'account.invoice', 'active_ids': ids,
            'active_id': ids[0]}
    with Transaction().set_context(context):
        return Process.execute(session_id, {'start': start}, 'process')


def credit_note(env, invoice):
    "The posted credit note of a whole posted invoice, dated today"
    Invoice = Pool().get('account.invoice')
    with set_company(env.company):
        credit, = Invoice.credit([invoice])
        credit.invoice_date = env.today
        credit.save()
        Invoice.post([credit])
    return Invoice(credit.id)


def vat_of(siren):
    return 'FR%02d%s' % ((12 + 3 * (int(siren) % 97)) % 97, siren)


def load_french():
    "Load the French translations and return the language"
    Lang = Pool().get('ir.lang')
    fr, = Lang.search([('code', '=', 'fr')])
    Lang.load_translations([fr])
    return fr


def _company_party():
    Party = Pool().get('party.party')
    party = Party(name="Cabinet Dupont Expertise",
        addresses=[{'street': "12 rue de la Paix", 'postal_code': "75002",
                'city': "Paris"}],
        identifiers=[
            {'type': 'fr_siren', 'code': SIREN},
            {'type': 'eu_vat', 'code': vat_of(SIREN)},
            ],
        contact_mechanisms=[
            {'type': 'email', 'value': 'facturation@dupont.example'},
            {'type': 'phone', 'value': '+33 1 23 45 67 89'},
            ])
    party.save()
    return party


def french_iban(account):
    "A valid French IBAN (bank 30006, branch 00001) of an 11-digit account"
    bank, branch = '30006', '00001'
    key = 97 - ((89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97)
    bban = f'{bank}{branch}{account}{key:02d}'
    return 'FR' + iban.calc_check_digits('FR00' + bban) + bban


def add_company_iban(env):
    """The company's bank account, as the PDF and the CII show it (one
    IBAN per company: tests that commit leave theirs behind), once"""
    pool = Pool()
    Bank = pool.get('bank')
    Account = pool.get('bank.account')
    if Account.search([('owners', '=', env.company.party.id)]):
        return
    Party = pool.get('party.party')
    bank = Bank(party=Party(name="Crédit Agricole"), bic='AGRIFRPP')
    bank.party.save()
    bank.save()
    Account(bank=bank, owners=[env.company.party], numbers=[{
                'type': 'iban', 'number': french_iban(
                    '%011d' % (12345678900 + env.company.id)),
                }]).save()


def setup_company(today=None):
    """Company, chart, taxes, fiscal year: return a namespace

    Those of the cached world when the database has them (``company``),
    created otherwise."""
    today = today or datetime.date.today()
    Company = Pool().get('company.company')
    companies = Company.search([], order=[('id', 'ASC')], limit=1)
    if companies:
        return _company_env(companies[0], today)
    return _create_company(today)


def _create_company(today):
    pool = Pool()
    Company = pool.get('company.company')
    Tax = pool.get('account.tax')
    Account = pool.get('account.account')
    PaymentTerm = pool.get('account.invoice.payment_term')
    currency = create_currency('EUR')
    currency.symbol = '€'
    currency.save()
    add_currency_rate(currency, 1)
    company = Company(party=_company_party(), currency=currency)
    company.save()
    with set_company(company):
        create_chart(company, chart='account.account_template_root_%s'
            % Transaction().language[:2])
        _fiscal_year(company, today)
        tax_account, = Account.search([
                ('type.payable', '=', True), ('closed', '!=', True),
                ('party_required', '=', False), ('company', '=', company.id),
                ], limit=1)
        Tax(name="TVA 20 %", description="TVA 20 %",
            type='percentage', rate=Decimal('0.2'), company=company,
            invoice_account=tax_account,
            credit_note_account=tax_account).save()
        PaymentTerm(name="30 jours",
            lines=[{'type': 'remainder', 'relativedeltas': [{'days': 30}]}]
            ).save()
    env = _company_env(company, today)
    add_company_iban(env)
    return env


def _fiscal_year(company, today):
    """The fiscal year of today with its periods, created when missing,
    open in every journal (as once a first move was posted in each)"""
    pool = Pool()
    FiscalYear = pool.get('account.fiscalyear')
    Journal = pool.get('account.journal')
    JournalPeriod = pool.get('account.journal.period')
    if FiscalYear.search([('company', '=', company.id),
                ('start_date', '<=', today), ('end_date', '>=', today)]):
        return
    with Transaction().set_context(language='en'):
        # Tryton's helpers search sequence types by English name
        fiscalyear = set_invoice_sequences(get_fiscalyear(company, today))
        fiscalyear.save()
    FiscalYear.create_period([fiscalyear])
    JournalPeriod.create([{'journal': j.id, 'period': p.id}
            for j in Journal.search([]) for p in fiscalyear.periods])


def _company_env(company, today):
    "The namespace of the company's records the tests use"
    pool = Pool()
    Tax = pool.get('account.tax')
    Account = pool.get('account.account')
    PaymentTerm = pool.get('account.invoice.payment_term')
    Journal = pool.get('account.journal')
    first = [('id', 'ASC')]
    env = types.SimpleNamespace(company=company, today=today)
    with set_company(company):
        _fiscal_year(company, today)
        env.tax, = Tax.search([('company', '=', company.id),
                ('name', '=', "TVA 20 %")], order=first, limit=1)
        env.revenue, = Account.search([
                ('type.revenue', '=', True), ('closed', '!=', True),
                ('company', '=', company.id),
                ], limit=1)
        env.journal, = Journal.search([('type', '=', 'revenue')], limit=1)
        env.payment_term, = PaymentTerm.search(
            [('name', '=', "30 jours")], order=first, limit=1)
    return env


PUBLIC_SIREN, PUBLIC_SIRET = '217500016', '21750001600019'


def _company_world(year):
    "The company, chart, 20 % VAT and fiscal year of year"
    _create_company(datetime.date(year, 6, 1))


def company_of(year):
    "The cached world set-up of the company with the fiscal year of year"
    return world.transactional(functools.partial(_company_world, year))


company = company_of(datetime.date.today().year)


def create_customer(name, email=None, channel='email', lang=None,
        siren=None, kind=None):
    """A customer of kind; on Chorus Pro a public entity by default, with
    a town hall's SIREN and the SIRET of its address unless siren is given
    (what Chorus Pro needs, F3)"""
    pool = Pool()
    Party = pool.get('party.party')
    Lang = pool.get('ir.lang')
    values = {
        'name': name, 'invoice_send_channel': channel,
        'addresses': [{'street': "3 avenue des Lilas", 'postal_code': "69003",
                'city': "Lyon"}],
        }
    if email:
        values['contact_mechanisms'] = [{'type': 'email', 'value': email}]
    kind = kind or ('public' if channel == 'chorus' else None)
    town_hall = kind == 'public' and siren is None
    if kind:
        values['customer_kind'] = kind
    if town_hall:
        siren = PUBLIC_SIREN
    if siren:
        values['identifiers'] = [{'type': 'fr_siren', 'code': siren}]
    if lang:
        values['lang'], = Lang.search([('code', '=', lang)])
    party = Party(**values)
    party.save()
    if town_hall:
        pool.get('party.identifier')(party=party, type='fr_siret',
            code=PUBLIC_SIRET, address=party.addresses[0]).save()
    return party


def create_invoices(env, customers, count=1, amount=Decimal('100.00'),
        post=True, date=None):
    "count posted customer invoices per customer, in bulk"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    invoices = []
    with set_company(env.company):
        for i in range(count):
            for party in customers:
                invoices.append(Invoice(
                        type='out', company=env.company, party=party,
                        invoice_address=party.addresses[0],
                        currency=env.company.currency,
                        journal=env.journal,
                        account=party.account_receivable_used,
                        payment_term=env.payment_term,
                        invoice_date=date or env.today,
                        description="Honoraires mensuels",
                        lines=[{
                                'type': 'line', 'quantity': 1,
                                'unit_price': amount,
                                'description': "Tenue comptable",
                                'account': env.revenue,
                                'taxes': [env.tax],
                                }, {
                                'type': 'line', 'quantity': 2,
                                'unit_price': Decimal('45.50'),
                                'description': "Déclarations de TVA",
                                'account': env.revenue,
                                'taxes': [env.tax],
                                }]))
        Invoice.save(invoices)
        Invoice.update_taxes(invoices)
        if post:
            Invoice.post(invoices)
    return Invoice.browse([i.id for i in invoices])


@contextmanager
def committed_database(*setups, lang='fr'):
    """A test database that the code under test may commit in.

    The send processing commits on its own (claim, then every delivery):
    such tests cannot run inside one rolled-back transaction.  The database
    is the cached world of setups (by default ``company``), restored
    before and dropped after.  Its language is French, like the users'.
    Yield ``run``."""
    world.restore(*(setups or [company]), lang=lang)
    try:
        yield run
    finally:
        drop_db()


@contextmanager
def shared_database():
    """The name of a database that two connections can use at once.

    PostgreSQL: the test database.  SQLite: the in-memory test database
    is one connection per thread, so it is copied to a file first."""
    if backend.name != 'sqlite' or DB_NAME != ':memory:':
        yield DB_NAME
        return
    folder = tempfile.mkdtemp(prefix='lot_facturation_')
    saved_path = config.get('database', 'path')
    name = 'send_shared'
    source = backend.Database(DB_NAME).connect()
    connection = source.get_connection()
    try:
        with sqlite3.connect(os.path.join(folder, name + '.sqlite')) as copy:
            connection.backup(copy)
        copy.close()
    finally:
        source.put_connection(connection)
    config.set('database', 'path', folder)
    try:
        Pool(name).init()
        yield name
    finally:
        Pool.stop(name)
        config.set('database', 'path', saved_path)
        shutil.rmtree(folder, ignore_errors=True)


def load_french_translations(config):
    "activate_modules set-up (cached): French translations loaded"
    from proteus import Model
    Lang = Model.get('ir.lang', config=config)
    fr, = Lang.find([('code', '=', 'fr')])
    Lang.click([fr], 'load_translations')


def create_french_firm(config=None):
    """Proteus: the company (a French accounting firm), its chart, fiscal
    year and a 20 % VAT; return (company, revenue account, tax)"""
    from proteus import Model
    from trytond.modules.account.tests.tools import (
        create_chart, create_fiscalyear, create_tax, get_accounts)
    from trytond.modules.account_invoice.tests.tools import (
        set_fiscalyear_invoice_sequences)
    from trytond.modules.company.tests.tools import create_company
    Party = Model.get('party.party', config=config)
    Lang = Model.get('ir.lang', config=config)
    fr, = Lang.find([('code', '=', 'fr')])
    firm = Party(name="Cabinet Dupont Expertise", lang=fr)
    address = firm.addresses[0]
    address.street, address.postal_code, address.city = (
        "12 rue de la Paix", "75002", "Paris")
    firm.identifiers.new(type='fr_siren', code=SIREN)
    firm.identifiers.new(type='eu_vat', code='FR96' + SIREN)
    firm.save()
    Bank = Model.get('bank', config=config)
    BankAccount = Model.get('bank.account', config=config)
    bank = Bank(party=Party(name="Crédit Agricole"), bic='AGRIFRPP')
    bank.party.save()
    bank.save()
    account = BankAccount(bank=bank)
    account.owners.append(Party(firm.id))
    account.numbers.new(type='iban', number=french_iban('12345678900'))
    account.save()
    create_company(party=firm, currency='EUR')
    fiscalyear = set_fiscalyear_invoice_sequences(create_fiscalyear())
    fiscalyear.click('create_period')
    create_chart()
    accounts = get_accounts()
    tax = create_tax(Decimal('.20'))
    tax.save()
    Company = Model.get('company.company', config=config)
    company, = Company.find([])
    return company, accounts['revenue'], tax


def posted_invoice(party, revenue, tax, amount, config=None):
    "Proteus: a posted customer invoice of one line"
    from proteus import Model
    Invoice = Model.get('account.invoice', config=config)
    Tax = Model.get('account.tax', config=config)
    invoice = Invoice(type='out', party=party)
    line = invoice.lines.new()
    line.account = revenue
    line.description = "Honoraires"
    line.quantity = 1
    line.unit_price = amount
    line.taxes.append(Tax(tax.id))
    invoice.click('post')
    return invoice


def at_once(count, func, stagger=0):
    """Call func() in count threads started together (stagger seconds
    apart), as workers or users at the same time: (results, exceptions)"""
    results, errors = [], []

    def call():
        try:
            results.append(func())
        except Exception as exception:  # the caller asserts them
            errors.append(exception)
    threads = [threading.Thread(target=call) for _ in range(count)]
    for thread in threads:
        thread.start()
        time.sleep(stagger)
    for thread in threads:
        thread.join(120)
    return results, errors
