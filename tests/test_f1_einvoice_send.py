"""S3, F1: sending through Chorus Pro hands over the validated Factur-X;
an invoice the validators would refuse is not sent and says why.

The send commits on its own (claim, then each delivery): these tests run
in a committed database (tests/tools_send.py), in French like the users.
"""
from trytond.modules.company.tests import set_company
from trytond.modules.lot_facturation.formats import facturx as builder
from trytond.pool import Pool

from test_f1_einvoice_paths import texts, validators
from tools_send import (
    committed_database, create_customer, create_invoices, setup_company)


def chorus_invoices(without_siret=False):
    "Ready invoices of two public entities; the second without SIRET"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Identifier = pool.get('party.identifier')
    env = setup_company()
    with set_company(env.company):
        lyon = create_customer("Métropole de Lyon", channel='chorus',
            lang='fr')
        bron = create_customer("Mairie de Bron", channel='chorus', lang='fr')
        Identifier.delete([i for i in bron.identifiers
                if i.type == 'fr_siret'])
        invoices = create_invoices(env, [lyon, bron])
        Invoice.prepare_send(invoices)
    return env.company.id, [i.id for i in invoices]


def send(ids):
    Invoice = Pool().get('account.invoice')
    return [(o.status, o.message) for o in Invoice.send(Invoice.browse(ids))]


def state(ids):
    Invoice = Pool().get('account.invoice')
    Attachment = Pool().get('ir.attachment')
    return [{
            'send_state': i.send_state, 'sent_date': i.sent_date,
            'dematerialized': i.dematerialized,
            'exchanges': [(e.channel, e.status, e.message, e.report_name,
                    e.report) for e in i.exchanges],
            'attachments': Attachment.search_count(
                [('resource', '=', str(i))]),
            } for i in Invoice.browse(ids)]


def test_f1_send_to_chorus_hands_over_a_valid_facturx_blocks_the_rest(
        smtp_server):
    with committed_database() as run:
        company, ids = run(chorus_invoices)
        outcomes = run(send, ids, context={'company': company})
        assert [s for s, _ in outcomes] == ['pending', 'error']
        good, blocked = run(state, ids)
        # The valid one waits for the Chorus Pro export, as Factur-X
        assert good['send_state'] == 'sent' and good['dematerialized']
        (channel, status, _, name, report), = good['exchanges']
        assert (channel, status) == ('chorus', 'pending')
        assert name.startswith('facturx-')
        _, xml = builder.extract(report)
        assert validators(xml).fatal == []
        assert texts(xml, './/ram:BuyerTradeParty/ram:GlobalID') == [
            '21750001600019']
        # The refused one is not sent, not marked, and says what to fix
        assert blocked['send_state'] == 'ready'
        assert blocked['sent_date'] is None
        assert not blocked['dematerialized']
        assert blocked['attachments'] == 0
        (channel, status, message, _, _), = blocked['exchanges']
        assert (channel, status) == ('chorus', 'error')
        assert ("CHORUS-SIRET : Le client Mairie de Bron est une entité "
            "publique : Chorus Pro demande le SIRET") in message
        assert smtp_server.messages == []
        # Fixed, the next send takes it
        run(add_siret, ids[1])
        assert run(send, ids, context={'company': company})[0][0] == (
            'pending')


def add_siret(invoice_id):
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Identifier = pool.get('party.identifier')
    invoice = Invoice(invoice_id)
    Identifier(party=invoice.party, type='fr_siret', code='21750001600019',
        address=invoice.invoice_address).save()
