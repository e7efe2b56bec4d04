# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""PAdES signature of PDFs with pyHanko (SPEC C2).

Pure functions: the company certificate (PKCS#12 bytes and its password)
in, a signer out; PDF bytes in, signed PDF bytes out.  The signature is an
incremental update (PAdES baseline B-B, SHA-256): a Factur-X attachment
and the PDF/A metadata are kept and covered by the signature.  The
password is never put in an error message.
"""
import io
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

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
    """SimpleSigner parsing its private key once: pyHanko's parses and
    checks the RSA key at every raw signature, twice per PDF (~60 ms).

    ``bytes_reserved``: the room pyHanko reserved for this signer's first
    signature (it signs once dry to size it, a third of a signature's
    cost); the same certificate and attributes need the same room after.
    """
    _private_key = None
    bytes_reserved = None

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


def load_signer(pkcs12, password):
    "Return a pyHanko signer from a PKCS#12 file and its password"
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
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
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
