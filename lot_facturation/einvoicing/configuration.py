# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Company settings of e-invoicing: the certificate signing the archived
and Chorus PDFs (SPEC C2), the Chorus Pro outbox folder (C4) and the
option to pay VAT on debits (F2, BT-8).

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


def _vat_on_debits():
    return fields.Boolean("VAT on Debits",
        help="The company opted to pay VAT on its services on debits "
        "(option pour le paiement de la taxe d'après les débits): the "
        "invoices print the mention and their e-invoice says VAT is due "
        "on the invoice date (BT-8).")


class Configuration(metaclass=PoolMeta):
    __name__ = 'account.configuration'

    vat_on_debits = fields.MultiValue(_vat_on_debits())

    signature_certificate = fields.MultiValue(_certificate())
    signature_certificate_name = fields.MultiValue(_certificate_name())
    signature_password = fields.MultiValue(_password())
    sign_invoices = fields.MultiValue(_sign_invoices())
    chorus_outbox = fields.MultiValue(_outbox())

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in SIGNATURE_FIELDS:
            return pool.get('account.configuration.invoice_signature')
        if field == 'vat_on_debits':
            return pool.get('account.configuration.einvoicing')
        return super().multivalue_model(field)

    @classmethod
    def default_vat_on_debits(cls, **pattern):
        return False

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


class ConfigurationEInvoicing(ModelSQL, CompanyValueMixin):
    __name__ = 'account.configuration.einvoicing'

    vat_on_debits = _vat_on_debits()

    @classmethod
    def default_vat_on_debits(cls):
        return False
