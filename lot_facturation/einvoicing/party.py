# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""What e-invoicing needs to know of a customer (SPEC F2, F3).

The customer kind drives the French rules (the note BAR: a French
business or public entity must have its SIREN and a SIREN-based electronic
address) and the default channel (a public entity receives its invoices
through Chorus Pro).  The electronic address (BT-49) defaults to the SIREN
in the directory scheme 0225; a customer without SIREN (foreign, consumer)
is reached at its e-mail address (scheme EM) unless another one is set.
"""
import logging
import re

from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from ..billing import send_rules
from ..transports import pa
from ..validation import data_rules
from .pa_send import pa_client

logger = logging.getLogger(__name__)

CUSTOMER_KINDS = [
    ('business', "French Business"),
    ('public', "Public Entity (Chorus Pro)"),
    ('consumer', "Consumer"),
    ('foreign', "Foreign Customer"),
    ]
# Electronic address schemes (ISO 6523 ICD / EAS) a French invoice meets
SCHEMES = [
    (None, ''),
    ('0225', "French Directory (SIREN...)"),
    ('0009', "SIRET"),
    ('0088', "GLN"),
    ('0060', "DUNS"),
    ('0208', "Belgian Enterprise Number"),
    ('9930', "German VAT Number"),
    ('EM', "E-mail"),
    ]
_PUBLIC = {'invisible': Eval('customer_kind') != 'public'}


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    customer_kind = fields.Selection(CUSTOMER_KINDS, "Customer Kind",
        required=True, sort=False,
        help="Which e-invoicing rules apply to the customer's invoices:\n"
        "- French Business: SIREN and electronic address required, sent "
        "through a Plateforme Agréée from 2027,\n"
        "- Public Entity: invoices deposited on Chorus Pro (SIRET, "
        "service code, engagement number),\n"
        "- Consumer and Foreign Customer: no SIREN needed, the invoices "
        "are e-reported.")
    electronic_address = fields.Char("Electronic Invoicing Address",
        help="The customer's address in the e-invoicing directory "
        "(BT-49).\nLeave empty to use its SIREN (scheme 0225), or else its "
        "e-mail address.")
    electronic_scheme = fields.Selection(SCHEMES,
        "Electronic Address Scheme",
        states={'required': Eval('electronic_address', '') != ''},
        help="The identification scheme of the electronic address: 0225 "
        "for the French directory.")
    electronic_address_used = fields.Function(fields.Char(
            "Electronic Address Used",
            help="The electronic address the e-invoices carry, with its "
            "scheme."),
        'get_electronic_address_used')
    chorus_service_code = fields.Char("Chorus Pro Service Code",
        states=_PUBLIC,
        help="The default service code (code service) of the public "
        "entity's invoices (BT-10).")
    chorus_engagement = fields.Char("Chorus Pro Engagement Number",
        states=_PUBLIC,
        help="The default engagement number (numéro d'engagement) of the "
        "public entity's invoices (BT-13).")
    chorus_service_required = fields.Boolean("Service Code Required",
        states=_PUBLIC,
        help="The Chorus Pro directory requires a service code for this "
        "structure.")
    chorus_engagement_required = fields.Boolean("Engagement Required",
        states=_PUBLIC,
        help="The Chorus Pro directory requires an engagement number for "
        "this structure.")

    @classmethod
    def default_customer_kind(cls):
        return 'business'

    @classmethod
    def default_electronic_scheme(cls):
        return '0225'

    @classmethod
    def default_invoice_send_channel(cls):
        return send_rules.default_channel(
            cls.default_customer_kind(), cls._company_has_pa())

    @staticmethod
    def _company_has_pa():
        "Whether the company of the context sends through a PA"
        Configuration = Pool().get('account.configuration')
        company = Transaction().context.get('company')
        return bool(company) and Configuration.has_pa(
            Pool().get('company.company')(company))

    @classmethod
    def preprocess_values(cls, mode, values):
        """A customer created without channel gets its kind's: Chorus Pro
        for a public entity, the PA for a business once one is set up"""
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('invoice_send_channel'):
            values['invoice_send_channel'] = send_rules.default_channel(
                values.get('customer_kind') or cls.default_customer_kind(),
                cls._company_has_pa())
        return values

    @fields.depends('customer_kind', 'invoice_send_channel')
    def on_change_customer_kind(self):
        channel = send_rules.default_channel(
            self.customer_kind, self._company_has_pa())
        if channel in {'chorus', 'pa'}:
            self.invoice_send_channel = channel
        elif self.invoice_send_channel in {'chorus', 'pa'}:
            self.invoice_send_channel = channel

    @property
    def siren_code(self):
        return self.siren.code_compact if self.siren else ''

    @classmethod
    def pa_directory_absent(cls, company, parties):
        """The parties the directory of company's PA does not know (or
        lists disabled); none when the PA cannot be reached"""
        Configuration = Pool().get('account.configuration')
        config = Configuration.get_pa_config(company)
        if config is None:
            return []
        client = pa_client(config)
        absent = []
        for party in parties:
            try:
                line = client.lookup(party.siren_code) if party.siren_code \
                    else None
            except pa.PAError:
                logger.warning("directory look-up of %s failed",
                    party.siren_code, exc_info=True)
                return []
            if line is None or not line.usable:
                absent.append(party)
        return absent

    def electronic_address_scheme(self):
        """(address, scheme) of BT-49/BT-34: the address set, else the
        SIREN in 0225, else the e-mail in EM; ('', '') when none"""
        if self.electronic_address:
            return self.electronic_address, self.electronic_scheme or ''
        siren = self.siren.code_compact if self.siren else ''
        if siren:
            return siren, data_rules.DIRECTORY
        email = self.contact_mechanism_get('email')
        if email and email.value:
            return email.value, 'EM'
        return '', ''

    def get_electronic_address_used(self, name):
        address, scheme = self.electronic_address_scheme()
        return '%s (%s)' % (address, scheme) if address else ''

    @classmethod
    def validate_fields(cls, parties, field_names):
        super().validate_fields(parties, field_names)
        if field_names & {'electronic_address', 'electronic_scheme'}:
            for party in parties:
                party.check_electronic_address()

    def check_electronic_address(self):
        "The directory's format: letters, digits, + - _ . (BR-FR-23)"
        address = self.electronic_address
        if address and self.electronic_scheme == data_rules.DIRECTORY and (
                len(address) > data_rules.MAX_ADDRESS
                or not re.match(r'^[A-Za-z0-9+\-_.]+$', address)):
            raise ValidationError(gettext(
                    'lot_facturation.msg_party_electronic_address_invalid',
                    party=self.rec_name, address=address))
