"""F1, F2: the data the rules need says the same on the PDF and in the CII.

The notes PMT, PMD and AAB come from the PDF's legal block, once each; a
consumer gets the note BAR B2C and no SIREN is asked for; the option to pay
VAT on debits is printed and becomes BT-8; an invoice number the platforms
refuse blocks the print.  Each XML is taken out of the Factur-X print and
checked by the four validators: 0 fatal finding.
"""
import io
import unittest
import zipfile
from decimal import Decimal

from trytond.modules.company.tests import set_company
from trytond.modules.lot_facturation.exceptions import EInvoiceError
from trytond.modules.lot_facturation.formats import facturx as builder
from trytond.modules.lot_facturation.report.invoice_data import (
    build_documents)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

import world
from test_f1_einvoice_paths import texts, validators
from test_send import pdf_text
from tools_chorus import tax
from tools_einvoice_shapes import customer, invoice, shape_invoices, _line
from tools_send import company, setup_company

NOTES = './/rsm:ExchangedDocument/ram:IncludedNote'


def printed_pdfs(env, invoices):
    "{invoice: (PDF, XML)} of the Factur-X print, in French"
    Report = Pool().get('lot_facturation.invoice_facturx', type='report')
    with set_company(env.company), Transaction().set_context(language='fr'):
        ext, content, _, _ = Report.execute([i.id for i in invoices], {})
    if ext == 'pdf':
        pdfs = [content]
    else:
        archive = zipfile.ZipFile(io.BytesIO(content))
        pdfs = [archive.read('facturx-%s.pdf' % i.number) for i in invoices]
    return {i: (pdf, builder.extract(pdf)[1]) for i, pdf in zip(
            invoices, pdfs)}


def notes(xml):
    "[(subject code, content)] of the document's notes"
    return list(zip(texts(xml, NOTES + '/ram:SubjectCode'),
            texts(xml, NOTES + '/ram:Content')))


class EInvoiceDataTestCase(unittest.TestCase):

    def setUp(self):
        world.restore(company, lang='fr')

    def legal_block(self, env, record):
        "The legal mentions the PDF of record prints, in French"
        with set_company(env.company), Transaction().set_context(
                language='fr'):
            document, = build_documents([record])
        return document.legal_mentions

    @with_transaction()
    def test_f1_notes_pmt_pmd_aab_once_as_the_pdf_says(self):
        env = setup_company()
        record = shape_invoices(env, True, ['vat_rates'])['vat_rates']
        pdf, xml = printed_pdfs(env, [record])[record]
        self.assertEqual(validators(xml).fatal, [])
        found = notes(xml)
        self.assertEqual(sorted(code for code, _ in found),
            ['AAB', 'BAR', 'PMD', 'PMT'])
        self.assertEqual(dict(found)['BAR'], 'B2B')
        block = self.legal_block(env, record)
        self.assertEqual([c for s, c in found if s != 'BAR'], block)
        self.assertIn('40,00', dict(found)['PMT'])
        text = ' '.join(pdf_text(pdf).split())
        for mention in block:
            self.assertIn(' '.join(mention.split()), text)

    @with_transaction()
    def test_f1_consumer_needs_no_siren_gets_b2c_and_no_indemnity(self):
        env = setup_company()
        with set_company(env.company):
            party = customer(env, "Jeanne Moreau", False, kind='consumer')
            record = invoice(env, party, [
                    _line("Déclaration de revenus", 1, '180.00',
                        [env.tax])])
        pdf, xml = printed_pdfs(env, [record])[record]
        self.assertEqual([(f.rule_id, f.text)
                for f in validators(xml).fatal], [])
        found = dict(notes(xml))
        self.assertEqual(found['BAR'], 'B2C')
        self.assertEqual(found['PMT'], "Pas d'indemnité forfaitaire pour "
            "frais de recouvrement : le client est un particulier.")
        self.assertEqual(texts(xml, './/ram:BuyerTradeParty/'
                'ram:SpecifiedLegalOrganization/ram:ID'), [])

    @with_transaction()
    def test_f2_vat_on_debits_printed_and_in_bt8(self):
        pool = Pool()
        Configuration = pool.get('account.configuration')
        env = setup_company()
        with set_company(env.company):
            configuration = Configuration(1)
            configuration.vat_on_debits = True
            configuration.save()
        record = shape_invoices(env, True, ['vat_rates'])['vat_rates']
        pdf, xml = printed_pdfs(env, [record])[record]
        self.assertEqual([(f.rule_id, f.text)
                for f in validators(xml).fatal], [])
        self.assertEqual(texts(xml, './/ram:ApplicableHeaderTradeSettlement/'
                'ram:ApplicableTradeTax/ram:DueDateTypeCode'), ['5'] * 4)
        self.assertIn("Option pour le paiement de la taxe d'après les "
            "débits.", ' '.join(pdf_text(pdf).split()))

    @with_transaction()
    def test_f2_notice_of_a_standard_rate_tax_printed_not_an_exemption(self):
        "BR-S-10: a 20 % breakdown carries no exemption reason"
        Tax = Pool().get('account.tax')
        InvoiceTax = Pool().get('account.invoice.tax')
        env = setup_company()
        notice = "TVA acquittée sur les encaissements"
        Tax.write([tax(env, '0.20')], {'legal_notice': notice})
        record = shape_invoices(env, True, ['vat_rates'])['vat_rates']
        pdf, xml = printed_pdfs(env, [record])[record]
        self.assertEqual([(f.rule_id, f.text)
                for f in validators(xml).fatal], [])
        self.assertEqual(texts(xml, './/ram:ExemptionReason'), [])
        self.assertIn(notice, ' '.join(pdf_text(pdf).split()))
        # the invoice keeps its own copy, editable once posted: the PDF
        # and an exempt breakdown would read that one
        other = "TVA acquittée d'après les encaissements"
        InvoiceTax.write([t for t in record.taxes if t.tax.rate == Decimal(
                    '0.20')], {'legal_notice': other})
        pdf, xml = printed_pdfs(env, [record])[record]
        self.assertEqual(validators(xml).fatal, [])
        self.assertIn(other, ' '.join(pdf_text(pdf).split()))

    @with_transaction()
    def test_f2_without_the_option_no_bt8_no_mention(self):
        env = setup_company()
        record = shape_invoices(env, True, ['vat_rates'])['vat_rates']
        pdf, xml = printed_pdfs(env, [record])[record]
        self.assertEqual(validators(xml).fatal, [])
        self.assertEqual(texts(xml, './/ram:DueDateTypeCode'), [])
        self.assertNotIn("débits", pdf_text(pdf))

    @with_transaction()
    def test_f1_invoice_number_the_platforms_refuse_blocks_the_print(self):
        pool = Pool()
        FiscalYear = pool.get('account.fiscalyear')
        env = setup_company()
        with set_company(env.company):
            fiscalyear, = FiscalYear.search(
                [('company', '=', env.company.id)])
            sequence = fiscalyear.invoice_sequences[0].out_invoice_sequence
            sequence.prefix = 'FA 2026 '
            sequence.save()
        record = shape_invoices(env, True, ['vat_rates'])['vat_rates']
        self.assertTrue(record.number.startswith('FA 2026 '))
        with self.assertRaises(EInvoiceError) as cm:
            printed_pdfs(env, [record])
        self.assertIn("Le numéro de facture %s est refusé par les "
            "plateformes" % record.number, cm.exception.message)
        self.assertIn('BR-FR-02_BT-1', cm.exception.message)  # characters
        Invoice = pool.get('account.invoice')
        self.assertIsNone(Invoice(record.id).printed_date)
