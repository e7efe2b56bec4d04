#!/usr/bin/env python3
"""Plateforme Agréée demo data: the local PA simulator as the company's PA.

    .venv/bin/python scripts/demo_pa.py --directory   (what run-demo passes
        the simulator: the demo customers in its directory)

Why: a newcomer must see an invoice go through a Plateforme Agréée and its
lifecycle statuses (200 Déposée, 202, 203, 205) arrive in the exchange log
("Suivi des échanges") after «Récupérer les statuts PA» or the cron,
without any real platform.  ``scripts/run-demo`` starts the simulator
(scripts/pa_simulator.py) on 127.0.0.1 and passes its URL in
``DEMO_PA_URL``; ``configure_and_send`` (called last by demo_batches.py)
sets it on the company (test mode), routes a few French businesses (in its
directory) through it and sends their invoices of last month's batch.
Idempotent: the URL follows the simulator's port, the invoices are sent
once.
"""
import os
import sys

from proteus import Model

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo_fixtures as fx  # noqa: E402
import demo_identifiers as identifiers  # noqa: E402
from demo_send import send_with_wizard  # noqa: E402

CLIENT_ID = 'lot-facturation'
CLIENT_SECRET = 'secret-de-demo'
# Customers of the monthly batches routed through the PA, in its directory
IN_DIRECTORY = ('C0005', 'C0006', 'C0007', 'C0008')


def customer_siren(code):
    "The SIREN the demo data give the customer of this code"
    return identifiers.customer_siren([c[0] for c in fx.CUSTOMERS].index(code))


def directory_argument():
    "SIREN:SIRET,... of the customers the simulator's directory holds"
    return ','.join('%s:%s' % (s, identifiers.siret_from(s))
        for s in map(customer_siren, IN_DIRECTORY))


def seller_siren():
    return identifiers.siren_from(fx.COMPANY['siren_base'])


def configure_pa(url):
    "The simulator is the company's PA, in test mode (administrator)"
    Configuration = Model.get('account.configuration')
    config = Configuration(1)
    values = {'pa_url': url, 'pa_client_id': CLIENT_ID,
        'pa_client_secret': CLIENT_SECRET, 'pa_mode': 'test'}
    if any(getattr(config, k) != v for k, v in values.items()):
        for name, value in values.items():
            setattr(config, name, value)
        config.save()


def route_customers():
    "The chosen French businesses send through the PA"
    Party = Model.get('party.party')
    parties = Party.find([('code', 'in', IN_DIRECTORY),
            ('invoice_send_channel', '!=', 'paper')])
    changed = [p for p in parties if p.invoice_send_channel != 'pa']
    for party in changed:
        party.invoice_send_channel = 'pa'
    if changed:
        Party.save(changed)
    return parties


def send_through_pa(config, skip_warnings, parties):
    "Their posted invoices, sent once through the wizard"
    Invoice = Model.get('account.invoice')
    if Invoice.find([('send_channel', '=', 'pa')], limit=1):
        return
    invoices = Invoice.find([('type', '=', 'out'), ('state', '=', 'posted'),
            ('party', 'in', [p.id for p in parties]),
            ('send_state', 'in', ['pending', 'ready'])])
    if not invoices:
        return
    send_with_wizard(config, skip_warnings, invoices)


def configure_and_send(config, skip_warnings):
    url = os.environ.get('DEMO_PA_URL')
    if not url:
        print("Demo PA: DEMO_PA_URL unset, no Plateforme Agréée configured.")
        return
    configure_pa(url)
    send_through_pa(config, skip_warnings, route_customers())


if __name__ == '__main__':
    if sys.argv[1:] == ['--directory']:
        print(directory_argument())
    elif sys.argv[1:] == ['--seller-siren']:
        print(seller_siren())
    else:
        sys.exit(__doc__)
