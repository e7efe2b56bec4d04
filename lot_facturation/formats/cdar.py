"""CDAR lifecycle messages (AFNOR XP Z12-012): built and read through pyfrctc.

pyfrctc's ``generate_cdar`` writes the message and ``parse_cdar`` reads it.
Two gaps of pyfrctc 0.24 are filled here, on the document it produced:

- the VAT rate of each collected amount (MDT-224, ``ram:ValuePercent``),
  which BR-FR-CDV-14 requires on a 212 "Encaissée" and pyfrctc neither
  writes nor reads;
- amounts read as Decimal from the XML text (pyfrctc parses them as float).

Every message built here passes the CDAR XSD and the BR-FR-CDV schematron
shipped with pyfrctc before its bytes are returned.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pyfrctc
from lxml import etree
from pyfrctc.pyfrctc import CDAR_NS_MAP

from ..validation.pa_documents import check_cdar

RAM = '{%s}' % CDAR_NS_MAP['ram']
CENT = Decimal('0.01')
GUIDELINE = 'urn.cpro.gouv.fr:1p0:CDV:invoice'
SIREN_SCHEME = '0002'
ADDRESS_SCHEME = '0225'
COLLECTED = 'MEN'
# Status names of XP Z12-012 (MDT-106), keyed by their code (MDT-105).
STATUS_NAMES = {
    '200': 'Déposée', '201': 'Émise par la plateforme',
    '202': 'Reçue par la plateforme', '203': 'Mise à disposition',
    '204': 'Prise en charge', '205': 'Approuvée',
    '206': 'Approuvée partiellement', '207': 'En litige',
    '208': 'Suspendue', '209': 'Complétée', '210': 'Refusée',
    '211': 'Paiement transmis', '212': 'Encaissée', '213': 'Rejetée',
    '214': 'Visée', '220': 'Annulée', '221': 'Erreur de routage',
    }
# Statuses of the transmission phase (MDT-77 = 305): issued by a platform.
TRANSMISSION_CODES = {'200', '201', '202', '203', '213', '221'}
_ACK = ('//rsm:CrossDomainAcknowledgementAndResponse'
    '/rsm:AcknowledgementDocument/ram:ReferenceReferencedDocument')


@dataclass(frozen=True)
class TradeParty:
    "A party of the message: role SE seller, BY buyer, WK platform."
    role: str
    name: str
    siren: str = ''
    electronic_address: str = ''


@dataclass(frozen=True)
class VatAmount:
    "An amount (signed, VAT included) collected at one VAT rate (percent)."
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class StatusMessage:
    "One lifecycle status of one invoice, as the sender states it."
    message_id: str
    issued_at: dt.datetime
    code: str
    sender: TradeParty
    recipient: TradeParty
    invoice_number: str
    invoice_date: dt.date
    seller_siren: str
    invoice_type: str = '380'
    reason_code: str = ''
    reason: str = ''
    comment: str = ''
    amounts: tuple = ()
    payment_date: dt.date = None
    currency: str = 'EUR'
    business_process: str = 'REGULATED'


@dataclass(frozen=True)
class ParsedStatus:
    "What a received CDAR says; ``amounts`` only on 212 (collected amounts)."
    message_id: str
    code: str
    name: str
    issued_at: dt.datetime
    invoice_number: str
    invoice_date: dt.date
    seller_siren: str
    reason_code: str
    reason: str
    comment: str
    amounts: tuple
    payment_date: dt.date


def _money(value):
    return str(Decimal(value).quantize(CENT))


def _party_ids(party, phase):
    # BR-FR-CDV-07: no GlobalID for a platform issuer (phase 305).
    if phase == '305' or not party.siren:
        return {}
    return {SIREN_SCHEME: party.siren}


def _doc_status(message):
    status = {}
    for key, value in (('MDT-113', message.reason_code),
            ('MDT-114', message.reason), ('MDT-126', message.comment)):
        if value:
            status[key] = value
    if message.amounts:
        status['MDG-43'] = [{
                'MDT-207': COLLECTED,
                'MDT-215': {'float': _money(line.amount),
                    'currency': message.currency},
                'MDT-219': message.payment_date,
                } for line in message.amounts]
    return [status] if status else []


def _data_dict(message):
    "The MDT-* dictionary of pyfrctc's generate_cdar."
    phase = '305' if message.code in TRANSMISSION_CODES else '23'
    recipient = message.recipient
    return {
        'MDT-2': message.business_process, 'MDT-3': GUIDELINE,
        'MDT-4': message.message_id, 'MDT-8': message.issued_at,
        'MDT-21': message.sender.role,
        'MDT-38': _party_ids(message.sender, phase),
        'MDT-39': message.sender.name, 'MDT-40': message.sender.role,
        'MDT-57': _party_ids(recipient, '23'),
        'MDT-58': recipient.name, 'MDT-59': recipient.role,
        'MDT-73': recipient.electronic_address or recipient.siren,
        'MDT-73-1': ADDRESS_SCHEME,
        'MDT-74': False, 'MDT-77': phase, 'MDT-78': message.issued_at,
        'MDT-87': message.invoice_number, 'MDT-91': message.invoice_type,
        'MDT-100': message.invoice_date, 'MDT-105': message.code,
        'MDT-106': STATUS_NAMES.get(message.code, message.code),
        'MDT-129': {SIREN_SCHEME: message.seller_siren},
        'MDG-37': _doc_status(message),
        }


def _add_rates(xml_bytes, amounts):
    "Write MDT-224 (VAT rate) after each collected amount pyfrctc wrote."
    root = etree.fromstring(xml_bytes)
    lines = [node for node in root.iter(
            RAM + 'SpecifiedDocumentCharacteristic')
        if node.findtext(RAM + 'TypeCode') == COLLECTED]
    if len(lines) != len(amounts):
        raise RuntimeError('pyfrctc wrote %s collected amounts, not %s' % (
                len(lines), len(amounts)))
    for node, line in zip(lines, amounts):
        # Last child: ValuePercent follows ValueAmount/ValueDateTime (XSD).
        etree.SubElement(node, RAM + 'ValuePercent').text = _money(line.rate)
    return etree.tostring(
        root, pretty_print=True, xml_declaration=True, encoding='UTF-8')


def build_status(message):
    "CDAR bytes of ``message``, checked against the XSD and BR-FR-CDV rules."
    if message.code == '212' and not message.amounts:
        raise ValueError('A 212 status needs the amount per VAT rate')
    xml_bytes = pyfrctc.generate_cdar(_data_dict(message), check_xsd=False)
    if message.amounts:
        xml_bytes = _add_rates(xml_bytes, message.amounts)
    check_cdar(xml_bytes)
    return xml_bytes


def build_payment_received(message_id, issued_at, seller, buyer,
        invoice_number, invoice_date, payment_date, amounts,
        invoice_type='380', currency='EUR'):
    """212 "Encaissée" from the seller to the buyer: amounts per VAT rate,
    positive for a payment, negative for a cancelled one (bounced cheque)."""
    amounts = tuple(amounts)
    if not amounts or any(line.amount == 0 for line in amounts):
        raise ValueError('A 212 status needs non-zero amounts per VAT rate')
    return build_status(StatusMessage(
            message_id=message_id, issued_at=issued_at, code='212',
            sender=seller, recipient=buyer, invoice_number=invoice_number,
            invoice_date=invoice_date, seller_siren=seller.siren,
            invoice_type=invoice_type, amounts=amounts,
            payment_date=payment_date, currency=currency))


def _collected(root):
    "Collected amounts (MEN) as Decimal, with their rate and date."
    amounts, payment_date = [], None
    for node in root.xpath(
            f'{_ACK}/ram:SpecifiedDocumentStatus'
            '/ram:SpecifiedDocumentCharacteristic', namespaces=CDAR_NS_MAP):
        if node.findtext(RAM + 'TypeCode') != COLLECTED:
            continue
        amounts.append(VatAmount(
                rate=Decimal(node.findtext(RAM + 'ValuePercent') or '0'),
                amount=Decimal(node.findtext(RAM + 'ValueAmount'))))
        text = node.xpath('string(ram:ValueDateTime/udt:DateTimeString)',
            namespaces=CDAR_NS_MAP).strip()
        if text:
            payment_date = dt.datetime.strptime(text, '%Y%m%d').date()
    return tuple(amounts), payment_date


def _text(root, xpath):
    return root.xpath(f'string({xpath})', namespaces=CDAR_NS_MAP).strip()


def parse_status(xml_bytes):
    "ParsedStatus of a CDAR; raises ValueError when it is not a valid CDAR."
    try:
        parsed = pyfrctc.parse_cdar(xml_bytes, check_xsd=True)
    except Exception as error:  # pyfrctc raises bare Exception on XSD
        raise ValueError(f'Not a valid CDAR message: {error}') from error
    root = etree.fromstring(xml_bytes)
    first = (parsed.get('doc_status') or [{}])[0]
    amounts, payment_date = _collected(root)
    invoice_date = _text(root, f'{_ACK}/ram:FormattedIssueDateTime'
        '/qdt:DateTimeString')
    issuer = parsed.get('invoice_issuer') or {}
    return ParsedStatus(
        message_id=_text(root, '//rsm:ExchangedDocument/ram:ID'),
        code=str(parsed.get('status_code') or ''),
        name=str(parsed.get('status_name') or ''),
        issued_at=parsed.get('lc_datetime'),
        invoice_number=str(parsed.get('invoice_number') or ''),
        invoice_date=(dt.datetime.strptime(invoice_date, '%Y%m%d').date()
            if invoice_date else None),
        seller_siren=issuer.get(SIREN_SCHEME, '') if isinstance(
            issuer, dict) else str(issuer),
        reason_code=str(first.get('reason_code') or ''),
        reason=str(first.get('reason_txt') or ''),
        comment=str(first.get('comment') or ''),
        amounts=amounts, payment_date=payment_date)
