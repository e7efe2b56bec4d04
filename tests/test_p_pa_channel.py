"""Sending customer invoices through a Plateforme Agréée (SPEC P1, P3, P4).

The local PA simulator (scripts/pa_simulator.py) runs on 127.0.0.1; the send
commits on its own, so every test runs in a committed database."""
import json

import pytest
from pa_simulator import PASimulator

from trytond.modules.lot_facturation.billing import send_rules
from trytond.modules.lot_facturation.formats import facturx
from trytond.modules.lot_facturation.exceptions import SendError
from trytond.pool import Pool

from test_chorus_signature import configure_certificate
from tools_certificate import make_certificate, signature_status
from tools_einvoice_shapes import FRENCH_SIREN
from tools_pa import DEFAULT, SECOND_SIREN, pa_invoices
from tools_send import committed_database, process_wizard, run


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
            'number': i.number, 'send_state': i.send_state, 'state': i.state,
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
        # Sent through the PA: locked, corrected by a credit note only
        with pytest.raises(SendError) as error:
            run(cancel, ids, context={'company': company})
        assert "avoir" in str(error.value)
        assert run(read, ids)[0]['state'] == 'posted'


def sign_with(company, p12):
    configure_certificate(Pool().get('company.company')(company), p12)


def archived(ids):
    Attachment = Pool().get('ir.attachment')
    return [(a.name, a.data) for a in Attachment.search([
                ('resource', 'in', ['account.invoice,%d' % i for i in ids]),
                ])]


def test_c2_pa_invoice_deposited_and_archived_as_signed_facturx(sim):
    "The Factur-X the PA receives is the archived PDF, signed (C2)"
    p12, root = make_certificate()
    with committed_database():
        company, ids = run(pa_invoices, sim)
        run(sign_with, company, p12)
        outcomes = run(send, ids, context={'company': company})
        assert [o.status for o in outcomes] == ['sent']
        flow, = sim.deposited()
        assert signature_status(flow.content, root).bottom_line
        filename, xml = facturx.extract(flow.content)
        assert filename == 'factur-x.xml'
        number = run(read, ids)[0]['number']
        assert ('<ram:ID>%s</ram:ID>' % number).encode() in xml
        (name, data), = run(archived, ids)
        assert name.startswith('facturx-')
        assert data == flow.content


def cancel(ids):
    Invoice = Pool().get('account.invoice')
    Invoice.cancel(Invoice.browse(ids))


def exchange_of(invoice):
    exchange, = invoice['exchanges']  # one exchange per invoice and PA
    return exchange


def test_p3_pa_failure_stays_ready_and_rerun_sends_the_rest_once(sim):
    with committed_database():
        company, ids = run(pa_invoices, sim, DEFAULT, 3)
        context = {'company': company}
        sim.fail_next(500)  # the first deposit fails
        outcomes = run(send, ids, context=context)
        assert [o.status for o in outcomes] == ['error', 'sent', 'sent']
        first = run(read, ids)[0]
        assert first['send_state'] == 'ready'
        assert 'HTTP 500' in exchange_of(first)['message']
        assert 'reste prête' in exchange_of(first)['message']
        sim.go_down()  # the PA is down: nothing is marked sent
        outcomes = run(send, ids, context=context)
        assert [o.status for o in outcomes] == ['error']
        assert run(read, ids)[0]['send_state'] == 'ready'
        sim.come_back()
        outcomes = run(send, ids, context=context)
        assert [o.status for o in outcomes] == ['sent']
        invoices = run(read, ids)
        assert [i['send_state'] for i in invoices] == ['sent'] * 3
        assert sorted(e['flow'] for i in invoices for e in i['exchanges']) \
            == sorted(f.meta['flowId'] for f in sim.deposited())
        assert len(sim.deposited()) == 3
        assert sim.duplicate_deposits == 0


@pytest.fixture
def short_timeout():
    "The PA's answers are awaited 0.5 s ([lot_facturation] pa_timeout)"
    from trytond import config
    if not config.has_section('lot_facturation'):
        config.add_section('lot_facturation')
    config.set('lot_facturation', 'pa_timeout', '0.5')
    yield
    config.set('lot_facturation', 'pa_timeout', '30')


def test_p3_unanswered_deposit_is_found_by_its_key(sim, short_timeout):
    with committed_database():
        company, ids = run(pa_invoices, sim, DEFAULT, 3)
        context = {'company': company}
        sim.slow_next(2)  # stored, answered after the time-out
        sim.drop_next()  # stored, connection closed unanswered
        outcomes = run(send, ids[:2], context=context)
        assert [o.status for o in outcomes] == ['sent', 'sent']
        invoices = run(read, ids[:2])
        assert len(sim.deposited()) == 2
        assert [exchange_of(i)['flow'] for i in invoices] == [
            f.meta['flowId'] for f in sim.deposited()]
        # A deposit unanswered while the search fails too: the invoice
        # stays ready; the next send finds the flow, never redeposits
        sim.slow_next(2)
        sim.fail_next(500, operation='search')
        outcomes = run(send, ids[2:], context=context)
        assert [o.status for o in outcomes] == ['error']
        invoice, = run(read, ids[2:])
        assert invoice['send_state'] == 'ready'
        assert "cherche d'abord" in exchange_of(invoice)['message']
        outcomes = run(send, ids[2:], context=context)
        assert [o.status for o in outcomes] == ['sent']
        invoice, = run(read, ids[2:])
        assert 'pas de nouveau dépôt' in exchange_of(invoice)['message']
        assert exchange_of(invoice)['flow'] == sim.deposited()[2].meta[
            'flowId']
        assert len(sim.deposited()) == 3
        assert sim.duplicate_deposits == 0


def test_p2_buyer_absent_from_directory_is_not_sent(sim):
    with committed_database():
        company, ids = run(pa_invoices, sim,
            [("Menuiserie Petit", SECOND_SIREN)])
        outcomes = run(send, ids, context={'company': company})
        assert [o.status for o in outcomes] == ['error']
        invoice, = run(read, ids)
        assert invoice['send_state'] == 'ready'
        exchange = exchange_of(invoice)
        assert "absent de l'annuaire" in exchange['message']
        assert SECOND_SIREN in exchange['message']
        assert sim.deposited() == []


def wizard_send(ids):
    return process_wizard('send', ids)


def test_p2_processing_wizard_warns_of_buyers_absent_from_directory(sim):
    from trytond.modules.lot_facturation.exceptions import PAWarning
    with committed_database():
        company, ids = run(pa_invoices, sim, DEFAULT + (
                ("Menuiserie Petit", SECOND_SIREN),))
        with pytest.raises(PAWarning) as warning:
            run(wizard_send, ids,
                context={'company': company, '_skip_warnings': False})
        assert "Menuiserie Petit (SIREN %s)" % SECOND_SIREN in str(
            warning.value)
        assert "absents de l'annuaire" in str(warning.value)
        assert "Boulangerie" not in str(warning.value)
        assert sim.deposited() == []
        assert [i['send_state'] for i in run(read, ids)] == ['ready'] * 2
        # The batch preview warns the same (without blocking)
        assert run(preview_texts, ids, context={'company': company}) == [
            (None, None), ('warning', "Le client Menuiserie Petit (SIREN "
                "%s) est absent de l'annuaire de la facturation "
                "électronique : la facture ne sera pas envoyée par la "
                "plateforme agréée." % SECOND_SIREN)]


def preview_texts(ids):
    "(status, message) the preview gives each invoice's customer"
    pool = Pool()
    Batch = pool.get('account.invoice.batch')
    Proposal = pool.get('account.invoice.batch.proposal')
    Invoice = pool.get('account.invoice')
    from trytond.modules.lot_facturation.billing.proposals import status_of
    result = []
    for invoice in Invoice.browse(ids):
        batch = Batch(company=invoice.company)
        problems = batch.pa_directory_problems({}, invoice.party)
        result.append((status_of(problems) if problems else None,
                Proposal.explain(problems)))
    return result


def fetch(company):
    Invoice = Pool().get('account.invoice')
    Company = Pool().get('company.company')
    return Invoice.fetch_pa_statuses_of([Company(company)])


def statuses(ids):
    Invoice = Pool().get('account.invoice')
    return [(i.pa_status, [(e.pa_status_code, e.status, e.message)
                for e in sorted(i.exchanges, key=lambda e: e.id)
                if e.direction == 'in']) for i in Invoice.browse(ids)]


def test_p5_statuses_recorded_once_and_rejection_explained(sim):
    with committed_database():
        company, ids = run(pa_invoices, sim, DEFAULT, 2)
        context = {'company': company}
        run(send, ids, context=context)
        flows = [f.meta['flowId'] for f in sim.deposited()]
        sim.push_status(flows[1], '213', 'REJ_SEMAN',
            "Le SIREN de l'acheteur est inconnu", copies=2)
        assert run(fetch, company, context=context) == 3  # 200, 200, 213
        assert run(fetch, company, context=context) == 0  # nothing new
        first, second = run(statuses, ids, context=context)
        assert first[0] == '200'
        assert [(c, s) for c, s, _ in first[1]] == [('200', 'accepted')]
        assert second[0] == '213'
        assert [(c, s) for c, s, _ in second[1]] == [
            ('200', 'accepted'), ('213', 'rejected')]
        message = second[1][1][2]
        assert "213" in message and "Le SIREN de l'acheteur" in message
        assert "avoir" in message and "nouvelle facture" in message
