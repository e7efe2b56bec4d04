"""Throwaway certificates for the signature tests (SPEC C2): a test root
CA and a company certificate it issued, as PKCS#12 with a password."""
import datetime

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = 'S3cr3t-Certif!'


def _name(common_name):
    return x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, 'FR'),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME,
                'Cabinet Dupont Expertise'),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ])


def _certificate(subject, issuer, public_key, signing_key, ca):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
        .subject_name(subject).issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None),
            critical=True)
        .add_extension(x509.KeyUsage(
                digital_signature=not ca, content_commitment=not ca,
                key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                encipher_only=False, decipher_only=False), critical=True))
    return builder.sign(signing_key, hashes.SHA256())


def make_certificate(password=PASSWORD, elliptic=False):
    """Return (PKCS#12 bytes of the company certificate, the root CA as an
    asn1crypto certificate to trust); elliptic: an ECDSA P-256 key for the
    company instead of RSA 2048"""
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = _certificate(_name("Test Root CA"), _name("Test Root CA"),
        root_key.public_key(), root_key, ca=True)
    if elliptic:
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = _certificate(_name("Cabinet Dupont Expertise"), root.subject,
        key.public_key(), root_key, ca=False)
    p12 = pkcs12.serialize_key_and_certificates(
        b'company', key, cert, [root],
        serialization.BestAvailableEncryption(password.encode('utf-8')))
    root_der = root.public_bytes(serialization.Encoding.DER)
    return p12, asn1_x509.Certificate.load(root_der)


def signature_status(pdf, root):
    "pyHanko's validation status of the only signature of pdf"
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    signature, = reader.embedded_signatures
    return validate_pdf_signature(
        signature, ValidationContext(trust_roots=[root]))
