# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Company settings of e-invoicing: the certificate signing the archived
and Chorus PDFs (SPEC C2), the Chorus Pro outbox folder (C4) and the
option to pay VAT on debits (F2, BT-8) and the company's Plateforme
Agréée (P1: API URL, OAuth2 client, test or production).

Administrators only: the certificate, its password and the PA's
credentials are readable and writable by the *Facturation en lot /
Administration* group alone (model and field access, data/chorus.xml,
data/pa.xml); the code reads them without access checks to sign or send.  The password field's name contains "password", which
Tryton's request logging redacts; nothing here logs or shows it.
"""
import trytond.config as tryton_config
from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from ..formats import signature
from ..exceptions import ChorusError, PAConfigurationError
from ..transports import pa

SIGNATURE_FIELDS = {
    'signature_certificate', 'signature_certificate_name',
    'signature_password', 'sign_invoices', 'chorus_outbox',
    }
REPORTING_FIELDS = {'vat_on_debits', 'vat_regime', 'pa_registration'}
VAT_REGIME_SELECTION = [
    ('monthly', "Monthly (Réel normal mensuel)"),
    ('quarterly', "Quarterly (Réel normal trimestriel)"),
    ('simplified', "Simplified (Régime simplifié)"),
    ('franchise', "Franchise (Franchise en base)"),
    ]
PA_FIELDS = {'pa_url', 'pa_client_id', 'pa_client_secret', 'pa_mode'}
PA_MODES = [
    ('test', "Test"),
    ('production', "Production"),
    ]


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


def _vat_regime():
    return fields.Selection(VAT_REGIME_SELECTION, "VAT Regime",
        help="How often the company files its VAT return: it sets the "
        "periods of the e-reporting sent through the PA (every 10 days, "
        "every month or every two months).")


def _pa_registration():
    return fields.Char("PA Registration Number", size=4,
        help="The 4-character registration number (matricule) of the "
        "company's Plateforme Agréée, written in its e-reporting.")


def _pa_url():
    return fields.Char("Approved Platform API URL",
        help="The address of the AFNOR XP Z12-013 API of the company's "
        "Plateforme Agréée (PA).\nLeave empty to not send through a PA.")


def _pa_client_id():
    return fields.Char("PA Client ID",
        help="The OAuth2 client identifier the PA gave the company.")


def _pa_client_secret():
    return fields.Char("PA Client Secret", strip=False,
        help="The OAuth2 client secret the PA gave the company.")


def _pa_mode():
    return fields.Selection(PA_MODES, "PA Environment",
        help="Test: the PA's test environment (a local test PA may be "
        "reached over http).\nProduction: the invoices are legally sent.")


class Configuration(metaclass=PoolMeta):
    __name__ = 'account.configuration'

    vat_on_debits = fields.MultiValue(_vat_on_debits())
    vat_regime = fields.MultiValue(_vat_regime())
    pa_registration = fields.MultiValue(_pa_registration())

    pa_url = fields.MultiValue(_pa_url())
    pa_client_id = fields.MultiValue(_pa_client_id())
    pa_client_secret = fields.MultiValue(_pa_client_secret())
    pa_mode = fields.MultiValue(_pa_mode())

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
        if field in REPORTING_FIELDS:
            return pool.get('account.configuration.einvoicing')
        if field in PA_FIELDS:
            return pool.get('account.configuration.pa')
        return super().multivalue_model(field)

    @classmethod
    def default_pa_mode(cls, **pattern):
        return 'test'

    @classmethod
    @without_check_access
    def get_pa_config(cls, company):
        """The PAConfig of company, or None when it has no PA; raise
        PAConfigurationError when its settings cannot be used"""
        config = cls(1)
        pattern = {'company': company.id}
        url = config.get_multivalue('pa_url', **pattern)
        if not url:
            return None
        try:
            return pa.PAConfig(url=url,
                client_id=config.get_multivalue('pa_client_id', **pattern),
                client_secret=config.get_multivalue(
                    'pa_client_secret', **pattern),
                mode=config.get_multivalue('pa_mode', **pattern) or 'test',
                timeout=tryton_config.getfloat(
                    'lot_facturation', 'pa_timeout', default=30.0))
        except ValueError as error:
            raise PAConfigurationError(gettext(
                    'lot_facturation.msg_pa_configuration_invalid',
                    company=company.rec_name, error=str(error)))

    @classmethod
    def has_pa(cls, company):
        "Whether company sends through a PA (its URL is set)"
        return bool(cls.get_pa_url(company))

    @classmethod
    @without_check_access
    def get_pa_url(cls, company):
        return cls(1).get_multivalue('pa_url', company=company.id)

    @classmethod
    def default_vat_on_debits(cls, **pattern):
        return False

    @classmethod
    def default_vat_regime(cls, **pattern):
        return 'monthly'

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
    vat_regime = _vat_regime()
    pa_registration = _pa_registration()

    @classmethod
    def default_vat_on_debits(cls):
        return False

    @classmethod
    def default_vat_regime(cls):
        return 'monthly'


class ConfigurationPA(ModelSQL, CompanyValueMixin):
    __name__ = 'account.configuration.pa'

    pa_url = _pa_url()
    pa_client_id = _pa_client_id()
    pa_client_secret = _pa_client_secret()
    pa_mode = _pa_mode()

    @classmethod
    def default_pa_mode(cls):
        return 'test'
