"""C1: Factur-X EN 16931 (PDF/A-3 with the CII XML) of customer invoices."""
import io
import unittest
from decimal import Decimal

import facturx
import pypdf
from lxml import etree

from trytond.modules.company.tests import set_company
from trytond.modules.lot_facturation.formats import facturx as builder
from trytond.modules.lot_facturation.formats.pdf import html_to_pdf
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

import world
from tools_chorus import multi_vat_invoices
from tools_cii import cii_xml, sample_invoice
from tools_pdfa import info_as_xmp, pdfa_id, xmp_fields
from tools_send import company, credit_note

NS = {
    'rsm': 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
    'ram': 'urn:un:unece:uncefact:data:standard:'
    'ReusableAggregateBusinessInformationEntity:100',
    }


def text(tree, path):
    return [e.text for e in tree.iterfind(path, NS)]


class FacturXTestCase(unittest.TestCase):

    def setUp(self):
        world.restore(company)

    @with_transaction()
    def test_c1_facturx_passes_xsd_multi_line_multi_vat(self):
        env, (invoice,) = multi_vat_invoices()
        with set_company(env.company):
            xml = invoice.facturx_xml()
        self.assertTrue(
            facturx.xml_check_xsd(xml, flavor='factur-x', level='en16931'))
        tree = etree.fromstring(xml)
        context = './/rsm:ExchangedDocumentContext/ram:'
        self.assertEqual(text(tree, context
                + 'GuidelineSpecifiedDocumentContextParameter/ram:ID'),
            ['urn:cen.eu:en16931:2017'])
        # BT-23: services billed on their own (S1)
        self.assertEqual(text(tree, context
                + 'BusinessProcessSpecifiedDocumentContextParameter/ram:ID'),
            ['S1'])
        self.assertEqual(
            text(tree, './rsm:ExchangedDocument/ram:ID'), [invoice.number])
        # Every line has a product name, with or without product
        self.assertEqual(text(tree, './/ram:SpecifiedTradeProduct/ram:Name'), [
                "Tenue comptable mars 2026", "Déclarations de TVA",
                "Mission de conseil", "Guide fiscal 2026"])
        self.assertEqual(
            text(tree, './/ram:SpecifiedTradeProduct/ram:SellerAssignedID'),
            ['CONSEIL'])
        # 450 + 136.50 = 586.50 at 20 %; 300 at 10 %; 39.98 at 5.5 %
        header = './/ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/'
        self.assertEqual(sorted(zip(
                    text(tree, header + 'ram:RateApplicablePercent'),
                    text(tree, header + 'ram:BasisAmount'),
                    text(tree, header + 'ram:CalculatedAmount'))), [
                ('10', '300.00', '30.00'),
                ('20', '586.50', '117.30'),
                ('5.5', '39.98', '2.20')])
        total = './/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:'
        self.assertEqual(text(tree, total + 'LineTotalAmount'), ['926.48'])
        self.assertEqual(text(tree, total + 'TaxTotalAmount'), ['149.50'])
        self.assertEqual(text(tree, total + 'GrandTotalAmount'), ['1075.98'])
        self.assertEqual(text(tree, total + 'DuePayableAmount'), ['1075.98'])
        self.assertEqual(invoice.total_amount, Decimal('1075.98'))
        # Buyer identified by its SIREN, Chorus service code as reference
        self.assertIn('732829320', text(tree,
                './/ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID'))
        self.assertEqual(text(tree, './/ram:BuyerReference'),
            ['SERVICE-COMPTA'])

    @with_transaction()
    def test_c1_facturx_credit_note_passes_xsd(self):
        env, (invoice,) = multi_vat_invoices()
        credit = credit_note(env, invoice)
        with set_company(env.company):
            xml = credit.facturx_xml()
        builder.check_xml(xml)
        tree = etree.fromstring(xml)
        self.assertEqual(text(tree, './/rsm:ExchangedDocument/ram:TypeCode'),
            ['381'])
        self.assertEqual(text(tree, './/ram:GrandTotalAmount'), ['1075.98'])

    @with_transaction()
    def test_c1_stock_16b_cii_fails_the_factur_x_xsd(self):
        "Why we ship our own template: Tryton 8.0's output is refused"
        pool = Pool()
        EDocument = pool.get('edocument.uncefact.invoice')
        env, (invoice,) = multi_vat_invoices()
        with set_company(env.company):
            xml = EDocument(invoice).render('16B-CII')
        with self.assertRaises(builder.FacturXError):
            builder.check_xml(xml)

    @with_transaction()
    def test_c1_facturx_pdf_embeds_xml_with_number_and_totals(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        env, (invoice,) = multi_vat_invoices()
        with set_company(env.company):
            pdf = Invoice.render_facturx([invoice])[invoice.id]
        filename, xml = builder.extract(pdf)
        self.assertEqual(filename, 'factur-x.xml')
        builder.check_xml(xml)
        tree = etree.fromstring(xml)
        self.assertEqual(
            text(tree, './rsm:ExchangedDocument/ram:ID'), [invoice.number])
        self.assertEqual(text(tree, './/ram:GrandTotalAmount'), ['1075.98'])
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        self.assertEqual(pdfa_id(pdf), ('3', 'B'))
        fields = xmp_fields(pdf)
        self.assertEqual(fields['fx:ConformanceLevel'], 'EN 16931')
        self.assertEqual(fields['fx:DocumentFileName'], 'factur-x.xml')
        self.assertEqual(info_as_xmp(pdf), {k: fields.get(k)
                for k in info_as_xmp(pdf)})
        self.assertIn('Cabinet', fields['dc:creator'])
        self.assertIn('/OutputIntents', reader.trailer['/Root'])
        self.assertIn(invoice.number, reader.pages[0].extract_text())

    @with_transaction()
    def test_c1_facturx_report_from_the_invoice(self):
        pool = Pool()
        Report = pool.get('lot_facturation.invoice_facturx', type='report')
        env, invoices = multi_vat_invoices(count=2)
        with set_company(env.company):
            ext, content, _, name = Report.execute([invoices[0].id], {})
            self.assertEqual(ext, 'pdf')
            self.assertEqual(builder.extract(content)[0], 'factur-x.xml')
            ext, content, _, _ = Report.execute([i.id for i in invoices], {})
            self.assertEqual(ext, 'zip')


def test_c1_facturx_keeps_the_links_of_the_pdf():
    "The named destinations of the PDF (its internal links) stay usable"
    html = ('<html><body><p><a href="#conditions">Conditions</a></p>'
        '<h1 id="conditions">Conditions</h1></body></html>')
    pdf = html_to_pdf(html, 'body {font-family: "DejaVu Sans"}',
        variant='pdf/a-3b')
    xml = cii_xml(sample_invoice())
    result = builder.embed(pdf, xml, title='Facture F1', author='Cabinet')
    names = pypdf.PdfReader(io.BytesIO(result)).trailer['/Root']['/Names']
    assert names['/Dests']['/Names'][0] == 'conditions'
    assert builder.extract(result) == ('factur-x.xml', xml)
    assert pdfa_id(result) == ('3', 'B')
