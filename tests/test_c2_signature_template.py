"""C2: the signatures after a signer's first are its first CMS with the
new document digest and RSA signature; they must be the very CMS pyHanko
would make and verify like it."""
import asyncio
import io
import re
import unittest

import pypdf
from asn1crypto import cms
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from trytond.modules.lot_facturation.formats import signature

from tools_certificate import PASSWORD, make_certificate, signature_status

INFO = signature.SignatureInfo(reason='Facture FA-1', name='Cabinet')


def blank_pdf(title):
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({'/Title': title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def cms_of(pdf):
    "The CMS signature of a signed PDF"
    *_, contents = re.finditer(rb'/Contents\s*<([0-9a-fA-F]*)>', pdf)
    return cms.ContentInfo.load(bytes.fromhex(contents.group(1).decode()))


def document_digest(content_info):
    signer_info, = content_info['content']['signer_infos']
    for attribute in signer_info['signed_attrs']:
        if attribute['type'].native == 'message_digest':
            return attribute['values'][0].native


class SignatureTemplateTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.p12, cls.root = make_certificate()

    def sign_three(self, p12):
        signer = signature.load_signer(p12, PASSWORD)
        return [signature.sign_pdf(blank_pdf('Facture %d' % k), signer, INFO)
            for k in range(3)]

    def test_c2_later_signatures_are_pyhanko_own_cms(self):
        *_, pdf = self.sign_three(self.p12)
        made = cms_of(pdf)
        plain = signers.SimpleSigner.load_pkcs12_data(
            self.p12, other_certs=[], passphrase=PASSWORD.encode())
        expected = asyncio.run(plain.async_sign(document_digest(made),
                'sha256', use_pades=True,
                signed_attr_settings=PdfCMSSignedAttributes()))
        self.assertEqual(made.dump(), expected.dump())

    def test_c2_every_signature_of_a_signer_verifies(self):
        pdfs = self.sign_three(self.p12)
        self.assertEqual(len({document_digest(cms_of(p)) for p in pdfs}), 3)
        for pdf in pdfs:
            status = signature_status(pdf, self.root)
            self.assertTrue(status.intact)
            self.assertTrue(status.valid)
            self.assertTrue(status.bottom_line)

    def test_c2_tampered_later_signature_fails_verification(self):
        *_, pdf = self.sign_three(self.p12)
        tampered = pdf.replace(b'Facture 2', b'Facture 7')
        self.assertNotEqual(tampered, pdf)
        status = signature_status(tampered, self.root)
        self.assertFalse(status.intact)
        self.assertFalse(status.bottom_line)

    def test_c2_elliptic_certificate_signs_every_pdf(self):
        "ECDSA signatures vary in length: each one is pyHanko's own"
        p12, root = make_certificate(elliptic=True)
        for pdf in self.sign_three(p12):
            status = signature_status(pdf, root)
            self.assertTrue(status.intact)
            self.assertTrue(status.bottom_line)
            signer_info, = cms_of(pdf)['content']['signer_infos']
            self.assertEqual(
                signer_info['signature_algorithm']['algorithm'].native,
                'sha256_ecdsa')
