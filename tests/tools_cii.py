"""A complete French B2B CII invoice (Factur-X EN 16931), built readably.

What a valid French e-invoice carries besides EN 16931 (the BR-FR rules,
AFNOR XP Z12-012, as the FNFE-MPE schematron checks them):

- BT-23 *cadre de facturation* in ``BusinessProcessSpecifiedDocumentContext
  Parameter`` (S1 services, B1 goods, M1 mixed; S4/B4/M4 final invoice
  after a deposit): BR-FR-08;
- the notes PMT (40 EUR recovery indemnity), PMD (late-payment penalties)
  and AAB (early-payment discount, or its absence), each exactly once:
  BR-FR-05, BR-FR-06;
- the seller's SIREN (``SpecifiedLegalOrganization/ID schemeID="0002"``):
  BR-FR-10; the buyer's too when the note BAR says B2B: BR-FR-11;
- seller and buyer electronic addresses BT-34 / BT-49
  (``URIUniversalCommunication/URIID schemeID="0225"``, starting with the
  party's SIREN): BR-FR-12, BR-FR-13, BR-FR-21, BR-FR-23;
- the payee's IBAN when the payment means is a credit transfer (30, 58):
  EN 16931 BR-61 / CII-SR-470;
- invoice numbers of at most 35 characters among A-Z a-z 0-9 + - _ /:
  BR-FR-01, BR-FR-02;
- amounts with 2 decimals, prices positive (at most 6 decimals), VAT rates
  among the French ones: BR-FR-DEC-01..04, BR-FR-16;
- a credit note (381) names the invoice it credits (BT-25, BT-26):
  BR-FR-CO-05.

``sample_invoice()`` returns the data of a monthly accounting-firm invoice;
``cii_xml(invoice)`` builds its XML.  Tests change the data (or the built
tree) to break one rule at a time.
"""
import datetime
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

RSM = 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100'
RAM = ('urn:un:unece:uncefact:data:standard:'
    'ReusableAggregateBusinessInformationEntity:100')
QDT = 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100'
UDT = 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100'
NSMAP = {'rsm': RSM, 'ram': RAM, 'qdt': QDT, 'udt': UDT}
EN16931 = 'urn:cen.eu:en16931:2017'
CENT = Decimal('0.01')

# The three legal mentions of a French B2B invoice (Code de commerce
# L441-9 and D441-5), as notes with their UNTDID 4451 subject codes
LEGAL_NOTES = {
    'PMT': "Indemnité forfaitaire pour frais de recouvrement en cas de "
    "retard de paiement : 40 €.",
    'PMD': "Pénalités de retard : trois fois le taux d'intérêt légal, "
    "exigibles dès le lendemain de l'échéance.",
    'AAB': "Pas d'escompte pour paiement anticipé.",
    }


@dataclass
class Party:
    name: str
    siren: str | None
    vat: str | None
    street: str
    postcode: str
    city: str
    country: str = 'FR'
    electronic_address: str | None = None  # BT-34 / BT-49
    address_scheme: str = '0225'  # French annuaire (SIREN based)
    siret: str | None = None  # public buyers: scheme 0009


@dataclass
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal  # percent
    category: str = 'S'
    unit: str = 'C62'

    @property
    def amount(self):
        return (self.quantity * self.unit_price).quantize(
            CENT, ROUND_HALF_UP)


@dataclass
class Invoice:
    number: str
    issue_date: datetime.date
    due_date: datetime.date
    seller: Party
    buyer: Party
    lines: list
    type_code: str = '380'  # 381 credit note
    business_process: str | None = 'S1'  # BT-23
    notes: dict = field(default_factory=lambda: dict(LEGAL_NOTES))
    bar: str | None = 'B2B'  # note BAR: how the platforms treat it
    buyer_reference: str | None = None  # BT-10 (Chorus: service code)
    order_reference: str | None = None  # BT-13 (Chorus: engagement)
    payment_means: str = '30'  # credit transfer
    iban: str | None = 'FR7630006000011234567890189'
    bic: str | None = 'AGRIFRPP'
    period: tuple | None = None  # BG-14 (start, end)
    delivery_date: datetime.date | None = None  # BT-72 (service done)
    preceding: tuple | None = None  # BT-25, BT-26 (number, date)
    exemption: tuple | None = None  # (reason text, VATEX code) header
    payment_terms: str = "Paiement à 30 jours par virement."
    currency: str = 'EUR'


def sample_invoice():
    "A monthly invoice of an accounting firm to a French company (S1)"
    seller = Party("Cabinet Dupont Expertise", '552100554', 'FR40552100554',
        "12 rue de la Paix", '75002', "Paris",
        electronic_address='552100554')
    buyer = Party("Boulangerie Martin SARL", '732829320', 'FR44732829320',
        "3 avenue des Lilas", '69003', "Lyon",
        electronic_address='732829320')
    lines = [
        Line("Tenue comptable novembre 2026", Decimal('1'),
            Decimal('450.00'), Decimal('20')),
        Line("Déclarations de TVA", Decimal('3'), Decimal('45.50'),
            Decimal('20')),
        Line("Bulletins de paie", Decimal('2.5'), Decimal('18.40'),
            Decimal('20')),
        ]
    return Invoice('F2026-00042', datetime.date(2026, 11, 30),
        datetime.date(2026, 12, 30), seller, buyer, lines,
        period=(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)),
        delivery_date=datetime.date(2026, 11, 30))


def credit_note(invoice, number='A2026-00007'):
    "The credit note (381) of the whole invoice, referencing it"
    return replace(invoice, number=number, type_code='381',
        preceding=(invoice.number, invoice.issue_date),
        issue_date=invoice.issue_date + datetime.timedelta(days=5),
        due_date=invoice.issue_date + datetime.timedelta(days=5))


def vat_breakdown(invoice):
    "One (category, rate, basis, tax) per category and rate (BR-S-08)"
    bases = {}
    for line in invoice.lines:
        key = (line.category, line.vat_rate)
        bases[key] = bases.get(key, Decimal(0)) + line.amount
    return [(category, rate, basis,
            (basis * rate / 100).quantize(CENT, ROUND_HALF_UP))
        for (category, rate), basis in bases.items()]


def totals(invoice):
    "(line total, tax total, grand total)"
    breakdown = vat_breakdown(invoice)
    net = sum((line.amount for line in invoice.lines), Decimal(0))
    tax = sum((b[3] for b in breakdown), Decimal(0))
    return net, tax, net + tax


# --- XML -------------------------------------------------------------------

def _sub(parent, tag, text=None, **attrib):
    prefix, name = tag.split(':')
    element = etree.SubElement(parent, '{%s}%s' % (NSMAP[prefix], name),
        attrib)
    if text is not None:
        element.text = str(text)
    return element


def _date(parent, tag, value, kind='udt'):
    "A date element in format 102 (YYYYMMDD)"
    _sub(_sub(parent, tag), kind + ':DateTimeString',
        value.strftime('%Y%m%d'), format='102')


def amount(value):
    return format(value.quantize(CENT, ROUND_HALF_UP), 'f')


def decimal(value):
    "A quantity, price or rate without trailing zeros: '2.5', '20'"
    value = value.normalize()
    return format(value.quantize(Decimal(1)) if value == value.to_integral()
        else value, 'f')


def cii_xml(invoice):
    "The CII XML bytes of invoice (Factur-X EN 16931 profile)"
    root = etree.Element('{%s}CrossIndustryInvoice' % RSM, nsmap=NSMAP)
    _context(root, invoice)
    _document(root, invoice)
    transaction = _sub(root, 'rsm:SupplyChainTradeTransaction')
    for index, line in enumerate(invoice.lines, 1):
        _line(transaction, index, line)
    _agreement(transaction, invoice)
    delivery = _sub(transaction, 'ram:ApplicableHeaderTradeDelivery')
    if invoice.delivery_date:
        _date(_sub(delivery, 'ram:ActualDeliverySupplyChainEvent'),
            'ram:OccurrenceDateTime', invoice.delivery_date)
    _settlement(transaction, invoice)
    return etree.tostring(root, xml_declaration=True, encoding='UTF-8',
        pretty_print=True)


def _context(root, invoice):
    context = _sub(root, 'rsm:ExchangedDocumentContext')
    if invoice.business_process:
        _sub(_sub(context, 'ram:BusinessProcessSpecifiedDocumentContext'
                'Parameter'), 'ram:ID', invoice.business_process)
    _sub(_sub(context, 'ram:GuidelineSpecifiedDocumentContextParameter'),
        'ram:ID', EN16931)


def _document(root, invoice):
    document = _sub(root, 'rsm:ExchangedDocument')
    _sub(document, 'ram:ID', invoice.number)
    _sub(document, 'ram:TypeCode', invoice.type_code)
    _date(document, 'ram:IssueDateTime', invoice.issue_date)
    notes = dict(invoice.notes)
    if invoice.bar:
        notes['BAR'] = invoice.bar
    for code, content in notes.items():
        note = _sub(document, 'ram:IncludedNote')
        _sub(note, 'ram:Content', content)
        _sub(note, 'ram:SubjectCode', code.split('#')[0])


def _line(transaction, index, line):
    item = _sub(transaction, 'ram:IncludedSupplyChainTradeLineItem')
    _sub(_sub(item, 'ram:AssociatedDocumentLineDocument'), 'ram:LineID',
        index)
    _sub(_sub(item, 'ram:SpecifiedTradeProduct'), 'ram:Name',
        line.description)
    agreement = _sub(item, 'ram:SpecifiedLineTradeAgreement')
    _sub(_sub(agreement, 'ram:NetPriceProductTradePrice'),
        'ram:ChargeAmount', decimal(line.unit_price))
    _sub(_sub(item, 'ram:SpecifiedLineTradeDelivery'), 'ram:BilledQuantity',
        decimal(line.quantity), unitCode=line.unit)
    settlement = _sub(item, 'ram:SpecifiedLineTradeSettlement')
    tax = _sub(settlement, 'ram:ApplicableTradeTax')
    _sub(tax, 'ram:TypeCode', 'VAT')
    _sub(tax, 'ram:CategoryCode', line.category)
    _sub(tax, 'ram:RateApplicablePercent', decimal(line.vat_rate))
    _sub(_sub(settlement, 'ram:SpecifiedTradeSettlementLineMonetary'
            'Summation'), 'ram:LineTotalAmount', amount(line.amount))


def _party(parent, tag, party):
    element = _sub(parent, tag)
    if party.siret:
        _sub(element, 'ram:GlobalID', party.siret, schemeID='0009')
    _sub(element, 'ram:Name', party.name)
    if party.siren:
        _sub(_sub(element, 'ram:SpecifiedLegalOrganization'), 'ram:ID',
            party.siren, schemeID='0002')
    address = _sub(element, 'ram:PostalTradeAddress')
    _sub(address, 'ram:PostcodeCode', party.postcode)
    _sub(address, 'ram:LineOne', party.street)
    _sub(address, 'ram:CityName', party.city)
    _sub(address, 'ram:CountryID', party.country)
    if party.electronic_address:
        _sub(_sub(element, 'ram:URIUniversalCommunication'), 'ram:URIID',
            party.electronic_address, schemeID=party.address_scheme)
    if party.vat:
        _sub(_sub(element, 'ram:SpecifiedTaxRegistration'), 'ram:ID',
            party.vat, schemeID='VA')


def _agreement(transaction, invoice):
    agreement = _sub(transaction, 'ram:ApplicableHeaderTradeAgreement')
    if invoice.buyer_reference:
        _sub(agreement, 'ram:BuyerReference', invoice.buyer_reference)
    _party(agreement, 'ram:SellerTradeParty', invoice.seller)
    _party(agreement, 'ram:BuyerTradeParty', invoice.buyer)
    if invoice.order_reference:
        _sub(_sub(agreement, 'ram:BuyerOrderReferencedDocument'),
            'ram:IssuerAssignedID', invoice.order_reference)


def _settlement(transaction, invoice):
    settlement = _sub(transaction, 'ram:ApplicableHeaderTradeSettlement')
    _sub(settlement, 'ram:PaymentReference', invoice.number)
    _sub(settlement, 'ram:InvoiceCurrencyCode', invoice.currency)
    _payment_means(settlement, invoice)
    for category, rate, basis, tax in vat_breakdown(invoice):
        _header_tax(settlement, invoice, category, rate, basis, tax)
    if invoice.period:
        period = _sub(settlement, 'ram:BillingSpecifiedPeriod')
        _date(period, 'ram:StartDateTime', invoice.period[0])
        _date(period, 'ram:EndDateTime', invoice.period[1])
    terms = _sub(settlement, 'ram:SpecifiedTradePaymentTerms')
    _sub(terms, 'ram:Description', invoice.payment_terms)
    _date(terms, 'ram:DueDateDateTime', invoice.due_date)
    _summation(settlement, invoice)
    if invoice.preceding:
        reference = _sub(settlement, 'ram:InvoiceReferencedDocument')
        _sub(reference, 'ram:IssuerAssignedID', invoice.preceding[0])
        _date(reference, 'ram:FormattedIssueDateTime', invoice.preceding[1],
            kind='qdt')


def _payment_means(settlement, invoice):
    means = _sub(settlement, 'ram:SpecifiedTradeSettlementPaymentMeans')
    _sub(means, 'ram:TypeCode', invoice.payment_means)
    if invoice.iban:
        _sub(_sub(means, 'ram:PayeePartyCreditorFinancialAccount'),
            'ram:IBANID', invoice.iban)
    if invoice.bic:
        _sub(_sub(means, 'ram:PayeeSpecifiedCreditorFinancialInstitution'),
            'ram:BICID', invoice.bic)


def _header_tax(settlement, invoice, category, rate, basis, tax):
    element = _sub(settlement, 'ram:ApplicableTradeTax')
    _sub(element, 'ram:CalculatedAmount', amount(tax))
    _sub(element, 'ram:TypeCode', 'VAT')
    if invoice.exemption and category != 'S':
        _sub(element, 'ram:ExemptionReason', invoice.exemption[0])
    _sub(element, 'ram:BasisAmount', amount(basis))
    _sub(element, 'ram:CategoryCode', category)
    if invoice.exemption and category != 'S' and invoice.exemption[1]:
        _sub(element, 'ram:ExemptionReasonCode', invoice.exemption[1])
    _sub(element, 'ram:RateApplicablePercent', decimal(rate))


def _summation(settlement, invoice):
    net, tax, total = totals(invoice)
    summation = _sub(settlement,
        'ram:SpecifiedTradeSettlementHeaderMonetarySummation')
    _sub(summation, 'ram:LineTotalAmount', amount(net))
    _sub(summation, 'ram:TaxBasisTotalAmount', amount(net))
    _sub(summation, 'ram:TaxTotalAmount', amount(tax),
        currencyID=invoice.currency)
    _sub(summation, 'ram:GrandTotalAmount', amount(total))
    _sub(summation, 'ram:DuePayableAmount', amount(total))
