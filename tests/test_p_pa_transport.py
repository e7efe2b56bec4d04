"""Sending through a Plateforme Agréée, without Tryton (SPEC P1-P6).

The transport (pyfrctc underneath) talks to the local PA simulator the test
starts on 127.0.0.1; the CDAR and e-reporting builders are checked against
the official XSD and schematrons shipped with pyfrctc.
"""
import datetime as dt
import io
import time
from decimal import Decimal as D

import pyfrctc
import pytest
from lxml import etree
from pa_simulator import PASimulator
from pyfrctc.pyfrctc import PLATFORMS

from trytond.modules.lot_facturation.billing.collections import split_by_rate
from trytond.modules.lot_facturation.formats import cdar, ereporting as er
from trytond.modules.lot_facturation.validation.pa_documents import (
    EREPORTING_XSLT, XMLInvalid, check_cdar, schematron_findings)
from trytond.modules.lot_facturation.transports import pa

SELLER_SIREN = '552100554'
BUYER_SIREN = '732829320'
BUYER_SIRET = '73282932000074'
SINCE = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
SELLER = cdar.TradeParty('SE', 'Cabinet Dupont', SELLER_SIREN, SELLER_SIREN)
BUYER = cdar.TradeParty('BY', 'Client SA', BUYER_SIREN, BUYER_SIREN)


@pytest.fixture
def sim():
    with PASimulator(seller_siren=SELLER_SIREN) as simulator:
        yield simulator


def _config(sim, **values):
    values.setdefault('timeout', 1.0)
    return pa.PAConfig(sim.url, sim.client_id, sim.client_secret, **values)


@pytest.fixture
def transport(sim):
    return pa.transport(_config(sim))


def _token_requests(sim):
    return [r for r in sim.state.requests if r[1] == '/oauth2/token']


def facturx_pdf(number, issue_date='20261130'):
    "A minimal Factur-X (MINIMUM profile) naming its seller and buyer."
    import facturx
    from pypdf import PdfWriter
    ram = 'ram:'
    xml = f'''<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice
 xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
<rsm:ExchangedDocumentContext><{ram}GuidelineSpecifiedDocumentContextParameter>
<{ram}ID>urn:factur-x.eu:1p0:minimum</{ram}ID>
</{ram}GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
<rsm:ExchangedDocument><{ram}ID>{number}</{ram}ID><{ram}TypeCode>380</{ram}TypeCode>
<{ram}IssueDateTime><udt:DateTimeString format="102">{issue_date}</udt:DateTimeString>
</{ram}IssueDateTime></rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction><{ram}ApplicableHeaderTradeAgreement>
<{ram}SellerTradeParty><{ram}Name>Cabinet Dupont</{ram}Name>
<{ram}SpecifiedLegalOrganization><{ram}ID schemeID="0002">{SELLER_SIREN}</{ram}ID>
</{ram}SpecifiedLegalOrganization></{ram}SellerTradeParty>
<{ram}BuyerTradeParty><{ram}Name>Client SA</{ram}Name>
<{ram}SpecifiedLegalOrganization><{ram}ID schemeID="0002">{BUYER_SIREN}</{ram}ID>
</{ram}SpecifiedLegalOrganization></{ram}BuyerTradeParty>
</{ram}ApplicableHeaderTradeAgreement></rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>'''
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    pdf = io.BytesIO()
    writer.write(pdf)
    return facturx.generate_from_binary(pdf.getvalue(), xml.encode(),
        flavor='factur-x', level='minimum', check_xsd=False)


# --- P1: the configured PA, reached the library's way -----------------------

def test_p1_configured_url_is_a_pyfrctc_platform(sim, transport):
    "pyfrctc's own functions reach the simulator through PLATFORMS."
    entry = PLATFORMS[transport.platform]
    assert entry['afnor_base_url'] == sim.url
    assert entry['token_url'] == sim.token_url
    assert pyfrctc.healthcheck(transport.session(), type='flow') is True
    assert ('GET', '/afnor-flow/v1/healthcheck') in sim.state.requests


def test_p1_production_requires_https(sim):
    with pytest.raises(ValueError):
        _config(sim, mode='production')
    with pytest.raises(ValueError):
        pa.PAConfig('http://pa.example.com', 'id', 'secret')
    config = pa.PAConfig('https://pa.example.com/', 'id', 'secret',
        mode='production')
    assert config.oauth_token_url == 'https://pa.example.com/oauth2/token'


def test_p1_wrong_secret_is_rejected(sim):
    transport = pa.transport(pa.PAConfig(sim.url, sim.client_id, 'wrong'))
    with pytest.raises(pa.PARejected) as info:
        transport.lookup(BUYER_SIREN)
    assert not info.value.retryable
    assert 'wrong secret' in info.value.reason


def test_p1_one_token_for_many_operations_and_shared(sim, transport):
    transport.lookup(BUYER_SIREN)
    transport.deposit(b'%PDF-1.7', 'FA1.pdf', 'B2B', 'fa1.v1')
    transport.find_flow('fa1.v1')
    assert len(_token_requests(sim)) == 1
    stored = {}
    first = pa.transport(_config(sim), load_token=lambda: stored,
        save_token=stored.update)
    second = pa.transport(_config(sim), load_token=lambda: stored,
        save_token=stored.update)
    first.lookup(BUYER_SIREN)
    second.lookup(BUYER_SIREN)
    assert len(_token_requests(sim)) == 2


# --- P2: directory ----------------------------------------------------------

def test_p2_directory_hit_gives_the_line_used(sim, transport):
    sim.add_directory_line(BUYER_SIREN)
    sim.add_directory_line(BUYER_SIREN, siret=BUYER_SIRET)
    line = transport.lookup(BUYER_SIREN, BUYER_SIRET)
    assert (line.address, line.kind, line.siret) == (
        f'{BUYER_SIREN}_{BUYER_SIRET}', 'siret', BUYER_SIRET)
    assert line.usable and line.platform_type == 'WK'
    line = transport.lookup(BUYER_SIREN, '73282932000033')
    assert (line.address, line.kind) == (BUYER_SIREN, 'siren')
    assert line.as_record()['address'] == BUYER_SIREN


def test_p2_directory_miss_is_none(sim, transport):
    sim.add_directory_line(BUYER_SIREN, siret=BUYER_SIRET,
        routing_code='SERVICE-A')
    assert transport.lookup(SELLER_SIREN) is None
    # A routing-code line only receives invoices naming that code.
    assert transport.lookup(BUYER_SIREN, BUYER_SIRET) is None


def test_p2_disabled_or_upcoming_line_is_not_usable(sim, transport):
    sim.add_directory_line(BUYER_SIREN, status='Disabled')
    assert not transport.lookup(BUYER_SIREN).usable
    sim.add_directory_line(BUYER_SIREN, siret=BUYER_SIRET, status='Upcoming')
    line = transport.lookup(BUYER_SIREN, BUYER_SIRET)
    assert (line.state, line.usable) == ('upcoming', False)


def test_p2_validity_dates_kept_when_the_pa_gives_them(sim, transport):
    sim.add_directory_line(BUYER_SIREN, period={
            'dateFrom': '2026-09-01', 'dateTo': '2027-08-31'})
    line = transport.lookup(BUYER_SIREN)
    assert (line.valid_from, line.valid_to) == (
        dt.date(2026, 9, 1), dt.date(2027, 8, 31))


# --- P3: deposit at most once ---------------------------------------------

def test_p3_deposit_then_find_flow_by_key(sim, transport):
    flow_id = transport.deposit(b'%PDF-1.7', 'FA1.pdf', 'B2B', 'fa1.v1')
    [flow] = sim.deposited()
    assert flow.meta['flowId'] == flow_id
    assert flow.content == b'%PDF-1.7'
    assert flow.meta['flowSyntax'] == 'Factur-X'
    assert transport.find_flow('fa1.v1') == flow_id
    assert transport.find_flow('fa1.v2') is None


def test_p3_timeout_then_search_finds_the_flow(sim, transport):
    "Outcome unknown: the search finds the flow, no second deposit."
    sim.slow_next(3)
    start = time.monotonic()
    with pytest.raises(pa.PATimeout) as info:
        transport.deposit(b'%PDF-1.7', 'FA2.pdf', 'B2B', 'fa2.v1')
    assert time.monotonic() - start < 2.5
    assert info.value.retryable
    flow_id = transport.find_flow('fa2.v1')
    assert flow_id == sim.deposited()[0].meta['flowId']
    assert sim.deposits == 1


def test_p3_dropped_connection_is_an_unknown_outcome(sim, transport):
    sim.drop_next()
    with pytest.raises(pa.PATimeout):
        transport.deposit(b'%PDF-1.7', 'FA3.pdf', 'B2B', 'fa3.v1')
    assert transport.find_flow('fa3.v1') == sim.deposited()[0].meta['flowId']


def test_p3_server_error_stores_nothing_and_a_retry_sends_once(sim, transport):
    sim.fail_next(500)
    with pytest.raises(pa.PAServerError) as info:
        transport.deposit(b'%PDF-1.7', 'FA4.pdf', 'B2B', 'fa4.v1')
    assert (info.value.status, info.value.retryable) == (500, True)
    assert transport.find_flow('fa4.v1') is None
    flow_id = transport.deposit(b'%PDF-1.7', 'FA4.pdf', 'B2B', 'fa4.v1')
    assert [f.meta['flowId'] for f in sim.deposited()] == [flow_id]


def test_p3_rejection_carries_the_pa_reason(sim, transport):
    sim.fail_next(422, code='UNPROCESSABLE_ENTITY',
        message='BR-FR-12: SIREN du vendeur absent')
    with pytest.raises(pa.PARejected) as info:
        transport.deposit(b'%PDF-1.7', 'FA5.pdf', 'B2B', 'fa5.v1')
    error = info.value
    assert (error.status, error.code, error.retryable) == (
        422, 'UNPROCESSABLE_ENTITY', False)
    assert error.reason == 'BR-FR-12: SIREN du vendeur absent'
    assert sim.deposited() == []


def test_p3_pa_down_is_unreachable_then_the_rerun_sends(sim, transport):
    transport.deposit(b'%PDF-1.7', 'FA6.pdf', 'B2B', 'fa6.v1')
    sim.go_down()
    with pytest.raises(pa.PAUnreachable):
        transport.deposit(b'%PDF-1.7', 'FA7.pdf', 'B2B', 'fa7.v1')
    sim.come_back()
    transport.deposit(b'%PDF-1.7', 'FA7.pdf', 'B2B', 'fa7.v1')
    assert [f.meta['name'] for f in sim.deposited()] == [
        'fa6.v1__FA6.pdf', 'fa7.v1__FA7.pdf']


def test_p3_simulator_honours_the_idempotency_key(sim, transport):
    first = transport.deposit(b'%PDF-1.7', 'FA8.pdf', 'B2B', 'fa8.v1')
    again = transport.deposit(b'%PDF-1.7', 'FA8.pdf', 'B2B', 'fa8.v1')
    assert again == first
    assert (sim.deposits, sim.duplicate_deposits, len(sim.deposited())) == (
        2, 1, 1)


def test_p3_failed_technical_checks_are_reported(sim, transport):
    ok = transport.deposit(b'%PDF-1.7', 'FA13.pdf', 'B2B', 'fa13.v1')
    sim.refuse_next_flow('AlreadyExistingFlow', 'Facture déjà reçue')
    refused = transport.deposit(b'%PDF-1.7', 'FA14.pdf', 'B2B', 'fa14.v1')
    assert transport.acknowledgement(ok) == pa.FlowAcknowledgement(ok, 'ok')
    acknowledgement = transport.acknowledgement(refused)
    assert acknowledgement.state == 'error'
    assert 'Facture déjà reçue' in acknowledgement.details
    assert 'AlreadyExistingFlow' in acknowledgement.details


def test_p3_invalid_key_or_rule_refused_before_sending(sim, transport):
    with pytest.raises(ValueError):
        transport.deposit(b'%PDF-1.7', 'FA9.pdf', 'B2B', 'FA 9')
    with pytest.raises(ValueError):
        transport.deposit(b'%PDF-1.7', 'FA9.pdf', 'B2X', 'fa9.v1')
    assert sim.deposits == 0


# --- P4: lifecycle statuses -------------------------------------------------

def test_p4_statuses_fetched_and_parsed(sim, transport):
    flow_id = transport.deposit(
        facturx_pdf('FA2026-0042'), 'FA2026-0042.pdf', 'B2B', 'fa42.v1')
    sim.push_status(flow_id, '210', 'TX_TVA_ERR', 'Taux de TVA erroné')
    deposited, refused = transport.statuses(SINCE)
    assert (deposited.code, deposited.name) == ('200', 'Déposée')
    assert (refused.code, refused.invoice_number, refused.seller_siren) == (
        '210', 'FA2026-0042', SELLER_SIREN)
    assert (refused.reason_code, refused.reason) == (
        'TX_TVA_ERR', 'Taux de TVA erroné')
    assert isinstance(refused.date, dt.datetime) and not refused.error
    assert refused.received_at > deposited.received_at


def test_p4_duplicate_messages_are_visible_with_one_key(sim, transport):
    flow_id = transport.deposit(b'%PDF-1.7', 'FA10.pdf', 'B2B', 'fa10.v1')
    sim.push_status(flow_id, '213', 'REJ_SEMAN', 'Erreur sémantique',
        copies=2)
    statuses = [s for s in transport.statuses(SINCE) if s.code == '213']
    assert len(statuses) == 2
    assert len({s.flow_id for s in statuses}) == 2
    assert len({s.key for s in statuses}) == 1
    assert statuses[0].invoice_number == 'FA10'


def test_p4_since_returns_only_newer_statuses(sim, transport):
    flow_id = transport.deposit(b'%PDF-1.7', 'FA11.pdf', 'B2B', 'fa11.v1')
    [first] = transport.statuses(SINCE)
    sim.push_status(flow_id, '220')
    assert [s.code for s in transport.statuses(first.received_at)] == ['220']


def test_p4_unreadable_message_reported_not_fatal(sim, transport):
    sim.auto_statuses = []
    flow_id = transport.deposit(b'%PDF-1.7', 'FA12.pdf', 'B2B', 'fa12.v1')
    bad = sim.push_raw_status(b'<not-a-cdar/>')
    sim.push_status(flow_id, '207', 'AUTRE', 'Litige')
    broken, dispute = transport.statuses(SINCE)
    assert (broken.flow_id, broken.code) == (bad, '')
    assert 'CDAR' in broken.error
    assert dispute.code == '207' and not dispute.error


# --- P5: 212 Encaissée ------------------------------------------------------

def _payment(amounts, message_id='FA1#212#pay-1'):
    return cdar.build_payment_received(
        message_id, dt.datetime(2026, 12, 5, 9, 30), SELLER, BUYER,
        'FA2026-0001', dt.date(2026, 11, 30), dt.date(2026, 12, 5), amounts)


def test_p5_payment_round_trip_with_amounts_per_vat_rate():
    amounts = [cdar.VatAmount(D('20'), D('35.77')),
        cdar.VatAmount(D('10'), D('32.79')), cdar.VatAmount(D('5.5'), D('31.44'))]
    parsed = cdar.parse_status(_payment(amounts))
    assert (parsed.code, parsed.name) == ('212', 'Encaissée')
    assert parsed.amounts == tuple(amounts)
    assert all(isinstance(a.amount, D) for a in parsed.amounts)
    assert (parsed.payment_date, parsed.invoice_number, parsed.seller_siren) == (
        dt.date(2026, 12, 5), 'FA2026-0001', SELLER_SIREN)


def test_p5_cancelled_payment_is_the_same_split_negated():
    totals = {D('20'): D('120.00'), D('10'): D('110.00'),
        D('5.5'): D('105.50')}
    paid = split_by_rate(D('100.00'), totals)
    assert paid == {D('20'): D('35.77'), D('10'): D('32.79'),
        D('5.5'): D('31.44')}
    bounced = split_by_rate(D('-100.00'), totals)
    assert bounced == {rate: -amount for rate, amount in paid.items()}
    parsed = cdar.parse_status(_payment(
            [cdar.VatAmount(rate, amount) for rate, amount in bounced.items()],
            'FA1#212#pay-1-cancel'))
    assert sum(a.amount for a in parsed.amounts) == D('-100.00')


def test_p5_full_payment_split_equals_totals_per_rate():
    totals = {D('20'): D('1200.00'), D('10'): D('55.00')}
    assert split_by_rate(D('1255.00'), totals) == totals
    assert sum(split_by_rate(D('0.05'), totals).values()) == D('0.05')


def test_p5_pyfrctc_alone_fails_br_fr_cdv_14():
    "Why formats.cdar writes MDT-224: the official rule requires the rate."
    root = etree.fromstring(_payment([cdar.VatAmount(D('20'), D('120'))]))
    for node in root.iter('{%s}ValuePercent' % cdar.CDAR_NS_MAP['ram']):
        node.getparent().remove(node)
    with pytest.raises(XMLInvalid) as info:
        check_cdar(etree.tostring(root))
    assert [f.rule for f in info.value.findings] == ['BR-FR-CDV-14_MDT-207']


def test_p5_212_needs_non_zero_amounts():
    with pytest.raises(ValueError):
        _payment([])
    with pytest.raises(ValueError):
        _payment([cdar.VatAmount(D('20'), D('0'))])


def test_p5_212_deposited_as_a_cdar_flow(sim, transport):
    xml_bytes = _payment([cdar.VatAmount(D('20'), D('120.00'))])
    transport.deposit(xml_bytes, 'cdar_212_FA2026-0001.xml', 'B2B',
        'pay-1.212', syntax='CDAR')
    [flow] = sim.deposited()
    assert flow.meta['flowType'] == 'CustomerInvoiceLC'
    assert cdar.parse_status(flow.content).amounts == (
        cdar.VatAmount(D('20.00'), D('120.00')),)
    assert transport.statuses(SINCE) == []  # no automatic status on a CDAR


# --- P6: e-reporting --------------------------------------------------------

HEADER = er.ReportHeader('ER-552100554-2026-11-01', dt.datetime(2026, 11, 11, 8),
    SELLER_SIREN, 'Cabinet Dupont', '0111', 'Simulateur PA')


def _foreign_invoice():
    return er.ForeignInvoice('FA2026-0002', dt.date(2026, 11, 3), SELLER_SIREN,
        'FR44552100554', 'DE123456789', '0223', 'DE',
        (er.VatLine(D('0'), D('1000.00'), D('0'), 'AE', 'Autoliquidation',
                'VATEX-EU-AE'),), buyer_vat='DE123456789')


def test_p6_transactions_sum_consumer_sales_per_day():
    sales = [er.ConsumerSale(dt.date(2026, 11, 4),
            (er.VatLine(D('20'), D('100.00'), D('20.00')),)),
        er.ConsumerSale(dt.date(2026, 11, 4),
            (er.VatLine(D('20'), D('50.00'), D('10.00')),
                er.VatLine(D('10'), D('10.00'), D('1.00')))),
        er.ConsumerSale(dt.date(2026, 11, 6),
            (er.VatLine(D('20'), D('30.00'), D('6.00')),))]
    xml_bytes = er.build_transactions(HEADER, dt.date(2026, 11, 1),
        dt.date(2026, 11, 10), [_foreign_invoice()], sales)
    root = etree.fromstring(xml_bytes)
    days = root.findall('TransactionsReport/Transactions')
    assert [(d.findtext('Date'), d.findtext('TaxExclusiveAmount'),
            d.findtext('TaxTotal'), d.findtext('TransactionsCount'))
        for d in days] == [('20261104', '160.00', '31.00', '2'),
        ('20261106', '30.00', '6.00', '1')]
    assert root.findtext('TransactionsReport/Invoice/Buyer/CompanyId') == (
        'DE123456789')
    assert root.findtext('ReportDocument/TypeCode') == 'IN'
    pyfrctc.check_ereporting_xsd(xml_bytes)
    assert schematron_findings(EREPORTING_XSLT, xml_bytes) == []


def test_p6_payments_with_a_cancelled_collection():
    collections = [er.InvoiceCollection('FA2026-0002', dt.date(2026, 11, 3),
            dt.date(2026, 11, 20), (cdar.VatAmount(D('20'), D('120.00')),)),
        er.InvoiceCollection('FA2026-0002', dt.date(2026, 11, 3),
            dt.date(2026, 11, 27), (cdar.VatAmount(D('20'), D('-120.00')),))]
    consumers = [er.ConsumerCollection(dt.date(2026, 11, 5),
            (cdar.VatAmount(D('20'), D('60.00')),
                cdar.VatAmount(D('10'), D('11.00'))))]
    xml_bytes = er.build_payments(HEADER, dt.date(2026, 11, 1),
        dt.date(2026, 11, 30), collections, consumers)
    root = etree.fromstring(xml_bytes)
    assert [a.text for a in root.iter('Amount')] == [
        '120.00', '-120.00', '60.00', '11.00']
    # The official Flux 10 schematron still flags negative collections
    # (fnfempe/France_RFE#60); that finding alone is let through.
    assert [f.rule for f in schematron_findings(
            EREPORTING_XSLT, xml_bytes)] == ['G1.16']


def test_p6_invalid_report_is_blocked_naming_the_rule():
    bad = er.InvoiceCollection('FA  2026', dt.date(2026, 11, 3),
        dt.date(2026, 11, 20), (cdar.VatAmount(D('20'), D('120.00')),))
    with pytest.raises(XMLInvalid) as info:
        er.build_payments(HEADER, dt.date(2026, 11, 1), dt.date(2026, 11, 30),
            [bad])
    assert [f.rule for f in info.value.findings] == ['G1.05']


def test_p6_corrective_report_after_a_sent_one():
    corrective = er.ReportHeader(**{**HEADER.__dict__,
            'report_id': 'ER-552100554-2026-11-01-R1', 'corrective': True})
    xml_bytes = er.build_transactions(corrective, dt.date(2026, 11, 1),
        dt.date(2026, 11, 10), [_foreign_invoice()])
    assert etree.fromstring(xml_bytes).findtext(
        'ReportDocument/TypeCode') == 'RE'


def test_p6_periods_follow_the_vat_regime():
    first = dt.date(2026, 11, 1)
    assert er.report_period(first, 'transactions', 'monthly') == (
        dt.date(2026, 11, 10), dt.date(2026, 11, 20))
    assert er.report_period(first, 'payments', 'monthly') == (
        dt.date(2026, 11, 30), dt.date(2026, 12, 10))
    assert er.report_period(first, 'transactions', 'simplified') == (
        dt.date(2026, 11, 30), dt.date(2026, 12, 31))
    assert er.report_period(first, 'transactions', 'franchise') == (
        dt.date(2026, 12, 31), dt.date(2027, 1, 31))


def test_p6_report_deposited_as_an_frr_flow(sim, transport):
    xml_bytes = er.build_transactions(HEADER, dt.date(2026, 11, 1),
        dt.date(2026, 11, 10), [_foreign_invoice()])
    flow_id = transport.deposit(xml_bytes, 'ereporting.xml', 'B2BInt',
        'er-2026-11-01', syntax='FRR')
    assert sim.deposited()[0].meta['flowSyntax'] == 'FRR'
    assert transport.find_flow('er-2026-11-01') == flow_id
