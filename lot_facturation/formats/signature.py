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
from dataclasses import dataclass

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

FIELD_NAME = 'Signature'


class SignatureError(Exception):
    "The certificate cannot be used or the PDF cannot be signed"


@dataclass(frozen=True)
class SignatureInfo:
    "What the signature says, shown to PDF readers"
    reason: str = ''
    location: str = ''
    name: str = ''


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
    return signer


def sign_pdf(pdf, signer, info=SignatureInfo()):
    "Return pdf signed by signer (PAdES, incremental update)"
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm='sha256',
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=info.reason or None, location=info.location or None,
        name=info.name or None)
    output = signers.sign_pdf(writer, metadata, signer=signer)
    return output.getvalue()
