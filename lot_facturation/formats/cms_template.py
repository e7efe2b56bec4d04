# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""A signer's next CMS signatures made from its first (SPEC C2, issue 14).

Signing many PDFs with one RSA certificate, only two things of a PAdES CMS
change from one PDF to the next: the document digest (in the signed
attributes) and the RSA PKCS#1 v1.5 signature of these attributes, both of
fixed length.  The template is pyHanko's first CMS as DER bytes with the
places of these two values; filling it is two byte splices and one RSA
signature, instead of ~15 ms of asn1crypto objects built and serialised.
Nothing is assumed: a CMS with other attributes, unsigned attributes or
values found twice gives no template.
"""
from dataclasses import dataclass

# The signed attributes pyHanko writes for a PAdES baseline B-B signature:
# none of them but the digest changes between two PDFs
TEMPLATE_ATTRIBUTES = ('content_type', 'message_digest',
    'signing_certificate_v2')


@dataclass(frozen=True)
class CmsTemplate:
    """A detached CMS signature as DER bytes and the places of the values
    that differ from one signed document to the next"""
    der: bytes
    digest_at: int
    digest_length: int
    attrs_at: int
    attrs_end: int
    signature_at: int
    signature_length: int

    @classmethod
    def from_cms(cls, content_info):
        """The template of content_info, or None when more than the digest
        and the signature would change (other attributes, unsigned ones)"""
        signer_info, = content_info['content']['signer_infos']
        attrs = signer_info['signed_attrs']
        types = tuple(a['type'].native for a in attrs)
        if (sorted(types) != sorted(TEMPLATE_ATTRIBUTES)
                or signer_info['unsigned_attrs'].native):
            return None
        digest, = attrs[types.index('message_digest')]['values']
        digest = digest.native
        signature = signer_info['signature'].native
        der = content_info.dump()
        attrs_der = attrs.dump()
        attrs_at = _unique(der, attrs_der)
        digest_at = _unique(der, digest)
        signature_at = _unique(der, signature)
        if (None in {attrs_at, digest_at, signature_at}
                or not attrs_at < digest_at < attrs_at + len(attrs_der)
                <= signature_at):
            return None
        return cls(der, digest_at, len(digest), attrs_at,
            attrs_at + len(attrs_der), signature_at, len(signature))

    def fill(self, digest, sign):
        """The DER CMS of digest, sign signing the DER of the signed
        attributes (a SET, as CMS signs them)"""
        if len(digest) != self.digest_length:
            raise ValueError('digest length')
        der = self.der
        attrs = (der[self.attrs_at:self.digest_at] + digest
            + der[self.digest_at + self.digest_length:self.attrs_end])
        signature = sign(b'\x31' + attrs[1:])
        if len(signature) != self.signature_length:
            raise ValueError('signature length')
        return b''.join([der[:self.attrs_at], attrs,
                der[self.attrs_end:self.signature_at], signature,
                der[self.signature_at + self.signature_length:]])


def _unique(data, part):
    "The offset of part in data if it occurs there once, else None"
    at = data.find(part)
    if at < 0 or data.find(part, at + 1) >= 0:
        return None
    return at
