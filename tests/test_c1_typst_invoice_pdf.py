"""C1/S3, issue 14: the French invoice PDF made by Typst carries what the
WeasyPrint one carries, is PDF/A-3b, takes the Factur-X XML and a PAdES
signature."""
import io
import re
import unittest
from contextlib import contextmanager
from decimal import Decimal

import pypdf

import trytond.config as config
from trytond.modules.company.tests import set_company
from trytond.modules.lot_facturation.formats import facturx as builder
from trytond.modules.lot_facturation.formats import signature
from trytond.modules.lot_facturation.formats.invoice_document import (
    InvoiceDocument, PartyBlock)
from trytond.modules.lot_facturation.formats import pdf_typst
from trytond.modules.lot_facturation.report.invoice_data import (
    build_documents)
from trytond.pool import Pool
from trytond.tests.test_tryton import drop_db, with_transaction

from tools_certificate import PASSWORD, make_certificate, signature_status
from tools_pdfa import info_as_xmp, pdfa_id, xmp, xmp_fields
from tools_invoice_samples import EXEMPT_NOTICE, sample_invoices
import world
from tools_send import company, setup_company

# The long sample's lines: 12 × 450 + 1850 at 20 %, 2.5 × 120 at 10 %,
# 2 × 19.99 at 5.5 %, 600 exempt
BASES = {Decimal('0.20'): 12 * Decimal('450') + Decimal('1850'),
    Decimal('0.10'): Decimal('2.5') * Decimal('120'),
    Decimal('0.055'): 2 * Decimal('19.99'), Decimal('0'): Decimal('600')}


def euros(amount):
    "French text of an amount as Tryton's fr language prints it: 9 672,18 €"
    return '%s €' % format(amount, ',.2f').replace(',', ' ').replace('.', ',')


def pdf_text(pdf):
    "Text of each page, no-break spaces as spaces"
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [page.extract_text().replace('\xa0', ' ')
        for page in reader.pages]


@contextmanager
def engine(name):
    "``[lot_facturation] pdf_engine = name`` for the duration"
    if not config.has_section('lot_facturation'):
        config.add_section('lot_facturation')
    old = config.get('lot_facturation', 'pdf_engine', default='weasyprint')
    config.set('lot_facturation', 'pdf_engine', name)
    try:
        yield
    finally:
        config.set('lot_facturation', 'pdf_engine', old)


def render(invoices, name='typst', variant=None):
    Report = Pool().get('lot_facturation.invoice', type='report')
    with engine(name):
        return Report.render_pdfs(invoices, variant=variant)


class TypstInvoicePdfTestCase(unittest.TestCase):

    def setUp(self):
        world.restore(company, lang='fr')

    @classmethod
    def tearDownClass(cls):
        "The next test classes expect the default (English) database"
        drop_db()

    def samples(self):
        env = setup_company()
        return env, sample_invoices(env)

    @with_transaction()
    def test_c1_typst_pdf_shows_amounts_identifiers_legal_mentions(self):
        env, samples = self.samples()
        invoice = samples['long']
        with set_company(env.company):
            pages = pdf_text(render([invoice])[invoice.id])
            document, = build_documents([invoice])
        self.assertEqual(len(pages), 2)
        self.assertIn('1 / 2', pages[0])
        self.assertIn('2 / 2', pages[1])
        text = '\n'.join(pages)
        untaxed = sum(BASES.values())
        taxes = sum((base * rate).quantize(Decimal('0.01'))
            for rate, base in BASES.items())
        for amount in [untaxed, taxes, untaxed + taxes] + [
                (base * rate).quantize(Decimal('0.01'))
                for rate, base in BASES.items()]:
            self.assertIn(euros(amount), text)
        self.assertEqual(invoice.total_amount, untaxed + taxes)
        self.assertIn('FACTURE', text)
        self.assertIn('Numéro %s' % invoice.number, text)
        seller, customer = document.seller, document.customer
        for identifier in [seller.siren, seller.vat, customer.siren]:
            self.assertTrue(identifier)
            self.assertIn(identifier, text)
        self.assertIn('N° TVA intracom. %s' % seller.vat, text)
        for mention in [
                "Pas d'escompte pour paiement anticipé.",
                "Pénalités de retard exigibles le jour suivant la date "
                "d'échéance",
                "Indemnité forfaitaire pour frais de recouvrement",
                "(Code de commerce art. L441-10) : 40,00 €.",
                EXEMPT_NOTICE,
                "Période du 01.01.2026 au 31.12.2026",
                "IBAN FR76 3000 6000 0112 3456 7890 189 BIC AGRIFRPP",
                "CONDITIONS DE PAIEMENT 50 % à 30 jours, solde à 60 jours",
                "Votre référence LETTRE-MISSION-2026",
                "Montant HT", "Taux de TVA", "Total TTC", "Facturé à".upper(),
                ]:
            self.assertIn(mention, text.replace('\n', ' '))
        # The lines table goes on on page 2 under its repeated header
        self.assertIn('Désignation Qté P.U. HT TVA Montant HT', pages[1])

    @with_transaction()
    def test_c1_typst_pdf_has_every_word_of_the_html_pdf(self):
        "Same documents, same translations: nothing the HTML shows is lost"
        env, samples = self.samples()
        invoices = list(samples.values())
        with set_company(env.company):
            html = render(invoices, 'weasyprint')
            typst = render(invoices, 'typst')
        for invoice in invoices:
            words = [set(re.findall(r'\w+', ' '.join(pdf_text(pdfs[
                                invoice.id])))) for pdfs in [html, typst]]
            self.assertGreater(len(words[0]), 80)
            self.assertEqual(words[0] - words[1], set(), invoice.number)

    @with_transaction()
    def test_c1_typst_credit_note_is_titled_and_negative(self):
        env, samples = self.samples()
        credit = samples['credit-note']
        with set_company(env.company):
            text = ' '.join(pdf_text(render([credit])[credit.id]))
        self.assertIn('AVOIR', text)
        self.assertIn('Total TTC %s' % euros(credit.total_amount), text)
        self.assertTrue(credit.total_amount < 0)

    @with_transaction()
    def test_c1_typst_pdf_is_pdfa_3b_with_embedded_dejavu(self):
        env, samples = self.samples()
        invoice = samples['simple']
        with set_company(env.company):
            pdf = render([invoice], variant='pdf/a-3b')[invoice.id]
        self.assertEqual(pdfa_id(pdf), ('3', 'B'))
        # In the customer's language
        self.assertIn('<dc:language><rdf:Bag><rdf:li>fr</rdf:li>', xmp(pdf))
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        self.assertIn('/OutputIntents', reader.trailer['/Root'])
        fonts = [font.get_object() for page in reader.pages
            for font in page['/Resources']['/Font'].values()]
        self.assertTrue(fonts)
        for font in fonts:
            self.assertIn('DejaVuSans', font['/BaseFont'])
            descendant = font['/DescendantFonts'][0].get_object()
            self.assertIn('/FontFile2', descendant['/FontDescriptor'])

    @with_transaction()
    def test_c1_typst_facturx_embeds_and_extracts(self):
        Invoice = Pool().get('account.invoice')
        env, samples = self.samples()
        invoice = samples['long']
        with set_company(env.company), engine('typst'):
            pdf = Invoice.render_facturx([invoice])[invoice.id]
        filename, xml = builder.extract(pdf)
        self.assertEqual(filename, 'factur-x.xml')
        builder.check_xml(xml)
        self.assertIn(invoice.number.encode(), xml)
        self.assertEqual(pdfa_id(pdf), ('3', 'B'))
        self.assertIn('EN 16931', xmp(pdf))
        self.assertIn(invoice.number, pdf_text(pdf)[0])

    @with_transaction()
    def test_c2_typst_signed_facturx_verifies(self):
        Invoice = Pool().get('account.invoice')
        env, samples = self.samples()
        invoice = samples['simple']
        p12, root = make_certificate()
        with set_company(env.company), engine('typst'):
            pdf = Invoice.render_facturx([invoice])[invoice.id]
        signed = signature.sign_pdf(pdf,
            signature.load_signer(p12, PASSWORD),
            signature.SignatureInfo(reason='Facture %s' % invoice.number))
        status = signature_status(signed, root)
        self.assertTrue(status.intact and status.valid and status.trusted)
        self.assertEqual(builder.extract(signed)[0], 'factur-x.xml')
        self.assertEqual(pdfa_id(signed), ('3', 'B'))
        fields = xmp_fields(signed)
        self.assertEqual(fields['fx:ConformanceLevel'], 'EN 16931')
        # the signature's update keeps the Info dictionary equal to the XMP
        info = info_as_xmp(signed)
        self.assertEqual(info, {k: fields.get(k) for k in info})
        self.assertIn('pdf:Producer', info)

    @with_transaction()
    def test_s3_typst_report_prints_several_invoices_in_one_pdf(self):
        Report = Pool().get('lot_facturation.invoice', type='report')
        env, samples = self.samples()
        ids = [samples['simple'].id, samples['long'].id]
        with set_company(env.company), engine('typst'):
            ext, content, _, _ = Report.execute(ids, {})
        self.assertEqual(ext, 'pdf')
        pages = pdf_text(content)
        self.assertEqual(len(pages), 3)
        self.assertIn('1 / 1', pages[0])
        self.assertIn('2 / 2', pages[2])


def _document(number):
    party = PartyBlock(name="Client", address_lines=["1 rue A", "75001 Paris"])
    return InvoiceDocument(title="Invoice", number=number, date="2026-03-01",
        seller=party, customer=party, total_amount="1.00 €",
        footer_lines=["Seller"])


class TypstRendererTestCase(unittest.TestCase):
    "The engine alone, on plain documents"

    def test_c1_typst_batch_numbers_pages_per_invoice(self):
        renderer = pdf_typst.renderer()
        pdf = renderer.render_batch([_document('A-1'), _document('A-2')])
        pages = pdf_text(pdf)
        self.assertEqual(len(pages), 2)
        for page, number in zip(pages, ['A-1', 'A-2']):
            self.assertIn(number, page)
            self.assertIn('1 / 1', page)
        # Untranslated labels are printed in English as written
        self.assertIn('Invoiced To'.upper(), pages[0])

    def test_c1_typst_template_texts_all_have_a_french_translation(self):
        "No English label on a French invoice"
        import pathlib
        import polib
        po = polib.pofile(str(pathlib.Path(pdf_typst.__file__).parent.parent
                / 'locale' / 'fr.po'))
        french = {e.msgid: e.msgstr for e in po
            if e.msgctxt == 'report:lot_facturation.invoice:'}
        labels = pdf_typst.renderer().labels
        self.assertGreater(len(labels), 25)
        self.assertEqual([t for t in labels if not french.get(t)], [])

    def test_c1_typst_data_is_not_typst_code(self):
        "Markup characters in the data are printed, never interpreted"
        document = _document('#pagebreak() $x$ *bold* <l> @ref')
        text = pdf_text(pdf_typst.renderer().render(document))
        self.assertEqual(len(text), 1)
        self.assertIn('#pagebreak() $x$ *bold* <l> @ref', text[0])

    def test_c1_typst_without_dejavu_names_the_debian_package(self):
        with self.assertRaisesRegex(pdf_typst.TypstPdfError,
                'fonts-dejavu-core'):
            pdf_typst.TypstRenderer(font_dirs=[])

    def test_c1_typst_template_importing_a_package_is_refused(self):
        import tempfile
        with tempfile.NamedTemporaryFile('w', suffix='.typ') as template:
            template.write('#import "@preview/tablex:0.0.8": tablex\n')
            template.flush()
            with self.assertRaisesRegex(pdf_typst.TypstPdfError, 'download'):
                pdf_typst.TypstRenderer(template.name)
