# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Company settings of e-invoicing: the certificate signing the archived
and Chorus PDFs (SPEC C2) and the Chorus Pro outbox folder (C4).

Administrators only: the certificate and its password are readable and
writable by the *Facturation en lot / Administration* group alone (model
and field access, data/signature.xml); the code reads them without access
checks to sign.  The password field's name contains "password", which
Tryton's request logging redacts; nothing here logs or shows it.
"""
from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from ..formats import signature
from ..exceptions import ChorusError

SIGNATURE_FIELDS = {
    'signature_certificate', 'signature_certificate_name',
    'signature_password', 'sign_invoices', 'chorus_outbox',
    }


def _certificate():
    return fields.Binary(
        "Signature Certificate", filename='signature_certificate_name',
        help="The company's PKCS#12 certificate (.p12, .pfx) that signs "
        "the archived and Chorus Pro PDFs.")


def _certificate_name():
    return fields.Char("Signature Certificate Name")


def _password():
    return fields.Char(
        "Certificate Password", strip=False,
        help="The password of the PKCS#12 certificate.")


def _sign_invoices():
    return fields.Boolean(
        "Sign Invoices",
        help="Sign the archived and Chorus Pro PDFs with the certificate.")


def _outbox():
    return fields.Char("Chorus Pro Outbox Folder",
        help="Folder of the server where the Chorus Pro exports are "
        "dropped for the EDI connector.\nLeave empty to only download them.")


class Configuration(metaclass=PoolMeta):
    __name__ = 'account.configuration'

    signature_certificate = fields.MultiValue(_certificate())
    signature_certificate_name = fields.MultiValue(_certificate_name())
    signature_password = fields.MultiValue(_password())
    sign_invoices = fields.MultiValue(_sign_invoices())
    chorus_outbox = fields.MultiValue(_outbox())
    signature_status = fields.Function(fields.Char(
            "Signature Status",
            help="Whether the invoices are signed, as configured."),
        'on_change_with_signature_status')

    @fields.depends(
        'signature_certificate', 'signature_certificate_name',
        'sign_invoices')
    def on_change_with_signature_status(self, name=None):
        "Ticked without a certificate signs nothing: said beside the box"
        if not self.signature_certificate:
            return gettext('lot_facturation.msg_signature_no_certificate')
        if not self.sign_invoices:
            return gettext('lot_facturation.msg_signature_off')
        return gettext('lot_facturation.msg_signature_on',
            certificate=self.signature_certificate_name or '')

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in SIGNATURE_FIELDS:
            return pool.get('account.configuration.invoice_signature')
        return super().multivalue_model(field)

    @classmethod
    def default_sign_invoices(cls, **pattern):
        return True

    @classmethod
    @without_check_access
    def get_signer(cls, company):
        """The pyHanko signer of company, or None when it signs nothing;
        raise ChorusError when its certificate cannot be used"""
        config = cls(1)
        pattern = {'company': company.id}
        data = config.get_multivalue('signature_certificate', **pattern)
        if not data or not config.get_multivalue('sign_invoices', **pattern):
            return None
        try:
            return signature.load_signer(bytes(data), config.get_multivalue(
                    'signature_password', **pattern))
        except signature.SignatureError:
            raise ChorusError(gettext(
                    'lot_facturation.msg_chorus_certificate_invalid',
                    company=company.rec_name))


class ConfigurationSignature(ModelSQL, CompanyValueMixin):
    __name__ = 'account.configuration.invoice_signature'

    signature_certificate = _certificate()
    signature_certificate_name = _certificate_name()
    signature_password = _password()
    sign_invoices = _sign_invoices()
    chorus_outbox = _outbox()

    @classmethod
    def default_sign_invoices(cls):
        return True
