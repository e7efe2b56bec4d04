"""Invoices of every shape issue 10 lists, posted through Tryton (F1).

Each builder takes the test world of ``tools_send.setup_company`` and
returns a posted customer invoice; ``render_cii()`` then gives the CII the
module produces for it, unchecked, and ``check_structured`` what the gate
says.  ``complete=True`` fills the data the rules need (the company's IBAN,
the customers' kind and SIREN, the SIRET, service code and engagement of a
public entity, the legal notices and VATEX codes of the exempt taxes): the
test data alone shows what the gate blocks.
"""
from decimal import Decimal

from trytond.modules.company.tests import set_company
from trytond.pool import Pool

from tools_chorus import add_company_iban, tax
from tools_send import create_customer, credit_note as credit_note_of

FRENCH_SIREN = '732829320'
PUBLIC_SIREN = '217500016'  # a town hall: SIREN + NIC = SIRET
PUBLIC_SIRET = '21750001600019'
EXEMPT_NOTICE = "Exonération de TVA, article 261-4-4° du CGI"
REVERSE_NOTICE = "Autoliquidation – article 283-2 du CGI"
EXPORT_NOTICE = "TVA non applicable – article 259-1 du CGI"


def special_tax(env, name, category, notice, complete, vatex=None):
    "A 0 % tax of UNECE category (E, AE, G...) with its legal notice"
    Tax = Pool().get('account.tax')
    record = Tax(name=name, description=name, type='percentage',
        rate=Decimal(0), company=env.company, unece_code='VAT',
        unece_category_code=category,
        legal_notice=notice if complete else None,
        vatex_code=vatex if complete else None,
        invoice_account=env.tax.invoice_account,
        credit_note_account=env.tax.credit_note_account)
    record.save()
    return record


def second_revenue(env):
    "Another revenue account (disbursements) than env.revenue"
    Account = Pool().get('account.account')
    accounts = Account.search([
            ('type.revenue', '=', True), ('closed', '!=', True),
            ('company', '=', env.company.id), ('id', '!=', env.revenue.id),
            ], limit=1)
    if accounts:
        return accounts[0]
    account, = Account.copy([env.revenue], default={
            'name': "Débours refacturés", 'code': '708'})
    return account


def customer(env, name, complete, siren=FRENCH_SIREN, street=None,
        country=None, vat=None, kind='business'):
    "A customer of kind; its SIREN only when complete"
    party = create_customer(name, email='factures@%s.example' % (
            name.split()[0].lower()), lang='fr',
        siren=siren if complete else None)
    party.customer_kind = kind
    party.on_change_customer_kind()  # a public entity: Chorus Pro
    party.save()
    if street or country:
        address = party.addresses[0]
        address.street = street or address.street
        address.country = country
        address.save()
    if vat:
        Identifier = Pool().get('party.identifier')
        Identifier(party=party, type='eu_vat', code=vat).save()
    return party


def country(code, name):
    Country = Pool().get('country.country')
    found = Country.search([('code', '=', code)])
    if found:
        return found[0]
    record = Country(name=name, code=code)
    record.save()
    return record


def invoice(env, party, lines, reference=None, post=True):
    "A posted customer invoice of lines (description, qty, price, tax...)"
    Invoice = Pool().get('account.invoice')
    record = Invoice(type='out', company=env.company, party=party,
        chorus_service_code=party.chorus_service_code,
        chorus_engagement=party.chorus_engagement,
        invoice_address=party.addresses[0], currency=env.company.currency,
        journal=env.journal, account=party.account_receivable_used,
        payment_term=env.payment_term, invoice_date=env.today,
        reference=reference, description="Honoraires",
        lines=[dict({'type': 'line', 'account': env.revenue}, **line)
            for line in lines])
    record.save()
    Invoice.update_taxes([record])
    if post:
        Invoice.post([record])
    return record


def _line(description, quantity, price, taxes, **values):
    return dict(description=description, quantity=quantity,
        unit_price=Decimal(price), taxes=[t.id for t in taxes], **values)


# --- the shapes --------------------------------------------------------------

def vat_rates(env, complete):
    "VAT 20, 10, 5.5 and 2.1 % on one invoice"
    party = customer(env, "Boulangerie Martin SARL", complete)
    return invoice(env, party, [
            _line("Tenue comptable", 1, '450.00', [tax(env, '0.20')]),
            _line("Conseil", Decimal('2.5'), '120.00', [tax(env, '0.10')]),
            _line("Guide fiscal", 2, '19.99', [tax(env, '0.055')]),
            _line("Abonnement revue", 1, '30.00', [tax(env, '0.021')]),
            ])


def exempt(env, complete):
    "A VAT-exempt line (training) beside a 20 % line"
    party = customer(env, "Garage Durand", complete)
    exempt_tax = special_tax(env, "Exonéré formation", 'E', EXEMPT_NOTICE,
        complete, 'VATEX-FR-CGI261-4')
    return invoice(env, party, [
            _line("Tenue comptable", 1, '300.00', [tax(env, '0.20')]),
            _line("Formation professionnelle", 1, '500.00', [exempt_tax]),
            ])


def reverse_charge(env, complete):
    "Services to a business in another EU country (autoliquidation)"
    party = customer(env, "Brasserie Lambic SPRL", complete, siren=None,
        street="Rue Haute 12", country=country('BE', "Belgique"),
        vat='BE0477472701', kind='foreign')
    reverse = special_tax(env, "Autoliquidation UE", 'AE', REVERSE_NOTICE,
        complete, 'VATEX-EU-AE')
    return invoice(env, party, [
            _line("Conseil fiscal", 4, '150.00', [reverse])])


def discount(env, complete):
    "A discount line: negative unit price"
    party = customer(env, "Fleuriste Roux", complete)
    vat = tax(env, '0.20')
    return invoice(env, party, [
            _line("Tenue comptable", 1, '450.00', [vat]),
            _line("Remise fidélité", 1, '-45.00', [vat]),
            ])


def one_rate_two_taxes(env, complete):
    "Two lines at 20 % on different accounts and taxes (fees, disbursements)"
    Tax = Pool().get('account.tax')
    party = customer(env, "Pharmacie Blanc", complete)
    other, = Tax.copy([tax(env, '0.20')], default={
            'name': "TVA 20 % débours", 'description': "TVA 20 % débours"})
    return invoice(env, party, [
            _line("Honoraires", 1, '400.00', [tax(env, '0.20')]),
            _line("Débours", 1, '35.00', [other],
                account=second_revenue(env)),
            ])


def zero_amount(env, complete):
    "An invoice of 0 (a free service)"
    party = customer(env, "Association Sportive", complete)
    return invoice(env, party, [
            _line("Bilan offert", 1, '0.00', [tax(env, '0.20')])])


def credit_note(env, complete):
    "The credit note of a whole posted invoice"
    return credit_note_of(env, vat_rates(env, complete))


def deposit_account(env, complete):
    """The deposit account; complete: its default tax is the 20 % VAT, so
    that the recall line of the final invoice deducts the deposit's VAT"""
    Account = Pool().get('account.account')
    account, = Account.search([('type.deposit', '=', True),
            ('company', '=', env.company.id)], limit=1)
    if complete and not account.taxes:
        account.taxes = [tax(env, '0.20')]
        account.save()
    return account


def deposit(env, complete, party=None):
    "A deposit invoice (acompte): a line on the deposit account"
    party = party or customer(env, "Menuiserie Petit", complete)
    return invoice(env, party, [_line("Acompte mission bilan", 1, '300.00',
                [tax(env, '0.20')], account=deposit_account(env, complete))])


def deposit_final(env, complete):
    "The final invoice that deducts a deposit invoiced before"
    Invoice = Pool().get('account.invoice')
    party = customer(env, "Ébénisterie Lefort", complete)
    deposit(env, complete, party)
    final = invoice(env, party, [
            _line("Mission bilan 2026", 1, '1000.00', [tax(env, '0.20')])],
        post=False)
    final.call_deposit(deposit_account(env, complete), "Acompte déduit")
    final = Invoice(final.id)
    Invoice.update_taxes([final])
    Invoice.post([final])
    return Invoice(final.id)


def foreign_customer(env, complete):
    "Services to a company outside the EU (Switzerland)"
    party = customer(env, "Uhren Keller AG", complete, siren=None,
        street="Bahnhofstrasse 1", country=country('CH', "Suisse"),
        kind='foreign')
    export = special_tax(env, "Hors champ 259-1", 'G', EXPORT_NOTICE,
        complete, 'VATEX-EU-G')
    return invoice(env, party, [
            _line("Conseil", 3, '200.00', [export])])


def public_entity(env, complete):
    "A town hall through Chorus Pro: SIRET, service code, engagement"
    pool = Pool()
    Identifier = pool.get('party.identifier')
    party = customer(env, "Mairie de Villeurbanne", complete,
        siren=PUBLIC_SIREN, kind='public')
    party.chorus_service_required = party.chorus_engagement_required = True
    if complete:
        Identifier(party=party, type='fr_siret', code=PUBLIC_SIRET,
            address=party.addresses[0]).save()
        party.chorus_service_code = 'SERVICE-COMPTA'
        party.chorus_engagement = 'EJ-2026-000123'
    party.save()
    assert party.invoice_send_channel == 'chorus'
    return invoice(env, party, [
            _line("Tenue comptable", 1, '450.00', [tax(env, '0.20')])],
        reference="Marché 2026-14")


SHAPES = [
    ('vat_rates', vat_rates), ('exempt', exempt),
    ('reverse_charge', reverse_charge), ('discount', discount),
    ('one_rate_two_taxes', one_rate_two_taxes),
    ('zero_amount', zero_amount), ('credit_note', credit_note),
    ('deposit', deposit), ('deposit_final', deposit_final),
    ('foreign_customer', foreign_customer),
    ('public_entity', public_entity),
    ]


def shape_invoices(env, complete=False, names=None):
    "{shape name: posted invoice} of the shapes (all, or names)"
    result = {}
    with set_company(env.company):
        if complete:
            add_company_iban(env)
        for name, build in SHAPES:
            if names is None or name in names:
                result[name] = build(env, complete)
    return result


def shape_xmls(env, complete=False, names=None):
    "{shape name: CII XML bytes, unchecked} through Invoice.render_cii()"
    invoices = shape_invoices(env, complete, names)
    with set_company(env.company):
        return {n: i.render_cii() for n, i in invoices.items()}
