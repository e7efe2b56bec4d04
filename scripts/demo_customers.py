"""The demo firm's customers: businesses (some on SEPA direct debit with
validated mandates) and public entities on Chorus Pro.
"""
from dateutil.relativedelta import relativedelta

from proteus import Model

import demo_fixtures as fx
from demo_identifiers import customer_siren, french_iban, siren_from
from demo_records import (
    TODAY, add_french_identifiers, create_country, create_currency,
    create_party, get_or_new)


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
            customer_siren(index), siret=has_siret)
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
