"""E-reporting (flux 10) of a period, built with pyfrctc, checked before use.

Transactions (10.1 foreign customers' invoices one by one, 10.3 consumers'
sales summed per day, category and VAT rate) and collections (10.2 per
invoice, 10.4 consumers' collections summed per day and VAT rate).  Plain
values in, XML bytes out; every document passes the e-reporting XSD and the
Flux 10 schematron shipped with pyfrctc (see xml_checks for the one known
false positive it lets through: negative collected amounts).
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pyfrctc

from ..validation.pa_documents import check_ereporting

CENT = Decimal('0.01')
PLATFORM_SCHEME = '0238'
SIREN_SCHEME = '0002'
# Our names of the VAT regimes -> pyfrctc's vat_periodicity codes.
VAT_REGIMES = {
    'monthly': '1',      # réel normal mensuel: transactions every 10 days
    'quarterly': '3',    # réel normal trimestriel: monthly
    'simplified': '12',  # régime simplifié: monthly
    'franchise': None,   # franchise en base: every 2 months
    }
REPORT_KINDS = {'transactions': 'out_transaction', 'payments': 'payment'}


@dataclass(frozen=True)
class ReportHeader:
    """Who reports: the declarant (our company) through its PA, whose
    4-character registration number (matricule) goes in the sender block."""
    report_id: str
    issued_at: dt.datetime
    declarant_siren: str
    declarant_name: str
    platform_id: str
    platform_name: str
    corrective: bool = False
    name: str = ''


@dataclass(frozen=True)
class VatLine:
    "Base and VAT at one rate; category and exemption as in EN 16931."
    rate: Decimal
    base: Decimal
    tax: Decimal
    category: str = 'S'
    exemption_reason: str = ''
    exemption_code: str = ''


@dataclass(frozen=True)
class ForeignInvoice:
    """An invoice to a foreign business (reported one by one, 10.1).
    ``buyer_scheme``: 0223 EU outside France, 0227 outside the EU."""
    number: str
    issue_date: dt.date
    seller_siren: str
    seller_vat: str
    buyer_id: str
    buyer_scheme: str
    buyer_country: str
    vat_lines: tuple
    buyer_vat: str = ''
    type_code: str = '380'
    billing_framework: str = 'S1'
    currency: str = 'EUR'
    due_date: dt.date = None
    vat_due: str = ''
    period_start: dt.date = None
    period_end: dt.date = None
    credited: tuple = ()


@dataclass(frozen=True)
class ConsumerSale:
    """One invoice to a consumer; summed per day (10.3).  ``category``:
    TPS1 services, TLB1 goods, TNT1 not taxable, TMA1 margin scheme."""
    date: dt.date
    vat_lines: tuple
    category: str = 'TPS1'
    currency: str = 'EUR'
    vat_due: str = ''


@dataclass(frozen=True)
class InvoiceCollection:
    "A payment (or its cancellation, negative) of one reported invoice (10.2)."
    invoice_number: str
    invoice_date: dt.date
    payment_date: dt.date
    amounts: tuple
    currency: str = 'EUR'


@dataclass(frozen=True)
class ConsumerCollection:
    "A consumer's payment (VatAmount per rate), summed per day (10.4)."
    payment_date: dt.date
    amounts: tuple


def _money(value):
    return str(Decimal(value).quantize(CENT))


def report_period(start, kind, vat_regime):
    """(last day, deadline) of the period starting ``start`` for ``kind``
    (transactions / payments) under ``vat_regime`` (see VAT_REGIMES)."""
    return pyfrctc.get_ereporting_end_date_and_deadline_from_start_date(
        start, REPORT_KINDS[kind], VAT_REGIMES[vat_regime])


def period_start(day, kind, vat_regime):
    """First day of the period of ``kind`` that holds ``day``: day 1, 11
    or 21 for the transactions of a monthly filer, the 1st of an odd month
    under the franchise, else the 1st of the month."""
    if vat_regime == 'franchise':
        return day.replace(month=day.month - (day.month - 1) % 2, day=1)
    if vat_regime == 'monthly' and kind == 'transactions':
        return day.replace(day=min(day.day - (day.day - 1) % 10, 21))
    return day.replace(day=1)


def _document(header):
    return {
        'TT-1': header.report_id, 'TT-2': header.name,
        'TT-3': header.issued_at, 'TT-4': 'RE' if header.corrective else 'IN',
        'TT-7': PLATFORM_SCHEME, 'TT-8': header.platform_id,
        'TT-9': header.platform_name, 'TT-10': 'WK',
        'TT-12': SIREN_SCHEME, 'TT-13': header.declarant_siren,
        'TT-14': header.declarant_name, 'TT-15': 'SE',
        }


def _tax_subtotal(line):
    return {'BT-116': _money(line.base), 'BT-117': _money(line.tax),
        'BT-118': line.category, 'BT-119': _money(line.rate),
        'BT-120': line.exemption_reason, 'BT-121': line.exemption_code}


def _invoice(invoice):
    "The BT-*/BG-* dictionary pyfrctc writes as one Invoice (10.1)."
    base = sum((line.base for line in invoice.vat_lines), Decimal(0))
    tax = sum((line.tax for line in invoice.vat_lines), Decimal(0))
    return {
        'BT-1': invoice.number, 'BT-2': invoice.issue_date,
        'BT-3': invoice.type_code, 'BT-5': invoice.currency,
        'BT-8': invoice.vat_due, 'BT-9': invoice.due_date,
        'BT-23': invoice.billing_framework,
        'BG-3': [{'BT-25': number, 'BT-26': date}
            for number, date in invoice.credited],
        'BG-4': {'legal_identifier': invoice.seller_siren,
            'legal_identifier_schemeid': SIREN_SCHEME,
            'vat_identifier': invoice.seller_vat, 'country_code': 'FR'},
        'BG-7': {'legal_identifier': invoice.buyer_id,
            'legal_identifier_schemeid': invoice.buyer_scheme,
            'vat_identifier': invoice.buyer_vat,
            'country_code': invoice.buyer_country},
        'BT-73': invoice.period_start, 'BT-74': invoice.period_end,
        'BT-109': _money(base), 'BT-110': _money(tax),
        'BG-23': [_tax_subtotal(line) for line in invoice.vat_lines],
        }


def _consumer_days(sales):
    "10.3 blocks: consumers' sales summed per day, category and VAT rate."
    days = defaultdict(lambda: {'count': 0, 'rates': defaultdict(
                lambda: [Decimal(0), Decimal(0)])})
    for sale in sales:
        day = days[(sale.date, sale.category, sale.currency, sale.vat_due)]
        day['count'] += 1
        for line in sale.vat_lines:
            totals = day['rates'][Decimal(line.rate).quantize(CENT)]
            totals[0] += line.base
            totals[1] += line.tax
    blocks = []
    for (date, category, currency, vat_due), day in sorted(days.items()):
        per_rate = sorted(day['rates'].items(), reverse=True)
        rates = [totals for _, totals in per_rate]
        blocks.append({
                'TT-77': date, 'TT-78': currency, 'TT-80': vat_due,
                'TT-81': category,
                'TT-82': _money(sum(base for base, _ in rates)),
                'TT-83': _money(sum(tax for _, tax in rates)),
                'TT-85': str(day['count']),
                'TG-32': [{'TT-86': _money(rate), 'TT-87': _money(base),
                        'TT-88': _money(tax)}
                    for rate, (base, tax) in per_rate],
                })
    return blocks


def build_transactions(header, start, end, foreign_invoices=(),
        consumer_sales=()):
    "Transactions e-reporting of [start, end], checked (XSD + Flux 10)."
    data = _document(header)
    data.update({
            'TT-17': start, 'TT-18': end,
            'TG-8': [_invoice(invoice) for invoice in foreign_invoices],
            'TG-31': _consumer_days(consumer_sales),
            })
    xml_bytes = pyfrctc.generate_ereporting_transactions(
        data, check_xsd=False)
    check_ereporting(xml_bytes)
    return xml_bytes


def _rates(amounts, currency_key, amount_key, rate_key, currency='EUR'):
    return [{rate_key: _money(line.rate), currency_key: currency,
            amount_key: _money(line.amount)} for line in amounts]


def _consumer_collections(collections):
    "10.4 blocks: consumers' collections summed per day and VAT rate."
    days = defaultdict(lambda: defaultdict(lambda: Decimal(0)))
    for collection in collections:
        for line in collection.amounts:
            days[collection.payment_date][
                Decimal(line.rate).quantize(CENT)] += line.amount
    blocks = []
    for date, rates in sorted(days.items()):
        lines = [{'TT-97': _money(rate), 'TT-98': 'EUR',
                'TT-99': _money(total)}
            for rate, total in sorted(rates.items(), reverse=True) if total]
        if lines:  # a payment and its cancellation the same day cancel out
            blocks.append({'TT-96': date, 'TG-39': lines})
    return blocks


def build_payments(header, start, end, invoice_collections=(),
        consumer_collections=()):
    "Collections e-reporting of [start, end], checked (XSD + Flux 10)."
    data = _document(header)
    data.update({
            'TT-89': start, 'TT-90': end,
            'TG-34': [{
                    'TT-91': item.invoice_number, 'TT-102': item.invoice_date,
                    'TT-92': item.payment_date,
                    'TG-36': _rates(item.amounts, 'TT-94', 'TT-95', 'TT-93',
                        item.currency),
                    } for item in invoice_collections],
            'TG-37': _consumer_collections(consumer_collections),
            })
    xml_bytes = pyfrctc.generate_ereporting_payments(data, check_xsd=False)
    check_ereporting(xml_bytes)
    return xml_bytes
