"""C2: PAdES signature of the archived and Chorus PDFs with the company
certificate (administrators only)."""
import unittest

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import set_company
from trytond.modules.lot_facturation.formats import facturx as builder
from trytond.modules.lot_facturation.formats import signature
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.tools.logging import format_args
from trytond.transaction import Transaction

import world
from tools_certificate import PASSWORD, make_certificate, signature_status
from tools_chorus import multi_vat_invoices
from tools_pdfa import info_as_xmp, pdfa_id, xmp_fields
from tools_send import company


def configure_certificate(company, p12, password=PASSWORD):
    Configuration = Pool().get('account.configuration')
    with set_company(company):
        config = Configuration(1)
        config.signature_certificate = p12
        config.signature_certificate_name = 'cabinet.p12'
        config.signature_password = password
        config.save()


class SignatureTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.p12, cls.root = make_certificate()

    def setUp(self):
        world.restore(company)

    def facturx_pdf(self, sign=True):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        env, (invoice,) = multi_vat_invoices()
        if sign:
            configure_certificate(env.company, self.p12)
        with set_company(env.company):
            pdfs = Invoice.render_facturx([invoice])
            return invoice, Invoice.sign_pdfs([invoice], pdfs)[invoice.id]

    def certified_invoices(self, count):
        "(env, count posted invoices) of a company with the certificate"
        env, invoices = multi_vat_invoices(count=count)
        configure_certificate(env.company, self.p12)
        return env, invoices

    @with_transaction()
    def test_c2_signed_facturx_verifies_and_keeps_its_xml(self):
        invoice, pdf = self.facturx_pdf()
        status = signature_status(pdf, self.root)
        self.assertTrue(status.intact)
        self.assertTrue(status.valid)
        self.assertTrue(status.trusted)
        self.assertTrue(status.bottom_line)
        self.assertIn('Cabinet Dupont Expertise',
            status.signing_cert.subject.human_friendly)
        self.assertIn(invoice.number, signature_reason(pdf))
        filename, xml = builder.extract(pdf)
        self.assertEqual(filename, 'factur-x.xml')
        self.assertIn(invoice.number.encode(), xml)

    @with_transaction()
    def test_c2_every_pdf_of_a_chunk_verifies(self):
        "The room sized for the first signature serves the next ones."
        Invoice = Pool().get('account.invoice')
        env, invoices = self.certified_invoices(3)
        with set_company(env.company):
            signed = Invoice.sign_pdfs(
                invoices, Invoice.render_facturx(invoices))
        self.assertEqual(len(signed), 3)
        for invoice in invoices:
            pdf = signed[invoice.id]
            self.assertTrue(signature_status(pdf, self.root).bottom_line)
            self.assertIn(invoice.number, signature_reason(pdf))
        self.assertEqual(len({signature._reserved(p)
                    for p in signed.values()}), 1)

    @with_transaction()
    def test_c2_facturx_signed_in_the_update_that_attaches_its_xml(self):
        "What the Chorus export sends: signed PDF/A-3 Factur-X, one update"
        Invoice = Pool().get('account.invoice')
        env, invoices = self.certified_invoices(2)
        with set_company(env.company):
            plain = Invoice.render_facturx(invoices)
            signed = Invoice.render_facturx(invoices, sign=True)
        for invoice in invoices:
            pdf = signed[invoice.id]
            self.assertTrue(signature_status(pdf, self.root).bottom_line)
            self.assertIn(invoice.number, signature_reason(pdf))
            filename, xml = builder.extract(pdf)
            self.assertEqual(xml, builder.extract(plain[invoice.id])[1])
            self.assertEqual(pdfa_id(pdf), ('3', 'B'))
            fields = xmp_fields(pdf)
            self.assertEqual(fields['fx:DocumentFileName'], filename)
            info = info_as_xmp(pdf)
            self.assertEqual(info, {k: fields.get(k) for k in info})
            # the renderer's PDF and one incremental update
            self.assertEqual(pdf.count(b'%%EOF'), 2)
            self.assertEqual(plain[invoice.id].count(b'%%EOF'), 2)

    @with_transaction()
    def test_c2_tampered_signed_pdf_fails_verification(self):
        invoice, pdf = self.facturx_pdf()
        number = invoice.number.encode()
        self.assertIn(number, pdf)
        # Change the document title (Info dictionary, in clear), which
        # the signature covers: "Facture 1" -> "Facture 9"
        position = pdf.index(b'/Title') + 1
        position = pdf.index(number, position)
        other = b'8' if number.startswith(b'9') else b'9'
        tampered = pdf[:position] + other * len(number) + pdf[
            position + len(number):]
        status = signature_status(tampered, self.root)
        self.assertFalse(status.intact)
        self.assertFalse(status.bottom_line)

    @with_transaction()
    def test_c2_untrusted_root_is_not_trusted(self):
        _, pdf = self.facturx_pdf()
        _, other_root = make_certificate()
        status = signature_status(pdf, other_root)
        self.assertTrue(status.intact)
        self.assertFalse(status.trusted)

    @with_transaction()
    def test_c2_no_certificate_no_signature(self):
        _, pdf = self.facturx_pdf(sign=False)
        self.assertNotIn(b'/ByteRange', pdf)

    @with_transaction()
    def test_c2_signature_status_said_beside_the_box(self):
        "Ticked without a certificate signs nothing: the form says so"
        Configuration = Pool().get('account.configuration')
        env, _ = multi_vat_invoices(post=False)
        with set_company(env.company):
            config = Configuration(1)
            config.sign_invoices = True
            config.save()
            self.assertEqual(Configuration(1).signature_status,
                "No certificate: the invoices are not signed.")
        configure_certificate(env.company, self.p12)
        with set_company(env.company):
            self.assertEqual(Configuration(1).signature_status,
                "The archived and Chorus Pro PDFs are signed with "
                "cabinet.p12.")
            config = Configuration(1)
            config.sign_invoices = False
            config.save()
            self.assertEqual(Configuration(1).signature_status,
                "The invoices are not signed (box unticked).")

    def test_c2_wrong_password_is_a_clear_error_without_the_password(self):
        with self.assertRaises(signature.SignatureError) as cm:
            signature.load_signer(self.p12, 'wrong-password')
        self.assertNotIn('wrong-password', str(cm.exception))
        signature.load_signer(self.p12, PASSWORD)

    @with_transaction()
    def test_c2_wrong_password_raises_translated_error(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        env, (invoice,) = multi_vat_invoices()
        configure_certificate(env.company, self.p12, 'nope')
        with set_company(env.company):
            with self.assertRaises(Exception) as cm:
                Invoice.sign_pdfs([invoice], {invoice.id: b'%PDF'})
        self.assertIn('certificate', cm.exception.message)
        self.assertNotIn('nope', cm.exception.message)

    @with_transaction()
    def test_c2_certificate_for_administrators_only(self):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Configuration = pool.get('account.configuration')
        env, _ = multi_vat_invoices(post=False)
        configure_certificate(env.company, self.p12)
        accountant = User(login='comptable', name="Comptable",
            companies=[env.company], company=env.company,
            groups=[ModelData.get_id('lot_facturation',
                    'group_lot_facturation'),
                ModelData.get_id('account', 'group_account')])
        accountant.save()
        fields = ['signature_password', 'signature_certificate']
        with Transaction().set_user(accountant.id), \
                Transaction().set_context(_check_access=True,
                    company=env.company.id):
            for field in fields:
                with self.assertRaises(AccessError):
                    Configuration.read([1], [field])
            Configuration.read([1], ['archive_invoices'])
        with Transaction().set_user(1), Transaction().set_context(
                _check_access=True, company=env.company.id):
            value, = Configuration.read([1], fields)
        self.assertEqual(value['signature_password'], PASSWORD)

    def test_c2_password_redacted_in_request_log(self):
        logged = str(format_args(
                ([1], {'signature_password': PASSWORD}), {}, True))
        self.assertNotIn(PASSWORD, logged)


def signature_reason(pdf):
    import io
    import pypdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for field in reader.get_fields().values():
        value = field.get('/V')
        if value is not None:
            return value.get_object().get('/Reason')
