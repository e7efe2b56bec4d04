# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""PAdES signature of PDFs with pyHanko (SPEC C2).

Pure functions: the company certificate (PKCS#12 bytes and its password)
in, a signer out; PDF bytes in, signed PDF bytes out.  The signature is an
incremental update (PAdES baseline B-B, SHA-256): a Factur-X attachment
and the PDF/A metadata are kept and covered by the signature.  The
password is never put in an error message.

Signing many PDFs with one RSA certificate, pyHanko makes the first CMS
of a signer and the next ones are that CMS with a new digest and signature
(``cms_template``): asn1crypto's object model is not rebuilt for every PDF
(~15 ms).
"""
import functools
import io
import re
from dataclasses import dataclass

from asn1crypto import cms
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from .cms_template import CmsTemplate

FIELD_NAME = 'Signature'


class SignatureError(Exception):
    "The certificate cannot be used or the PDF cannot be signed"


@dataclass(frozen=True)
class SignatureInfo:
    "What the signature says, shown to PDF readers"
    reason: str = ''
    location: str = ''
    name: str = ''


class _KeyOnceSigner(signers.SimpleSigner):
    """SimpleSigner for many PDFs: it parses its private key once (pyHanko
    parses and checks the RSA key at every raw signature, ~60 ms per PDF)
    and fills its first CMS as a template for the next ones.

    ``bytes_reserved``: the room pyHanko reserved for this signer's first
    signature (it signs once dry to size it, a third of a signature's
    cost); the same certificate and attributes need the same room after.
    """
    _private_key = None
    bytes_reserved = None
    _templates = None

    async def async_sign(self, data_digest, digest_algorithm, dry_run=False,
            use_pades=False, timestamper=None, signed_attr_settings=None,
            is_pdf_sig=True, encap_content_info=None):
        plain = (use_pades and not dry_run and timestamper is None
            and is_pdf_sig and encap_content_info is None
            and _plain(signed_attr_settings)
            and self._rsa_pkcs1(digest_algorithm))
        if self._templates is None:
            self._templates = {}
        key = digest_algorithm.lower()
        template = self._templates.get(key) if plain else None
        if template is not None:
            return cms.ContentInfo.load(template.fill(data_digest,
                    lambda data: self.sign_raw(data, key)))
        content_info = await super().async_sign(data_digest,
            digest_algorithm, dry_run=dry_run, use_pades=use_pades,
            timestamper=timestamper, signed_attr_settings=signed_attr_settings,
            is_pdf_sig=is_pdf_sig, encap_content_info=encap_content_info)
        if plain and key not in self._templates:
            self._templates[key] = CmsTemplate.from_cms(content_info)
        return content_info

    def _rsa_pkcs1(self, digest_algorithm):
        "Whether signatures are RSA PKCS#1 v1.5, of the key's fixed length"
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            return mechanism.signature_algo == 'rsassa_pkcs1v15'
        except ValueError:
            return False

    def sign_raw(self, data, digest_algorithm):
        if self._private_key is None:
            self._private_key = serialization.load_der_private_key(
                self.signing_key.dump(), password=None)
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algorithm = mechanism.signature_algo
        except ValueError:
            algorithm = None
        if (algorithm == 'rsassa_pkcs1v15'
                and isinstance(self._private_key, RSAPrivateKey)):
            return self._private_key.sign(data, PKCS1v15(),
                get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)


def _plain(settings):
    "Whether the signed attributes asked for are only PAdES' default ones"
    return settings is None or (settings.adobe_revinfo_attr is None
        and settings.cades_signed_attrs is None)


@functools.lru_cache(maxsize=16)
def load_signer(pkcs12, password):
    """Return a pyHanko signer from a PKCS#12 file (bytes) and its password.

    The signer of a certificate is kept by the process: sending one invoice
    at a time, every PDF after the first is signed by its template."""
    passphrase = password.encode('utf-8') if password else None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            pkcs12, other_certs=[], passphrase=passphrase)
    except Exception as exception:
        raise SignatureError(type(exception).__name__) from None
    if signer is None:
        # pyHanko returns None on a wrong password or an unreadable file
        raise SignatureError('PKCS#12')
    return _KeyOnceSigner(signing_cert=signer.signing_cert,
        signing_key=signer.signing_key, cert_registry=signer.cert_registry,
        signature_mechanism=signer.signature_mechanism)


def sign_pdf(pdf, signer, info=SignatureInfo()):
    "Return pdf signed by signer (PAdES, incremental update)"
    return sign_writer(
        IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False), signer, info)


def sign_writer(writer, signer, info=SignatureInfo()):
    """Return the PDF of writer, an incremental update, signed by signer
    (what writer adds is written and signed in the same update)"""
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm='sha256',
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=info.reason or None, location=info.location or None,
        name=info.name or None)
    reserved = getattr(signer, 'bytes_reserved', None)
    output = signers.sign_pdf(
        writer, metadata, signer=signer, bytes_reserved=reserved).getvalue()
    if reserved is None and isinstance(signer, _KeyOnceSigner):
        signer.bytes_reserved = _reserved(output)
    return output


def _reserved(pdf):
    "Hex digits of the signature's /Contents, as pyHanko reserved them."
    *_, contents = re.finditer(rb'/Contents\s*<([0-9a-fA-F]*)>', pdf)
    return len(contents.group(1))
