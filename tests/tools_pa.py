"""A company sending through the local PA simulator (SPEC P1-P4): French
business customers whose invoices pass the validation gate."""
from decimal import Decimal

from trytond.modules.company.tests import set_company
from trytond.pool import Pool

from tools_chorus import tax
from tools_einvoice_shapes import FRENCH_SIREN, add_company_iban, invoice
from tools_send import create_customer, setup_company

SECOND_SIREN = '542051180'
DEFAULT = (("Boulangerie Martin SARL", FRENCH_SIREN),)


def configure_pa(company, sim, mode='test'):
    "The company's PA is the simulator"
    Configuration = Pool().get('account.configuration')
    config = Configuration(1)
    with set_company(company):
        for name, value in [('pa_url', sim.url),
                ('pa_client_id', sim.client_id),
                ('pa_client_secret', sim.client_secret), ('pa_mode', mode)]:
            config.set_multivalue(name, value, company=company.id)


def business_customer(name, siren=FRENCH_SIREN):
    "A French business created without channel (the company's default)"
    party = create_customer(name, email='factures@%s.example' % (
            name.split()[0].lower()), lang='fr', siren=siren, channel=None)
    return party


def pa_invoices(sim, customers=DEFAULT, count=1, amount='450.00'):
    """Company with the simulator as PA, ready invoices of French
    businesses: return (company id, invoice ids)"""
    Invoice = Pool().get('account.invoice')
    env = setup_company()
    configure_pa(env.company, sim)
    records = []
    with set_company(env.company):
        add_company_iban(env)
        parties = [business_customer(*c) for c in customers]
        for _ in range(count):
            for party in parties:
                records.append(invoice(env, party, [{
                                'description': "Tenue comptable",
                                'quantity': 1, 'unit_price': Decimal(amount),
                                'taxes': [tax(env, '0.20').id]}]))
        Invoice.prepare_send(records)
    return env.company.id, [i.id for i in records]
