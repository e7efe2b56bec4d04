"""Invoices that exercise the invoice PDF layout (issue 14): a simple one,
a long multi-VAT one (titles, comments, subtotal, exempt line with its
legal notice, two due dates, a period invoiced, an IBAN) that needs a
second page, and its credit note."""
import datetime
from decimal import Decimal

from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.transaction import Transaction

from tools_chorus import product, tax
from tools_send import create_customer, create_invoices, credit_note

EXEMPT_NOTICE = "Exonération de TVA, article 261-4-4° a du CGI"
LONG_DESCRIPTION = (
    "Mission d'accompagnement à la clôture annuelle : revue des comptes "
    "de tiers, rapprochements bancaires, justification des comptes "
    "d'attente, préparation de la liasse fiscale et des annexes, "
    "entretien de restitution avec le dirigeant")


def exempt_tax(env):
    "A 0 % VAT carrying the legal notice the invoice must print"
    Tax = Pool().get('account.tax')
    record = Tax(name="Exonéré", description="Exonéré (formation)",
        type='percentage', rate=Decimal('0'), company=env.company,
        legal_notice=EXEMPT_NOTICE, unece_code='VAT',
        unece_category_code='E',
        invoice_account=env.tax.invoice_account,
        credit_note_account=env.tax.credit_note_account)
    record.save()
    return record


def two_due_dates_term():
    PaymentTerm = Pool().get('account.invoice.payment_term')
    term = PaymentTerm(name="50 % à 30 jours, solde à 60 jours", lines=[
            {'type': 'percent', 'ratio': Decimal('0.5'), 'divisor': Decimal('2'),
                'relativedeltas': [{'days': 30}]},
            {'type': 'remainder', 'relativedeltas': [{'days': 60}]}])
    term.save()
    return term


def company_iban(env):
    "The company's only IBAN, printed in the payment block"
    pool = Pool()
    Bank = pool.get('bank')
    Party = pool.get('party.party')
    Account = pool.get('bank.account')
    Account.delete(Account.search([('owners', '=', env.company.party.id)]))
    bank_party = Party(name="Crédit Agricole")
    bank_party.save()
    bank = Bank(party=bank_party, bic='AGRIFRPP')
    bank.save()
    Account(bank=bank, owners=[env.company.party], currency=env.currency,
        numbers=[{'type': 'iban',
                'number': 'FR76 3000 6000 0112 3456 7890 189'}]).save()


def english_product(env):
    """tools_chorus.product in English: it finds its unit by English name,
    and set_company puts the user's language (French here) in the context"""
    with Transaction().set_context(language='en'):
        return product(env)


def _lines(env, exempt, consulting):
    lines = [{'type': 'title', 'description': "Tenue et révision"}]
    for month in range(1, 13):
        lines.append({'type': 'line', 'quantity': 1,
                'unit_price': Decimal('450.00'), 'account': env.revenue,
                'description': "Tenue comptable %02d/2026" % month,
                'taxes': [tax(env, '0.20')]})
    lines += [
        {'type': 'line', 'quantity': 1, 'unit_price': Decimal('1850.00'),
            'account': env.revenue, 'description': LONG_DESCRIPTION,
            'taxes': [tax(env, '0.20')]},
        {'type': 'subtotal', 'description': "Sous-total tenue et révision"},
        {'type': 'title', 'description': "Conseil et formation"},
        {'type': 'line', 'quantity': Decimal('2.5'),
            'unit_price': Decimal('120.00'), 'account': env.revenue,
            'product': consulting, 'unit': consulting.default_uom,
            'description': "Mission de conseil", 'taxes': [tax(env, '0.10')]},
        {'type': 'comment',
            'description': "Mission réalisée sur site les 3 et 4 mars"},
        {'type': 'line', 'quantity': 2, 'unit_price': Decimal('19.99'),
            'account': env.revenue, 'description': "Guide fiscal 2026",
            'taxes': [tax(env, '0.055')]},
        {'type': 'line', 'quantity': 1, 'unit_price': Decimal('600.00'),
            'account': env.revenue, 'taxes': [exempt],
            'description': "Formation « Clôture et liasse » (1 jour)"},
        ]
    return lines


def long_invoice(env, party):
    "The long multi-VAT posted invoice, with a period on its first line"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    with set_company(env.company):
        env.currency = env.company.currency
        company_iban(env)
        invoice = Invoice(type='out', company=env.company, party=party,
            invoice_address=party.addresses[0], currency=env.currency,
            journal=env.journal, account=party.account_receivable_used,
            payment_term=two_due_dates_term(), invoice_date=env.today,
            reference="LETTRE-MISSION-2026", description="Honoraires 2026",
            comment="Merci de rappeler le numéro de facture sur votre "
            "virement.",
            lines=_lines(env, exempt_tax(env), english_product(env)))
        invoice.save()
        Invoice.update_taxes([invoice])
        Invoice.post([invoice])
        add_period(invoice.lines[1], datetime.date(2026, 1, 1),
            datetime.date(2026, 12, 31))
    return Invoice(invoice.id)


def add_period(line, start, end):
    "A pending charge invoiced by line: the PDF prints its period"
    pool = Pool()
    Charge = pool.get('account.invoice.pending_charge')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    ModelData = pool.get('ir.model.data')
    unit = Uom(ModelData.get_id('product', 'uom_unit'))
    template = Template(name="Tenue comptable", type='service',
        default_uom=unit, products=[{}])
    template.save()
    invoice = line.invoice
    Charge(company=invoice.company, party=invoice.party, kind='charge',
        date=invoice.invoice_date, product=template.products[0],
        quantity=1, unit=unit, unit_price=line.unit_price,
        currency=invoice.currency, period_start=start, period_end=end,
        invoice_line=line).save()


def sample_invoices(env):
    """Return {name: invoice}: simple, long (two pages), credit note, for
    business customers with a SIREN"""
    with set_company(env.company):
        simple_party = create_customer("Boulangerie Martin", lang='fr',
            email='compta@martin.example', siren='732829320')
        long_party = create_customer("Menuiserie Lefèvre et Fils SARL",
            lang='fr', siren='552081317')
    simple, = create_invoices(env, [simple_party])
    long = long_invoice(env, long_party)
    return {'simple': simple, 'long': long,
        'credit-note': credit_note(env, long)}
