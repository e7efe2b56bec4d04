"""E-reporting (flux 10) of consumers' invoices and their collections
(SPEC P7): one report per period and kind, valid against the XSD and the
Flux 10 schematron, deposited through the local PA simulator; nothing
twice; a corrective report when an invoice of a reported period comes
late.  The deposits commit, so the tests run in a committed database."""
import datetime as dt
from contextlib import contextmanager
from decimal import Decimal as D

import pytest
from lxml import etree
from pa_simulator import PASimulator

from trytond.modules.company.tests import set_company
from trytond.modules.lot_facturation.validation.pa_documents import (
    check_ereporting)
from trytond.pool import Pool

from test_p_pa_collection import pay
from tools_chorus import tax
from tools_einvoice_shapes import (
    EXPORT_NOTICE, REVERSE_NOTICE, country, customer, invoice, special_tax)
from tools_pa import configure_pa
from tools_send import committed_database, run, setup_company


@pytest.fixture
def sim():
    with PASimulator(seller_siren='552100554') as simulator:
        yield simulator


@contextmanager
def reporting_company(sim):
    "The company, its PA the simulator, registered to report: its env"
    Configuration = Pool().get('account.configuration')
    env = setup_company()
    configure_pa(env.company, sim)
    with set_company(env.company):
        Configuration(1).set_multivalue('pa_registration', '0111',
            company=env.company.id)
        yield env


def consumer_invoices(sim, count=2):
    "Invoices of 100 + 20 % VAT to a consumer: (company id, invoice ids)"
    with reporting_company(sim) as env:
        party = customer(env, "Mme Claire Petit", False, kind='consumer')
        records = [invoice(env, party, [{'description': "Déclaration de "
                        "revenus", 'quantity': 1, 'unit_price': D('100'),
                        'taxes': [tax(env, '0.20').id]}])
            for _ in range(count)]
    return env.company.id, [r.id for r in records]


def german_invoice(sim):
    """Services to a German business (reverse charge), 4 x 150: (company
    id, invoice number)"""
    with reporting_company(sim) as env:
        party = customer(env, "Steuerberatung Vogel GmbH", False,
            street="Unter den Linden 5", country=country('DE', "Allemagne"),
            vat='DE136695976', kind='foreign')
        reverse = special_tax(env, "Autoliquidation UE", 'AE',
            REVERSE_NOTICE, True, 'VATEX-EU-AE')
        record = invoice(env, party, [{'description': "Conseil fiscal",
                    'quantity': 4, 'unit_price': D('150'),
                    'taxes': [reverse.id]}])
    return env.company.id, record.number


def swiss_invoice(sim):
    """Services to a Swiss business, 3 x 200, under a tax of UNECE category
    G (export) with its legal notice but no VATEX code: (company id, the
    category the e-invoice gives that tax)"""
    EDocument = Pool().get('edocument.uncefact.invoice')
    with reporting_company(sim) as env:
        party = customer(env, "Uhren Keller AG", False,
            street="Bahnhofstrasse 1", country=country('CH', "Suisse"),
            kind='foreign')
        export = special_tax(env, "Hors champ 259-1", 'G', EXPORT_NOTICE,
            True)
        invoice(env, party, [{'description': "Conseil", 'quantity': 3,
                    'unit_price': D('200'), 'taxes': [export.id]}])
    return env.company.id, EDocument.tax_category_code(export)


def late_invoice(company_id):
    "One more consumer invoice of the same day, posted after the report"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    first, = Invoice.search([('company', '=', company_id)], limit=1,
        order=[('id', 'ASC')])
    env = setup_company()
    with set_company(env.company):
        invoice(env, first.party, [{'description': "Conseil", 'quantity': 1,
                    'unit_price': D('50'), 'taxes': [tax(env, '0.20').id]}])


def deposit_due(company_id, days=40):
    "The cron's work, as if run days after the invoices"
    pool = Pool()
    Report = pool.get('account.invoice.pa_report')
    Company = pool.get('company.company')
    today = pool.get('ir.date').today() + dt.timedelta(days=days)
    return [(r.kind, r.number, r.state, r.invoice_count, r.collection_count,
            r.total, r.message)
        for r in Report.deposit_due([Company(company_id)], today)]


def reports(company_id):
    Report = Pool().get('account.invoice.pa_report')
    return [(r.kind, r.number, r.state, r.end - r.start <= dt.timedelta(10))
        for r in Report.search([('company', '=', company_id)],
            order=[('kind', 'ASC'), ('number', 'ASC')])]


def ereports(sim):
    "The e-reporting documents deposited at the PA, each checked again"
    documents = []
    for flow in sim.deposited():
        if flow.meta['flowSyntax'] == 'FRR':
            check_ereporting(flow.content)  # XSD + Flux 10 schematron
            documents.append(etree.fromstring(flow.content))
    return documents


def text(root, path):
    return [node.text for node in root.iter(path)]


def test_p7_consumers_period_reported_once_then_corrected(sim):
    with committed_database():
        company, ids = run(consumer_invoices, sim)
        context = {'company': company}
        run(pay, ids[0], '120.00', True, context=context)
        done = run(deposit_due, company, context=context)
        assert [(kind, number, state, invoices, collections, total)
            for kind, number, state, invoices, collections, total, _
            in done] == [
            ('payments', 1, 'sent', 0, 1, D('120.00')),
            ('transactions', 1, 'sent', 2, 0, D('240.00'))]
        assert all('déposé' in message for *_, message in done)
        # Monthly filer: transactions every 10 days, payments every month
        assert run(reports, company) == [('payments', 1, 'sent', False),
            ('transactions', 1, 'sent', True)]
        payments, transactions = ereports(sim)
        assert text(transactions, 'TypeCode')[0] == 'IN'
        assert '2' in text(transactions, 'TransactionsCount')
        assert '120.00' in text(payments, 'Amount')
        # The next night: nothing new, nothing deposited again
        assert run(deposit_due, company, context=context) == []
        assert len(ereports(sim)) == 2
        # An invoice of the reported period posted late: corrective report
        run(late_invoice, company, context=context)
        done = run(deposit_due, company, context=context)
        assert [(kind, number, state, invoices, total)
            for kind, number, state, invoices, _, total, _ in done] == [
            ('transactions', 2, 'sent', 3, D('300.00'))]
        corrective = ereports(sim)[-1]
        assert text(corrective, 'TypeCode')[0] == 'RE'
        assert '3' in text(corrective, 'TransactionsCount')
        assert sim.duplicate_deposits == 0


def test_p7_pa_down_report_in_error_then_deposited(sim):
    with committed_database():
        company, ids = run(consumer_invoices, sim, 1)
        context = {'company': company}
        sim.go_down()
        (_, _, state, _, _, _, message), = run(deposit_due, company,
            context=context)
        assert state == 'error'
        assert 'Construire et déposer' in message
        sim.come_back()
        (_, number, state, *_), = run(deposit_due, company, context=context)
        assert (number, state) == (1, 'sent')
        assert len(ereports(sim)) == 1


def test_p7_foreign_invoice_reported_one_by_one(sim):
    with committed_database():
        company, number = run(german_invoice, sim)
        done = run(deposit_due, company, context={'company': company})
        assert [(kind, number, state, invoices, collections, total)
            for kind, number, state, invoices, collections, total, _
            in done] == [('transactions', 1, 'sent', 1, 0, D('600.00'))]
        transactions, = ereports(sim)  # XSD + schematron passed
        assert text(transactions, 'TransactionsCount') == []
        invoice, = transactions.iter('Invoice')
        assert invoice.findtext('ID') == number
        buyer = invoice.find('Buyer')
        assert (buyer.findtext('CompanyId'),
            buyer.find('CompanyId').get('schemeId')) == (
            'DE136695976', '0223')
        assert buyer.findtext('TaxRegistrationId') == 'DE136695976'
        assert buyer.findtext('PostalAddress/CountryId') == 'DE'
        category = invoice.find('TaxSubTotal/TaxCategory')
        assert [category.findtext(tag) for tag in ('Code', 'Percent',
                'TaxExemptionReasonCode')] == ['AE', '0.00', 'VATEX-EU-AE']
        assert invoice.findtext('TaxSubTotal/TaxableAmount') == '600.00'
        assert sim.duplicate_deposits == 0


def test_p7_export_reported_in_the_category_of_its_e_invoice(sim):
    with committed_database():
        company, einvoice_category = run(swiss_invoice, sim)
        done = run(deposit_due, company, context={'company': company})
        assert [(kind, state, invoices, total)
            for kind, _, state, invoices, _, total, _ in done] == [
            ('transactions', 'sent', 1, D('600.00'))]
        transactions, = ereports(sim)  # XSD + schematron passed
        category = transactions.find('.//Invoice/TaxSubTotal/TaxCategory')
        assert einvoice_category == 'G'
        assert [category.findtext(tag) for tag in ('Code', 'Percent',
                'TaxExemptionReason', 'TaxExemptionReasonCode')] == [
            'G', '0.00', EXPORT_NOTICE, None]
