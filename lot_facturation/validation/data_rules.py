# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The gate's rules, checked on the data before any XML exists (SPEC F1).

The batch preview cannot validate an invoice that does not exist yet, but
it knows the customer, the company and the payment means the invoice will
carry.  Each check here is named after the validator rule the XML would
break (``BR-FR-11`` for a French business customer without SIREN...), so
that ``messages`` words it exactly as the gate does; the checks Chorus Pro
applies beyond the four validators are named ``CHORUS-...``.  The gate
runs them too, beside the XML validators: an invoice the preview lets
through is never refused later for a reason the preview knew.
"""
import re
from dataclasses import dataclass

from .schematron import FATAL, Finding

DATA = 'data'
BUSINESS, PUBLIC, CONSUMER, FOREIGN = (
    'business', 'public', 'consumer', 'foreign')
# The note BAR (BT-21/22) of each customer kind (BR-FR-20)
BAR = {BUSINESS: 'B2B', PUBLIC: 'B2B', CONSUMER: 'B2C', FOREIGN: 'B2BINT'}
DIRECTORY = '0225'  # the French directory of electronic addresses
CREDIT_TRANSFERS = {'30', '58'}  # UNTDID 4461 codes that need the IBAN
_SIREN = re.compile(r'^\d{9}$')
_SIRET = re.compile(r'^\d{14}$')
_ADDRESS_0225 = re.compile(r'^[A-Za-z0-9+\-_.]+$')  # BR-FR-23
_NUMBER = re.compile(r'^[A-Za-z0-9+\-_/]+$')  # BR-FR-02
MAX_ADDRESS, MAX_NUMBER = 125, 35  # BR-FR-25, BR-FR-01


@dataclass(frozen=True)
class Party:
    "What the rules read of the seller or the buyer"
    name: str
    kind: str = BUSINESS
    siren: str = ''
    siret: str = ''
    electronic_address: str = ''
    electronic_scheme: str = ''


@dataclass(frozen=True)
class Facts:
    """An invoice to be: its parties, how it is paid and, for Chorus Pro,
    the references the public buyer asks for"""
    seller: Party
    buyer: Party
    channel: str = ''
    payment_means: str = '30'
    seller_iban: bool = False
    number: str = ''  # the invoice number, or a sample of its sequence
    service_code: str = ''
    engagement: str = ''
    service_required: bool = False
    engagement_required: bool = False


def bar(kind):
    "The BAR note of a customer kind"
    return BAR.get(kind, BAR[BUSINESS])


def is_b2b(kind):
    return bar(kind) == 'B2B'


def check(facts, beyond_xml=False):
    """The fatal findings of facts, in the order the accountant fixes them;
    beyond_xml: only the rules the four validators do not check"""
    findings = []
    for rule in RULES:
        rule_id = rule(facts)
        if rule_id and not (beyond_xml and not rule_id.startswith(
                    'CHORUS-')):
            findings.append(Finding(DATA, rule_id, FATAL, ''))
    return findings


def context(facts):
    "The names the messages quote"
    return {'seller': facts.seller.name, 'buyer': facts.buyer.name,
        'invoice': facts.number}


def _seller_siren(facts):
    if not _SIREN.match(facts.seller.siren or ''):
        return 'BR-FR-10_BT-30'


def _seller_address(facts):
    return _electronic_address(facts.seller, 'BR-FR-13_BT-34', 'BT-34')


def _seller_iban(facts):
    if facts.payment_means in CREDIT_TRANSFERS and not facts.seller_iban:
        return 'CII-SR-470'


def _number(facts):
    number = facts.number
    if number and (len(number) > MAX_NUMBER or not _NUMBER.match(number)):
        return 'BR-FR-01_BT-1' if len(number) > MAX_NUMBER else (
            'BR-FR-02_BT-1')


def _buyer_siren(facts):
    if is_b2b(facts.buyer.kind) and not _SIREN.match(facts.buyer.siren or ''):
        return 'BR-FR-11_BT-47'


def _buyer_address(facts):
    buyer = facts.buyer
    rule = _electronic_address(buyer, 'BR-FR-12_BT-49', 'BT-49')
    if rule:
        return rule
    if is_b2b(buyer.kind) and not (
            buyer.electronic_scheme == DIRECTORY
            and buyer.electronic_address.startswith(buyer.siren)):
        return 'BR-FR-21_BT-49'


def _electronic_address(party, missing, term):
    address = party.electronic_address or ''
    if not address or not party.electronic_scheme:
        return missing
    if party.electronic_scheme == DIRECTORY:
        if len(address) > MAX_ADDRESS:
            return 'BR-FR-25_' + term
        if not _ADDRESS_0225.match(address):
            return 'BR-FR-23_' + term


def _chorus_kind(facts):
    if facts.channel == 'chorus' and facts.buyer.kind != PUBLIC:
        return 'CHORUS-KIND'


def _chorus_siret(facts):
    buyer = facts.buyer
    if buyer.kind == PUBLIC and not (_SIRET.match(buyer.siret or '')
            and buyer.siret.startswith(buyer.siren or '-')):
        return 'CHORUS-SIRET'


def _chorus_service(facts):
    if (facts.buyer.kind == PUBLIC and facts.service_required
            and not facts.service_code):
        return 'CHORUS-SERVICE'


def _chorus_engagement(facts):
    if (facts.buyer.kind == PUBLIC and facts.engagement_required
            and not facts.engagement):
        return 'CHORUS-ENGAGEMENT'


RULES = [
    _seller_siren, _seller_address, _seller_iban, _number,
    _chorus_kind, _buyer_siren, _buyer_address, _chorus_siret,
    _chorus_service, _chorus_engagement,
    ]
