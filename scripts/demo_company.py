"""The demo firm: French language, company, chart (account_fr), fiscal
years with their sequences, the accountant user.
"""
import datetime as dt

from proteus import Model, Wizard

import demo_fixtures as fx
from demo_identifiers import sepa_creditor_id, siren_from
from demo_records import (
    TODAY, add_french_identifiers, create_country, create_party, get_or_new,
    model_id, refresh_context)

COMPTABLE_PASSWORD = 'comptable-demo'
FRENCH_DATE = '%d/%m/%Y'


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
