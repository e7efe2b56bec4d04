# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Invoice files for accounting software (SPEC E2, seed 002).

Pure builders: ``ExportInvoice`` in, text out (the caller encodes it).
Formats, one line per invoice line unless said otherwise (docs/chorus.md):

- ``csv``: our own, comma separated, ISO dates (YYYY-MM-DD), amounts with a
  dot and two decimals, one row per line with the invoice totals repeated;
- ``qbo``: QuickBooks Online "Import invoices" CSV, its default headers
  (InvoiceNo, Customer, InvoiceDate, DueDate, ..., ItemAmount,
  ItemTaxCode, ItemTaxAmount), dates DD/MM/YYYY (French company), amounts
  untaxed with a dot;
- ``iif``: QuickBooks Desktop IIF, tab separated: !TRNS / !SPL / !ENDTRNS
  headers, per invoice one TRNS (accounts receivable, total, positive), one
  SPL per line (income account, negative amount and quantity) and one SPL
  per VAT rate (tax account, negative), ENDTRNS; dates MM/DD/YYYY;
- ``xero``: Xero sales invoice import template (ContactName, EmailAddress,
  POAddressLine1..., InvoiceNumber, Reference, InvoiceDate, DueDate, Total,
  InventoryItemCode, Description, Quantity, UnitAmount, Discount,
  AccountCode, TaxType, TaxAmount, TrackingName1..., Currency,
  BrandingTheme), dates DD/MM/YYYY, tax exclusive amounts.
"""
import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

FORMATS = ('csv', 'qbo', 'iif', 'xero')
EXTENSIONS = {'csv': 'csv', 'qbo': 'csv', 'iif': 'iif', 'xero': 'csv'}


@dataclass
class ExportLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal  # untaxed
    tax_name: str = ''
    tax_rate: Decimal = Decimal(0)  # 0.20 for 20 %
    tax_amount: Decimal = Decimal(0)
    account_code: str = ''
    account_name: str = ''
    product_code: str = ''


@dataclass
class ExportTax:
    name: str
    rate: Decimal
    base: Decimal
    amount: Decimal
    account_name: str = ''


@dataclass
class ExportInvoice:
    number: str
    date: object
    due_date: object
    customer: str
    currency: str
    untaxed_amount: Decimal
    tax_amount: Decimal
    total_amount: Decimal
    email: str = ''
    address_lines: list = field(default_factory=list)
    postal_code: str = ''
    city: str = ''
    country: str = ''
    reference: str = ''
    terms: str = ''
    receivable_account: str = ''
    lines: list = field(default_factory=list)
    taxes: list = field(default_factory=list)


def money(value):
    return format(Decimal(value).quantize(Decimal('0.01')), 'f')


def quantity(value):
    value = Decimal(str(value)).normalize()
    return format(value.quantize(Decimal(1)) if value == value.to_integral()
        else value, 'f')


def percent(rate):
    return format((Decimal(rate) * 100).normalize(), 'f')


def _dmy(date):
    return date.strftime('%d/%m/%Y') if date else ''


def _mdy(date):
    return date.strftime('%m/%d/%Y') if date else ''


def _csv(header, rows, delimiter=','):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator='\r\n')
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


CSV_HEADER = [
    'Invoice Number', 'Invoice Date', 'Due Date', 'Customer', 'Reference',
    'Currency', 'Line', 'Product Code', 'Description', 'Quantity',
    'Unit Price', 'Line Amount', 'Account', 'VAT Rate', 'VAT Amount',
    'Invoice Untaxed', 'Invoice VAT', 'Invoice Total',
    ]


def to_csv(invoices):
    rows = []
    for inv in invoices:
        for number, line in enumerate(inv.lines, 1):
            rows.append([inv.number, inv.date.isoformat(),
                    inv.due_date.isoformat() if inv.due_date else '',
                    inv.customer, inv.reference, inv.currency, number,
                    line.product_code, line.description,
                    quantity(line.quantity), money(line.unit_price),
                    money(line.amount), line.account_code,
                    percent(line.tax_rate), money(line.tax_amount),
                    money(inv.untaxed_amount), money(inv.tax_amount),
                    money(inv.total_amount)])
    return _csv(CSV_HEADER, rows)


QBO_HEADER = [
    'InvoiceNo', 'Customer', 'InvoiceDate', 'DueDate', 'Terms', 'Location',
    'Memo', 'Item(Product/Service)', 'ItemDescription', 'ItemQuantity',
    'ItemRate', 'ItemAmount', 'ItemTaxCode', 'ItemTaxAmount', 'Currency',
    'Service Date',
    ]


def to_qbo(invoices):
    rows = []
    for inv in invoices:
        for line in inv.lines:
            rows.append([inv.number, inv.customer, _dmy(inv.date),
                    _dmy(inv.due_date), inv.terms, '', inv.reference,
                    line.product_code or line.description,
                    line.description, quantity(line.quantity),
                    money(line.unit_price), money(line.amount),
                    line.tax_name, money(line.tax_amount), inv.currency, ''])
    return _csv(QBO_HEADER, rows)


IIF_TRNS = ['!TRNS', 'TRNSID', 'TRNSTYPE', 'DATE', 'ACCNT', 'NAME', 'AMOUNT',
    'DOCNUM', 'MEMO', 'DUEDATE', 'TERMS']
IIF_SPL = ['!SPL', 'SPLID', 'TRNSTYPE', 'DATE', 'ACCNT', 'NAME', 'AMOUNT',
    'DOCNUM', 'MEMO', 'PRICE', 'QNTY', 'INVITEM', 'TAXABLE']


def _iif_field(value):
    "IIF has no quoting: tabs and line breaks become spaces"
    return ' '.join(str(value).split()) if value is not None else ''


def to_iif(invoices):
    rows = [IIF_TRNS, IIF_SPL, ['!ENDTRNS']]
    for inv in invoices:
        date = _mdy(inv.date)
        rows.append(['TRNS', '', 'INVOICE', date, inv.receivable_account,
                inv.customer, money(inv.total_amount), inv.number,
                inv.reference, _mdy(inv.due_date), inv.terms])
        for line in inv.lines:
            rows.append(['SPL', '', 'INVOICE', date, line.account_name,
                    inv.customer, money(-line.amount), inv.number,
                    line.description, money(line.unit_price),
                    quantity(-Decimal(str(line.quantity))),
                    line.product_code or line.description,
                    'Y' if line.tax_rate else 'N'])
        for tax in inv.taxes:
            rows.append(['SPL', '', 'INVOICE', date, tax.account_name,
                    inv.customer, money(-tax.amount), inv.number, tax.name,
                    '%s%%' % percent(tax.rate), '', tax.name, 'N'])
        rows.append(['ENDTRNS'])
    return ''.join(
        '\t'.join(_iif_field(v) for v in row) + '\r\n' for row in rows)


XERO_HEADER = [
    '*ContactName', 'EmailAddress', 'POAddressLine1', 'POAddressLine2',
    'POAddressLine3', 'POAddressLine4', 'POCity', 'PORegion',
    'POPostalCode', 'POCountry', '*InvoiceNumber', 'Reference',
    '*InvoiceDate', '*DueDate', 'Total', 'InventoryItemCode',
    '*Description', '*Quantity', '*UnitAmount', 'Discount', '*AccountCode',
    '*TaxType', 'TaxAmount', 'TrackingName1', 'TrackingOption1',
    'TrackingName2', 'TrackingOption2', 'Currency', 'BrandingTheme',
    ]


def to_xero(invoices):
    rows = []
    for inv in invoices:
        address = (list(inv.address_lines) + [''] * 4)[:4]
        for line in inv.lines:
            rows.append([inv.customer, inv.email, *address, inv.city, '',
                    inv.postal_code, inv.country, inv.number,
                    inv.reference, _dmy(inv.date), _dmy(inv.due_date),
                    money(inv.total_amount), line.product_code,
                    line.description, quantity(line.quantity),
                    money(line.unit_price), '', line.account_code,
                    line.tax_name, money(line.tax_amount), '', '', '', '',
                    inv.currency, ''])
    return _csv(XERO_HEADER, rows)


BUILDERS = {'csv': to_csv, 'qbo': to_qbo, 'iif': to_iif, 'xero': to_xero}


def build(format_, invoices):
    "Return the text of the export file of invoices in format_"
    return BUILDERS[format_](invoices)
