# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""What an accountant must fix when the gate blocks an invoice.

A pure table: rule id -> (message key, data field, text).  The texts use
Tryton's ``%(name)s`` placeholders (``seller``, ``buyer``, ``invoice``,
``rule``, ``detail``) so that each key becomes a message
``lot_facturation.msg_einvoice_<key>`` in message.xml (French in fr.po)
without rewording.  A rule is looked up by its full id (BR-FR-05_BT-22_PMT)
then by its base rule (BR-FR-05); anything else gets the generic message
naming the rule and the validator's own text.
"""
from dataclasses import dataclass

COMPANY = "Company"
CUSTOMER = "Customer"
SOFTWARE = "Software (report it to your administrator)"


@dataclass(frozen=True)
class Message:
    key: str
    field: str  # where the accountant fixes it, in their words
    text: str


@dataclass(frozen=True)
class Explanation:
    "A blocking finding in the accountant's words"
    rule_id: str
    validator: str
    key: str
    field: str
    text: str


def _m(key, field, text):
    return Message(key, field, text)


_SELLER_IBAN = _m('seller_iban', COMPANY + " › Bank account (IBAN)",
    "The invoice asks for a bank transfer but your company %(seller)s has "
    "no IBAN on it: add the company's bank account (IBAN, BIC) or choose "
    "another payment method.")
_SELLER_SIREN = _m('seller_siren', COMPANY + " › Identifiers › SIREN",
    "Your company %(seller)s has no valid SIREN: add its 9-digit SIREN to "
    "the company's identifiers.")
_SELLER_VAT = _m('seller_vat', COMPANY + " › Identifiers › VAT number",
    "Your company %(seller)s has no VAT number on the invoice: add its "
    "intra-community VAT number (FR...) to the company's identifiers.")
_SELLER_ADDRESS = _m('seller_address', COMPANY + " › Address",
    "The address of your company %(seller)s is incomplete: fill in its "
    "street, postal code, city and country.")
_SELLER_EADDRESS = _m('seller_electronic_address',
    COMPANY + " › Electronic invoicing address",
    "Your company %(seller)s has no valid electronic invoicing address: "
    "fill in the address registered in the directory (scheme 0225, "
    "starting with the SIREN; letters, digits, - _ . only).")
_BUYER_SIREN = _m('buyer_siren', CUSTOMER + " › Identifiers › SIREN",
    "Customer %(buyer)s has no valid SIREN: a French business customer "
    "needs its 9-digit SIREN in its identifiers.")
_BUYER_SIRET = _m('buyer_siret', CUSTOMER + " › Identifiers › SIRET",
    "The SIRET of customer %(buyer)s must have 14 digits and start with "
    "its SIREN: check both identifiers.")
_BUYER_EADDRESS = _m('buyer_electronic_address',
    CUSTOMER + " › Electronic invoicing address",
    "Customer %(buyer)s has no valid electronic invoicing address: fill "
    "in the address registered in the directory (scheme 0225, starting "
    "with its SIREN; letters, digits, - _ . only).")
_BUYER_ADDRESS = _m('buyer_address', CUSTOMER + " › Invoice address",
    "The invoice address of customer %(buyer)s is incomplete: fill in its "
    "street, postal code, city and country.")
_BUYER_VAT = _m('buyer_vat', CUSTOMER + " › Identifiers › VAT number",
    "This VAT treatment (reverse charge, intra-community supply) needs the "
    "VAT number of customer %(buyer)s: add it to its identifiers.")
_VAT_FORMAT = _m('vat_number_format', "Identifiers › VAT number",
    "A VAT number on invoice %(invoice)s does not start with its country "
    "code (FR...): check the VAT numbers of the customer and the company.")
_SIREN_FORMAT = _m('siren_format', "Identifiers › SIREN",
    "A SIREN on invoice %(invoice)s is not 9 digits: check the SIREN of "
    "the customer and of the company.")
_COUNTRY = _m('country', "Addresses › Country",
    "An address on invoice %(invoice)s has an unknown country: check the "
    "country of the customer's invoice address and of the company.")
_NOTE_PMT = _m('note_recovery_indemnity',
    "Configuration › Legal mentions › Recovery indemnity",
    "Invoice %(invoice)s lacks the mention of the 40 EUR recovery "
    "indemnity (note PMT): fill in the legal mentions of the invoicing "
    "configuration.")
_NOTE_PMD = _m('note_late_penalties',
    "Configuration › Legal mentions › Late-payment penalties",
    "Invoice %(invoice)s lacks the late-payment penalties mention (note "
    "PMD): fill in the legal mentions of the invoicing configuration.")
_NOTE_AAB = _m('note_discount',
    "Configuration › Legal mentions › Early-payment discount",
    "Invoice %(invoice)s lacks the early-payment discount mention, or "
    "that there is none (note AAB): fill in the legal mentions of the "
    "invoicing configuration.")
_NOTE_TWICE = _m('note_twice', "Configuration › Legal mentions",
    "Invoice %(invoice)s carries the same legal mention twice (%(rule)s): "
    "keep it once in the invoicing configuration or the invoice comment.")
_FRAMEWORK = _m('billing_framework',
    "Invoice › Billing framework (cadre de facturation)",
    "Invoice %(invoice)s has no valid billing framework: choose S1 "
    "(services), B1 (goods) or M1 (mixed), or S4/B4/M4 for a final "
    "invoice after a deposit.")
_NUMBER = _m('invoice_number', "Configuration › Invoice sequence",
    "Invoice number %(invoice)s is refused by the platforms: at most 35 "
    "characters, letters, digits and + - _ / only, no spaces. Change the "
    "prefix of the invoice sequence.")
_CREDITED = _m('credited_invoice', "Credit note › Credited invoice",
    "Credit note %(invoice)s does not name the invoice it credits: create "
    "it from the original invoice (Credit) so that its number and date "
    "are copied.")
_DUE_DATE = _m('due_date', "Invoice › Payment term",
    "The due date of invoice %(invoice)s is before its date: check the "
    "payment term.")
_PRICE = _m('unit_price', "Invoice line › Unit price",
    "A line of invoice %(invoice)s has a negative unit price: enter a "
    "discount as a positive price with a negative quantity, or as a "
    "separate discount.")
_VAT_BREAKDOWN = _m('vat_breakdown', "Invoice › Taxes",
    "The VAT summary of invoice %(invoice)s does not match its lines "
    "(%(rule)s): use a single tax per VAT rate, then recompute the "
    "taxes.")
_LINE_TAX = _m('line_without_tax', "Invoice line › Taxes",
    "A line of invoice %(invoice)s has no VAT: choose its tax (or the "
    "exempt tax with its legal notice); for a deposit deduction, give the "
    "deposit account its default VAT.")
_EXEMPTION = _m('exemption_reason', "Tax › Legal notice and VATEX code",
    "A line of invoice %(invoice)s is exempt from VAT without a reason: "
    "fill in the legal notice (e.g. \"Exonération de TVA, article 261 du "
    "CGI\") and the VATEX code of the tax.")
_VAT_RATE = _m('vat_rate', "Tax › Rate and category",
    "A VAT rate or category of invoice %(invoice)s is not allowed in "
    "France (%(rule)s): check the taxes of the lines.")
_FORMAT = _m('number_format', "Invoice lines › Quantity, price, amounts",
    "An amount, quantity or rate of invoice %(invoice)s has too many "
    "decimals (%(rule)s): amounts have 2 decimals, quantities 4, prices "
    "6.")
_CURRENCY = _m('currency', "Invoice › Currency",
    "Invoice %(invoice)s is not in euros: the VAT must also be given in "
    "EUR (%(rule)s).")
_TOTALS = _m('totals', SOFTWARE,
    "The totals of invoice %(invoice)s do not add up (%(rule)s: "
    "%(detail)s).")
_STRUCTURE = _m('structure', SOFTWARE,
    "The e-invoice of %(invoice)s is malformed (%(rule)s: %(detail)s).")
GENERIC = _m('rule_failed', '',
    "Invoice %(invoice)s breaks rule %(rule)s: %(detail)s")

RULES = {
    # Payment: credit transfer needs the payee's account (BR-61)
    'CII-SR-470': _SELLER_IBAN, 'BR-61': _SELLER_IBAN, 'BR-50': _SELLER_IBAN,
    # Seller (our company)
    'BR-FR-10': _SELLER_SIREN, 'BR-FR-09_BT-29': _SELLER_SIREN,
    'BR-CO-26': _SELLER_VAT, 'BR-S-02': _SELLER_VAT, 'BR-E-02': _SELLER_VAT,
    'BR-08': _SELLER_ADDRESS, 'BR-09': _SELLER_ADDRESS,
    'BR-FR-13': _SELLER_EADDRESS, 'BR-FR-22': _SELLER_EADDRESS,
    'BR-FR-23_BT-34': _SELLER_EADDRESS, 'BR-FR-25_BT-34': _SELLER_EADDRESS,
    'BR-62': _SELLER_EADDRESS,
    # Buyer (the customer)
    'BR-FR-11': _BUYER_SIREN, 'BR-FR-32': _SIREN_FORMAT,
    'BR-FR-09_BT-46': _BUYER_SIRET,
    'BR-FR-12': _BUYER_EADDRESS, 'BR-FR-21': _BUYER_EADDRESS,
    'BR-FR-23_BT-49': _BUYER_EADDRESS, 'BR-FR-25_BT-49': _BUYER_EADDRESS,
    'BR-63': _BUYER_EADDRESS,
    'BR-10': _BUYER_ADDRESS, 'BR-11': _BUYER_ADDRESS,
    'BR-AE-02': _BUYER_VAT, 'BR-AE-03': _BUYER_VAT, 'BR-IC-02': _BUYER_VAT,
    'BR-IC-03': _BUYER_VAT, 'BR-CO-09': _VAT_FORMAT,
    'BR-CL-14': _COUNTRY,
    # Legal mentions (notes)
    'BR-FR-05_BT-22_PMT': _NOTE_PMT, 'BR-FR-05_BT-22_PMD': _NOTE_PMD,
    'BR-FR-05_BT-22_AAB': _NOTE_AAB, 'BR-FR-06': _NOTE_TWICE,
    # The invoice itself
    'BR-FR-08': _FRAMEWORK, 'BR-FR-CO-08': _FRAMEWORK,
    'BR-FR-01_BT-1': _NUMBER, 'BR-FR-02_BT-1': _NUMBER,
    'BR-FR-CO-05': _CREDITED, 'BR-FR-CO-04': _CREDITED, 'BR-55': _CREDITED,
    'BR-FR-01_BT-25': _CREDITED, 'BR-FR-02_BT-25': _CREDITED,
    'BR-FR-CO-07': _DUE_DATE,
    'BR-FR-CO-12': _CURRENCY,
    # Lines and VAT
    'BR-27': _PRICE, 'BR-FR-DEC-03': _PRICE,
    'BR-S-08': _VAT_BREAKDOWN, 'BR-S-09': _VAT_BREAKDOWN,
    'BR-CO-17': _VAT_BREAKDOWN, 'BR-S-07': _VAT_BREAKDOWN,
    'BR-Z-01': _LINE_TAX, 'BR-CO-04': _LINE_TAX,
    'BR-E-10': _EXEMPTION, 'BR-AE-10': _EXEMPTION, 'BR-IC-10': _EXEMPTION,
    'BR-G-10': _EXEMPTION, 'BR-O-10': _EXEMPTION,
    'BR-FR-15': _VAT_RATE, 'BR-FR-16': _VAT_RATE,
    'BR-FR-DEC-01': _FORMAT, 'BR-FR-DEC-02': _FORMAT,
    'BR-FR-DEC-04': _FORMAT,
    # Consistency the software owns
    'BR-CO-10': _TOTALS, 'BR-CO-13': _TOTALS, 'BR-CO-14': _TOTALS,
    'BR-CO-15': _TOTALS, 'BR-CO-16': _TOTALS,
    'XSD': _STRUCTURE, 'XML': _STRUCTURE, 'XSLT': _STRUCTURE,
    'FX-PROFILE': _STRUCTURE,
    }


def message(finding):
    "The Message of a finding: by full id, then base rule, else GENERIC"
    return (RULES.get(finding.rule_id) or RULES.get(finding.rule)
        or GENERIC)


def explain(finding, context=None):
    "The Explanation of a finding, its text filled from context"
    entry = message(finding)
    values = {'seller': '', 'buyer': '', 'invoice': ''}
    values.update(context or {})
    values.update(rule=finding.rule_id, detail=finding.text)
    return Explanation(finding.rule_id, finding.validator, entry.key,
        entry.field, entry.text % values)


def explain_report(report):
    "One Explanation per message key of the report's fatal findings"
    seen = {}
    for finding in report.fatal:
        entry = message(finding)
        key = entry.key if entry is not GENERIC else finding.rule_id
        if key not in seen:
            seen[key] = explain(finding, report.context)
    return list(seen.values())
