"""A multi-line, multi-VAT customer invoice for the Chorus and export tests
(SPEC C1-C4, E2): 20 % on fees, 10 % on a product line, 5.5 % on books."""
from decimal import Decimal

from trytond.modules.company.tests import set_company
from trytond.pool import Pool

from tools_send import add_company_iban, create_customer, setup_company

CUSTOMER_SIREN = '732829320'
CUSTOMER_SIRET = '73282932000009'
SERVICE_CODE = 'SERVICE-COMPTA'
LINES = [
    # description, quantity, unit price, VAT rate, product?
    ("Tenue comptable mars 2026", 1, Decimal('450.00'), '0.20', False),
    ("Déclarations de TVA", 3, Decimal('45.50'), '0.20', False),
    ("Mission de conseil", Decimal('2.5'), Decimal('120.00'), '0.10', True),
    ("Guide fiscal 2026", 2, Decimal('19.99'), '0.055', False),
    ]


def tax(env, rate):
    "The VAT at rate for the company of env, created once"
    Tax = Pool().get('account.tax')
    rate = Decimal(rate)
    if not hasattr(env, 'taxes'):
        env.taxes = {}
    if rate not in env.taxes:
        percent = format((rate * 100).normalize(), 'f').replace('.', ',')
        record = Tax(name="TVA %s %%" % percent,
            description="TVA %s %%" % percent, type='percentage', rate=rate,
            company=env.company, unece_code='VAT', unece_category_code='S',
            invoice_account=env.tax.invoice_account,
            credit_note_account=env.tax.credit_note_account)
        record.save()
        env.taxes[rate] = record
    return env.taxes[rate]


def product(env):
    pool = Pool()
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    ModelData = pool.get('ir.model.data')
    Category = pool.get('product.category')
    hour = Uom(ModelData.get_id('product', 'uom_hour'))
    category = Category(name="Conseil", accounting=True,
        account_revenue=env.revenue, customer_taxes=[tax(env, '0.10')])
    category.save()
    template = Template(name="Mission de conseil", type='service',
        default_uom=hour, list_price=Decimal('120.00'),
        account_category=category,
        products=[{'suffix_code': 'CONSEIL'}])
    template.save()
    return template.products[0]


def public_customer(name="Mairie de Villeurbanne", siren=CUSTOMER_SIREN,
        siret=CUSTOMER_SIRET, service_code=SERVICE_CODE):
    "A public entity on Chorus Pro: SIREN, SIRET of its address, service"
    Identifier = Pool().get('party.identifier')
    party = create_customer(name, email='factures@villeurbanne.example',
        channel='chorus', lang='fr', siren=siren or '', kind='public')
    party.chorus_service_code = service_code
    party.save()
    if siret:
        Identifier(party=party, type='fr_siret', code=siret,
            address=party.addresses[0]).save()
    return party


def multi_vat_invoices(customers=None, count=1, post=True):
    """Set up a company (with its IBAN); return (env, invoices): count
    invoices per customer (default: a public entity), each of the LINES"""
    env = setup_company()
    with set_company(env.company):
        add_company_iban(env)
        customers = customers or [public_customer()]
    return env, lines_invoices(env, customers, count, post)


def lines_invoices(env, customers, count=1, post=True):
    "count invoices of the LINES per customer, in the company of env"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    with set_company(env.company):
        if not hasattr(env, 'consulting'):
            env.consulting = product(env)
        invoices = []
        for _ in range(count):
            for party in customers:
                invoices.append(_invoice(env, party, env.consulting))
        Invoice.save(invoices)
        Invoice.update_taxes(invoices)
        if post:
            Invoice.post(invoices)
    return Invoice.browse([i.id for i in invoices])


def _invoice(env, party, consulting):
    Invoice = Pool().get('account.invoice')
    lines = []
    for description, quantity, price, rate, with_product in LINES:
        lines.append({
                'type': 'line', 'quantity': quantity, 'unit_price': price,
                'description': description, 'account': env.revenue,
                'product': consulting if with_product else None,
                'unit': consulting.default_uom if with_product else None,
                'taxes': [tax(env, rate)],
                })
    return Invoice(
        type='out', company=env.company, party=party,
        invoice_address=party.addresses[0], currency=env.company.currency,
        journal=env.journal, account=party.account_receivable_used,
        payment_term=env.payment_term, invoice_date=env.today,
        reference="Marché 2026-14", description="Honoraires", lines=lines,
        chorus_service_code=party.chorus_service_code,
        chorus_engagement=party.chorus_engagement)
