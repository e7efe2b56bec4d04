#!/usr/bin/env python3
"""Load the French demo data into the demo database (idempotent).

    .venv/bin/python scripts/demo_data.py -c demo/trytond.conf -d DATABASE

Why: a newcomer, a tester or the lead must see lot_facturation at work on
realistic French data: a company with its French chart of accounts, VAT,
fiscal years, customers and running service contracts (sale.subscription)
whose periods are due.  Every function gets or creates its records by a
natural key (code, name, reference), so running it again (``make demo``
twice) changes nothing and duplicates nothing, and a run that failed half
way is completed by the next one.  Batches and pending charges are for
``create_lot_facturation_data`` (demo_batches.py).
"""
import argparse
import datetime as dt
import os
import sys
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from stdnum import iban, luhn
from stdnum.eu import at_02

from proteus import Model, Wizard
from proteus import config as pconfig

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo_fixtures as fx  # noqa: E402

TODAY = dt.date.today()
COMPTABLE_PASSWORD = 'comptable-demo'
FRENCH_DATE = '%d/%m/%Y'


# --- identifiers (valid check digits, computed) ----------------------------

def siren_from(base8):
    return base8 + luhn.calc_check_digit(base8)


def siret_from(siren, nic='0001'):
    number = siren + nic
    return number + luhn.calc_check_digit(number)


def vat_from(siren):
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f'FR{key:02d}{siren}'


def french_iban(bank_code, branch, account):
    "IBAN from a French RIB (bank, branch, 11-digit account, RIB key)."
    key = 97 - ((89 * int(bank_code) + 15 * int(branch) + 3 * int(account))
        % 97)
    bban = f'{bank_code}{branch}{account}{key:02d}'
    return 'FR' + iban.calc_check_digits('FR00' + bban) + bban


def sepa_creditor_id(national_id):
    return 'FR' + at_02.calc_check_digits(f'FR00ZZZ{national_id}') + (
        'ZZZ' + national_id)


# --- small helpers ----------------------------------------------------------

def model_id(config, xml_id):
    ModelData = Model.get('ir.model.data')
    module, fs_id = xml_id.split('.')
    return ModelData.get_id(module, fs_id, config.context)


def get_or_new(model_name, domain, **values):
    "Return (record, created): the first record matching or a new one."
    Model_ = Model.get(model_name)
    records = Model_.find(domain, limit=1)
    if records:
        return records[0], False
    return Model_(**values), True


def refresh_context(config):
    User = Model.get('res.user')
    config._context = User.get_preferences(True, {})


# --- one function per concept ------------------------------------------------

def set_french(config):
    "French for the admin (the database itself is created in French)."
    Lang = Model.get('ir.lang')
    User = Model.get('res.user')
    fr, = Lang.find([('code', '=', 'fr')])
    if not fr.translatable:
        Lang.click([fr], 'load_translations')
    if fr.date != FRENCH_DATE:
        # Tryton ships 01.12.2026; a French accountant writes 01/12/2026
        fr.date = FRENCH_DATE
        fr.save()
    admin, = User.find([('login', '=', 'admin')])
    if admin.language != fr:
        admin.language = fr
        admin.save()
    refresh_context(config)
    return fr


def create_currency():
    currency, created = get_or_new('currency.currency',
        [('code', '=', 'EUR')],
        name="Euro", code='EUR', symbol='€', rounding=Decimal('0.01'))
    if created:
        currency.numeric_code = '978'
        currency.save()
    return currency


def create_country():
    country, created = get_or_new('country.country', [('code', '=', 'FR')],
        name="France", code='FR', code3='FRA', code_numeric='250')
    if created:
        country.save()
    return country


def create_party(name, code, street, postal_code, city, country, email=None,
        phone=None, website=None):
    party, created = get_or_new('party.party', [('code', '=', code)],
        name=name, code=code)
    if created:
        party.lang = Model.get('ir.lang').find([('code', '=', 'fr')])[0]
        address, = party.addresses
        address.street = street
        address.postal_code = postal_code
        address.city = city
        address.country = country
        for type_, value in [
                ('email', email), ('phone', phone), ('website', website)]:
            if value:
                party.contact_mechanisms.new(type=type_, value=value)
        party.save()
    return party


def add_french_identifiers(party, siren, siret=True, vat=True):
    "SIREN on the party, SIRET on its first address, intra-EU VAT number."
    types = {i.type for i in party.identifiers}
    if 'fr_siren' not in types:
        party.identifiers.new(type='fr_siren', code=siren)
    if vat and 'eu_vat' not in types:
        party.identifiers.new(type='eu_vat', code=vat_from(siren))
    if siret and 'fr_siret' not in types:
        party.identifiers.new(type='fr_siret', code=siret_from(siren),
            address=party.addresses[0])
    party.save()


def create_company(config, currency, country):
    Company = Model.get('company.company')
    data = fx.COMPANY
    party = create_party(data['name'], 'ARTIS', data['street'],
        data['postal_code'], data['city'], country, email=data['email'],
        phone=data['phone'], website=data['website'])
    add_french_identifiers(party, siren_from(data['siren_base']))
    if 'eu_at_02' not in {i.type for i in party.identifiers}:
        party.identifiers.new(type='eu_at_02',
            code=sepa_creditor_id(data['sepa_national_id']))
        party.save()

    companies = Company.find([('party', '=', party.id)])
    if companies:
        company, = companies
    else:
        wizard = Wizard('company.company.config')
        wizard.execute('company')
        wizard.form.party = party
        wizard.form.currency = currency
        wizard.form.timezone = 'Europe/Paris'
        wizard.form.footer = (
            "Artis Services SAS au capital de 50 000 € - "
            "SIREN ${siren} - RCS Lyon")
        wizard.execute('add')
        company, = Company.find([('party', '=', party.id)])
    refresh_context(config)
    return company


def attach_company_to_crons(company):
    """Crons created before the company have none and silently do nothing:
    register the company on every cron (again after module updates)."""
    Cron = Model.get('ir.cron')
    crons = [c for c in Cron.find([('active', 'in', [True, False])])
        if company not in c.companies]
    for cron in crons:
        cron.companies.append(Model.get('company.company')(company.id))
    if crons:
        Cron.save(crons)


def create_chart(config, company):
    "French chart of accounts (account_fr) through the create_chart wizard."
    Account = Model.get('account.account')
    AccountTemplate = Model.get('account.account.template')
    if Account.find([('company', '=', company.id)], limit=1):
        return
    wizard = Wizard('account.create_chart')
    wizard.execute('account')
    wizard.form.account_template = AccountTemplate(
        model_id(config, 'account_fr.root'))
    wizard.form.company = company
    wizard.execute('create_account')
    wizard.form.account_receivable, = Account.find([
            ('company', '=', company.id), ('code', '=', '4111')])
    wizard.form.account_payable, = Account.find([
            ('company', '=', company.id), ('code', '=', '4011')])
    wizard.execute('create_properties')


def account(company, code):
    Account = Model.get('account.account')
    record, = Account.find([('company', '=', company.id), ('code', '=', code)])
    return record


def tax(company, name):
    Tax = Model.get('account.tax')
    record, = Tax.find([('company', '=', company.id), ('name', '=', name)])
    return record


def create_fiscal_years(config, company):
    "Previous and current calendar years, monthly periods, own sequences."
    SequenceStrict = Model.get('ir.sequence.strict')
    move_type = model_id(config, 'account.sequence_type_account_move')
    invoice_type = model_id(
        config, 'account_invoice.sequence_type_account_invoice')
    years = []
    for year in (TODAY.year - 1, TODAY.year):
        fiscalyear, created = get_or_new('account.fiscalyear', [
                ('company', '=', company.id), ('name', '=', str(year))])
        if created:
            def sequence(name, type_id, prefix):
                seq = SequenceStrict(name=name, sequence_type=type_id,
                    company=company, prefix=prefix, padding=5)
                seq.save()
                return seq
            fiscalyear.name = str(year)
            fiscalyear.company = company
            fiscalyear.start_date = dt.date(year, 1, 1)
            fiscalyear.end_date = dt.date(year, 12, 31)
            fiscalyear.move_sequence = sequence(
                f"Écritures {year}", move_type, f"EC{year}-")
            invoices, = fiscalyear.invoice_sequences
            invoices.out_invoice_sequence = sequence(
                f"Factures clients {year}", invoice_type, f"FA{year}-")
            invoices.out_credit_note_sequence = sequence(
                f"Avoirs clients {year}", invoice_type, f"AV{year}-")
            invoices.in_invoice_sequence = sequence(
                f"Factures fournisseurs {year}", invoice_type, f"FF{year}-")
            invoices.in_credit_note_sequence = sequence(
                f"Avoirs fournisseurs {year}", invoice_type, f"AF{year}-")
            fiscalyear.save()
        if not fiscalyear.periods:
            fiscalyear.click('create_period')
        years.append(fiscalyear)
    return years


def create_payment_terms(config):
    """Tryton's own terms (30 jours nets, à la réception, 30 jours fin de
    mois) plus "Prélèvement SEPA à 30 jours" for direct debit, and two terms
    paid by bill of exchange (LCR, billet à ordre) for the traites."""
    PaymentTerm = Model.get('account.invoice.payment_term')
    terms = {
        key: PaymentTerm(model_id(config, f'account_invoice.{xml_id}'))
        for key, xml_id in [
            ('net30', 'payment_term_net30'),
            ('receipt', 'payment_term_0'),
            ('eom30', 'payment_term_30_eom'),
            ]}
    name = "Prélèvement SEPA à 30 jours"
    term, created = get_or_new('account.invoice.payment_term',
        [('name', '=', name)], name=name)
    if created:
        line = term.lines.new(type='remainder')
        delta, = line.relativedeltas
        delta.days = 30
    if 'direct_debit' in PaymentTerm._fields and not term.direct_debit:
        term.direct_debit = True  # field added by lot_facturation
    if created or term._changed:
        term.save()
    terms['sdd30'] = term
    for key, name, days, bill in [
            ('lcr45', "LCR à 45 jours", 45, 'lcr'),
            ('note60', "Billet à ordre à 60 jours", 60, 'promissory_note')]:
        term, created = get_or_new('account.invoice.payment_term',
            [('name', '=', name)], name=name, bill_of_exchange=bill)
        if created:
            line = term.lines.new(type='remainder')
            delta, = line.relativedeltas
            delta.days = days
            term.save()
        terms[key] = term
    return terms


def create_exempt_tax(company):
    "The 0 % exempt tax of training, with its legal notice and VATEX code"
    Tax = Model.get('account.tax')
    name, notice, vatex = fx.EXEMPT_TAX
    if Tax.find([('company', '=', company.id), ('name', '=', name)]):
        return
    normal = tax(company, "T.V.A. Vente de services 20%")
    exempt = Tax(name=name, description=name, type='percentage',
        rate=Decimal(0), company=company, legal_notice=notice,
        invoice_account=normal.invoice_account,
        credit_note_account=normal.credit_note_account)
    exempt.unece_code = 'VAT'
    exempt.unece_category_code = 'E'
    exempt.vatex_code = vatex
    exempt.save()


def create_categories(company):
    create_exempt_tax(company)
    categories = {}
    for name, revenue, tax_name in fx.CATEGORIES:
        category, created = get_or_new('product.category',
            [('name', '=', name)], name=name, accounting=True)
        if created:
            category.account_revenue = account(company, revenue)
            category.customer_taxes.append(tax(company, tax_name))
            category.save()
        categories[name] = category
    return categories


def create_recurrences():
    "Recurrence rule sets of invoicing and consumption (sale_subscription)."
    rule_sets = {}
    for key, (name, freq, interval, bymonthday) in fx.RECURRENCES.items():
        rule_set, created = get_or_new(
            'sale.subscription.recurrence.rule.set', [('name', '=', name)],
            name=name)
        if created:
            rule, = rule_set.rules
            rule.freq = freq
            rule.interval = interval
            rule.bymonthday = bymonthday
            rule_set.save()
        rule_sets[key] = rule_set
    return rule_sets


def create_services(config, categories, rule_sets):
    "Service products and their subscription services."
    Template = Model.get('product.template')
    Uom = Model.get('product.uom')
    recurrence_of = {
        'monthly': rule_sets['monthly_start'],
        'yearly': rule_sets['yearly']}
    services = {}
    for code, name, category, uom, price, consumption in fx.SERVICES:
        templates = Template.find([('code', '=', code)], limit=1)
        if templates:
            template, = templates
        else:
            unit = Uom(model_id(config, f'product.{uom}'))
            template = Template(name=name, code=code, type='service',
                default_uom=unit, list_price=price,
                account_category=categories[category])
            template.salable = True
            template.sale_uom = unit
            template.save()
        product, = template.products
        service, created = get_or_new('sale.subscription.service',
            [('product', '=', product.id)], product=product)
        if created:
            service.consumption_recurrence = recurrence_of[consumption]
            service.save()
        services[code] = service
    return services


def create_customers(country, terms):
    "French customers with addresses, e-mails, codes, some with SIRET."
    customers = {}
    for index, (code, name, street, postal_code, city, domain,
            has_siret) in enumerate(fx.CUSTOMERS):
        party = create_party(name, code, street, postal_code, city, country,
            email=f'comptabilite@{domain}.example',
            phone=f'+33 {1 + index % 5} {40 + index:02d} {10 + index:02d} '
            f'{20 + index:02d} {30 + index:02d}')
        add_french_identifiers(party,
            siren_from(f'{40123456 + index * 7919:08d}'), siret=has_siret)
        if code in fx.SDD_WITH_MANDATE or code in fx.SDD_WITHOUT_MANDATE:
            term = terms['sdd30']
        elif code in fx.ON_RECEIPT:
            term = terms['receipt']
        elif index % 7 == 3:
            term = terms['eom30']
        elif index % 11 == 5:
            term = terms['lcr45']  # bills of exchange (traites), seed 003
        elif index % 13 == 8:
            term = terms['note60']
        else:
            term = terms['net30']
        if party.customer_payment_term != term:
            party.customer_payment_term = term
            party.save()
        customers[code] = party
    return customers


def create_public_customers(country, terms):
    "Public entities on Chorus Pro: SIREN, SIRET, service, engagement."
    customers = {}
    for (code, name, street, postal_code, city, domain, siren_base,
            service, engagement) in fx.PUBLIC_CUSTOMERS:
        party = create_party(name, code, street, postal_code, city, country,
            email=f'factures@{domain}.example')
        add_french_identifiers(party, siren_from(siren_base), vat=False)
        if party.customer_kind != 'public':
            party.customer_kind = 'public'
            party.invoice_send_channel = 'chorus'
            party.chorus_service_code = service
            party.chorus_engagement = engagement
            party.chorus_service_required = True
            party.customer_payment_term = terms['net30']
            party.save()
        customers[code] = party
    return customers


def create_bank_account(owner, bank_data, account_number):
    "Bank, bank account and IBAN of the owner (get or create)."
    BankAccount = Model.get('bank.account')
    bank_name, bic, bank_code = bank_data
    number = french_iban(bank_code, '00550', account_number)
    accounts = BankAccount.find([('numbers.number_compact', '=', number)])
    if accounts:
        return accounts[0].numbers[0]
    bank_party = create_party(bank_name, f'BANQUE-{bic[:4]}', "", "", "",
        create_country())
    bank, created = get_or_new('bank', [('bic', '=', bic)],
        party=bank_party, bic=bic)
    if created:
        bank.save()
    bank_account = BankAccount(bank=bank, currency=create_currency())
    bank_account.owners.append(Model.get('party.party')(owner.id))
    bank_account.numbers.new(type='iban', number=number)
    bank_account.save()
    return bank_account.numbers[0]


def create_sepa(company, customers):
    "Company account, SEPA payment journal and validated customer mandates."
    company_number = create_bank_account(
        company.party, fx.COMPANY['bank'], '00012345678')
    journal, created = get_or_new('account.payment.journal',
        [('name', '=', "Prélèvements SEPA")], name="Prélèvements SEPA")
    if created:
        journal.process_method = 'sepa'
        journal.currency = company.currency
        journal.sepa_bank_account_number = company_number
        journal.sepa_payable_flavor = 'pain.001.001.03'
        journal.sepa_receivable_flavor = 'pain.008.001.02'
        journal.save()
    Mandate = Model.get('account.payment.sepa.mandate')
    for index, code in enumerate(fx.SDD_WITH_MANDATE):
        party = customers[code]
        number = create_bank_account(party,
            fx.CUSTOMER_BANKS[index % len(fx.CUSTOMER_BANKS)],
            f'{98765432100 + index * 1013:011d}')
        identification = f'RUM-ARTIS-{index + 1:04d}'
        mandate, created = get_or_new('account.payment.sepa.mandate',
            [('identification', '=', identification)],
            party=party, identification=identification)
        if created:
            mandate.account_number = number
            mandate.type = 'recurrent'
            mandate.scheme = 'CORE'
            mandate.save()
        if mandate.state == 'draft':
            mandate.click('request')
        if mandate.state == 'requested':
            mandate.signature_date = TODAY - relativedelta(months=6 + index)
            mandate.save()
            Mandate.click([mandate], 'validate_mandate')


def create_contract_types():
    "Contract types, when lot_facturation defines them (batch criteria)."
    if 'contract_type' not in Model.get('sale.subscription')._fields:
        return {}
    types = {}
    for code, name in fx.CONTRACT_TYPES.items():
        type_, created = get_or_new('sale.subscription.type',
            [('code', '=', code)], code=code, name=name)
        if created:
            type_.save()
        types[code] = type_
    return types


def contract_start(index, kind):
    "Start dates spread over the last months so that periods are due now."
    first_of_month = TODAY.replace(day=1)
    if kind == 'yearly_advance':
        months = 10 + index % 4   # anniversaries around now
    else:
        months = (index * 5) % 7  # 0 to 6 months ago
    return first_of_month - relativedelta(months=months)


def create_subscriptions(company, customers, services, rule_sets, types,
        public=None):
    "Running service contracts: monthly, quarterly, yearly; advance/arrears."
    Subscription = Model.get('sale.subscription')
    fields = Subscription._fields
    codes = list(customers)
    to_quote = []
    for index in range(fx.NUMBER_OF_CONTRACTS):
        reference = f'DEMO-{index + 1:03d}'
        if Subscription.find([('reference', '=', reference)], limit=1):
            continue
        kind, lines, description, type_code = fx.CONTRACTS[
            index % len(fx.CONTRACTS)]
        label, invoice_rec, consumption_rec, from_start = fx.KINDS[kind]
        party = customers[codes[index % len(codes)]]
        start = contract_start(index, kind)
        subscription = Subscription(party=party, reference=reference)
        subscription.description = f"{description} ({label})"
        subscription.start_date = start
        if from_start:
            subscription.invoice_start_date = start
        if index % 9 == 4:  # fixed-term contracts
            subscription.end_date = start + relativedelta(years=2, days=-1)
        subscription.invoice_recurrence = rule_sets[invoice_rec]
        if 'contract_type' in fields and types:
            subscription.contract_type = types[type_code]
        if reference in fx.EXEMPT_CONTRACTS:
            lines = [("FORM", 1)]
        for code, quantity in lines:
            line = subscription.lines.new()
            line.service = services[code]
            line.quantity = quantity
            line.consumption_recurrence = rule_sets[consumption_rec]
        subscription.save()
        to_quote.append(subscription)
    to_quote += create_public_subscriptions(
        public or {}, services, rule_sets)
    if to_quote:
        Subscription.click(to_quote, 'quote')
        Subscription.click(to_quote, 'run')
    return Subscription.find([('reference', 'like', 'DEMO-%')])


def create_public_subscriptions(customers, services, rule_sets):
    "The monthly contracts of the public entities (not yet saved ones)"
    Subscription = Model.get('sale.subscription')
    created = []
    for reference, code, lines, description in fx.PUBLIC_CONTRACTS:
        if Subscription.find([('reference', '=', reference)], limit=1):
            continue
        subscription = Subscription(party=customers[code],
            reference=reference, description=description)
        subscription.start_date = contract_start(0, 'monthly_advance')
        subscription.invoice_start_date = subscription.start_date
        subscription.invoice_recurrence = rule_sets['monthly_start']
        for service_code, quantity in lines:
            line = subscription.lines.new()
            line.service = services[service_code]
            line.quantity = quantity
            line.consumption_recurrence = rule_sets['monthly_start']
        subscription.save()
        created.append(subscription)
    return created


def create_accountant(config, company):
    "User `comptable`: batch invoicing and accounting groups, French."
    Group = Model.get('res.group')
    Employee = Model.get('company.employee')
    user, created = get_or_new('res.user', [('login', '=', 'comptable')],
        login='comptable', name="Claire Fontaine (comptable)")
    if not created:
        return user
    party = create_party("Claire Fontaine", 'EMP-0001',
        fx.COMPANY['street'], fx.COMPANY['postal_code'], fx.COMPANY['city'],
        create_country())
    employee = Employee(party=party, company=company)
    employee.save()
    for xml_id in [
            'lot_facturation.group_lot_facturation',
            'account.group_account',
            'account_payment.group_payment',
            'sale.group_sale',
            ]:
        user.groups.append(Group(model_id(config, xml_id)))
    user.password = COMPTABLE_PASSWORD
    user.email = 'claire.fontaine@artis-services.example'
    user.language, = Model.get('ir.lang').find([('code', '=', 'fr')])
    user.companies.append(Model.get('company.company')(company.id))
    user.company = company
    user.employees.append(employee)
    user.employee = employee
    user.save()
    return user


def create_lot_facturation_data(config, company):
    """Batch invoicing demo data: pending charges and two batches.

    Called last, with the company and every contract in place; idempotent
    like the rest (see demo_batches.py)."""
    import demo_batches
    demo_batches.create_lot_facturation_data(config, company, TODAY)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('-c', '--config', required=True)
    parser.add_argument('-d', '--database', required=True)
    args = parser.parse_args(argv)

    config = pconfig.set_trytond(args.database, config_file=args.config)
    set_french(config)
    currency = create_currency()
    country = create_country()
    company = create_company(config, currency, country)
    attach_company_to_crons(company)
    create_chart(config, company)
    create_fiscal_years(config, company)
    terms = create_payment_terms(config)
    categories = create_categories(company)
    rule_sets = create_recurrences()
    services = create_services(config, categories, rule_sets)
    customers = create_customers(country, terms)
    create_sepa(company, customers)
    public = create_public_customers(country, terms)
    types = create_contract_types()
    subscriptions = create_subscriptions(
        company, customers, services, rule_sets, types, public)
    create_accountant(config, company)
    create_lot_facturation_data(config, company)
    print(f"Demo data: company {company.rec_name}, "
        f"{len(customers) + len(public)} customers, {len(subscriptions)} "
        "running contracts.")


if __name__ == '__main__':
    main()
