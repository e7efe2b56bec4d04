"""Sending customer invoices through a Plateforme Agréée (SPEC P1, P3, P4).

The local PA simulator (tests/pa_simulator.py) runs on 127.0.0.1; the send
commits on its own, so every test runs in a committed database."""
import json

import pytest
from pa_simulator import PASimulator

from trytond.modules.lot_facturation.billing import send_rules
from trytond.pool import Pool

from tools_einvoice_shapes import FRENCH_SIREN
from tools_pa import SECOND_SIREN, pa_invoices
from tools_send import committed_database, run


@pytest.fixture
def sim():
    with PASimulator(seller_siren='552100554') as simulator:
        simulator.add_directory_line(FRENCH_SIREN)
        yield simulator


def send(ids):
    Invoice = Pool().get('account.invoice')
    return Invoice.send(Invoice.browse(ids))


def read(ids):
    Invoice = Pool().get('account.invoice')
    return [{
            'number': i.number, 'send_state': i.send_state,
            'channel': i.party.invoice_send_channel,
            'send_channel': i.send_channel,
            'dematerialized': bool(i.dematerialized),
            'exchanges': [{
                    'channel': e.channel, 'status': e.status,
                    'message': e.message, 'flow': e.pa_flow_id,
                    'key': e.pa_key, 'address': e.pa_directory_address,
                    'line': json.loads(e.pa_directory or 'null'),
                    } for e in sorted(i.exchanges, key=lambda e: e.id)],
            } for i in Invoice.browse(ids)]


def test_p1_default_channel_rules():
    assert send_rules.default_channel('business', True) == 'pa'
    assert send_rules.default_channel('business', False) == 'email'
    assert send_rules.default_channel('public', True) == 'chorus'
    assert send_rules.default_channel('consumer', True) == 'email'
    assert send_rules.pa_processing_rule('business') == 'B2B'
    assert send_rules.pa_processing_rule('foreign') == 'B2BInt'


def test_p3_send_through_pa_once(sim):
    with committed_database():
        company, ids = run(pa_invoices, sim)
        outcomes = run(send, ids, context={'company': company})
        assert [o.status for o in outcomes] == ['sent']
        invoice, = run(read, ids)
        assert invoice['channel'] == 'pa'  # French business, PA configured
        assert invoice['send_state'] == 'sent'
        assert invoice['send_channel'] == 'pa'
        assert invoice['dematerialized'] is True
        exchange, = invoice['exchanges']
        deposit, = [flow.meta for flow in sim.deposited()]
        assert exchange['status'] == 'sent'
        assert exchange['flow'] == deposit['flowId']
        assert exchange['key'].startswith(invoice['number'])
        assert exchange['address'] == FRENCH_SIREN
        assert exchange['line']['siren'] == FRENCH_SIREN
        assert deposit['name'].startswith(exchange['key'] + '__')
        assert deposit['flowId'] in exchange['message']
        # Sending again sends nothing: the invoice is sent
        assert run(send, ids, context={'company': company}) == []
        assert sim.deposits == 1
