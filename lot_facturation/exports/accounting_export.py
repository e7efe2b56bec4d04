# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Export invoices to accounting software (SPEC E2): CSV, QuickBooks Online
CSV, QuickBooks Desktop IIF, Xero CSV.  Each exported invoice gets an
exchange *Export* (so its billing status becomes *Exported*, E1)."""
import datetime
from decimal import Decimal

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..formats import accounting_export as builder
from ..exceptions import ExportError

EXPORTABLE_STATES = {'posted', 'paid'}
ENCODINGS = {'iif': 'cp1252'}
FORMAT_NAMES = {
    'csv': "CSV", 'qbo': "QuickBooks Online", 'iif': "QuickBooks Desktop",
    'xero': "Xero",
    }


def _line_tax(line):
    tax = line.taxes[0] if line.taxes else None
    if not tax or tax.type != 'percentage':
        return tax, Decimal(0), Decimal(0)
    return tax, tax.rate, line.invoice.currency.round(line.amount * tax.rate)


def _export_line(line):
    tax, rate, amount = _line_tax(line)
    return builder.ExportLine(
        description=line.description or (
            line.product.rec_name if line.product else ''),
        quantity=Decimal(str(line.quantity)), unit_price=line.unit_price,
        amount=line.amount, tax_name=(tax.description or tax.name)
        if tax else '', tax_rate=rate, tax_amount=amount,
        account_code=line.account.code or '',
        account_name=line.account.name,
        product_code=(line.product.code or '') if line.product else '')


def _export_invoice(invoice):
    address = invoice.invoice_address
    email = invoice.party.contact_mechanism_get('email')
    dates = [l.maturity_date for l in invoice.lines_to_pay
        if l.maturity_date]
    return builder.ExportInvoice(
        number=invoice.number, date=invoice.invoice_date,
        due_date=min(dates) if dates else invoice.invoice_date,
        customer=invoice.party.rec_name, currency=invoice.currency.code,
        untaxed_amount=invoice.untaxed_amount,
        tax_amount=invoice.tax_amount, total_amount=invoice.total_amount,
        email=email.value if email else '',
        address_lines=[l for l in (address.street or '').splitlines()
            if l.strip()] if address else [],
        postal_code=(address.postal_code or '') if address else '',
        city=(address.city or '') if address else '',
        country=address.country.code if address and address.country else '',
        reference=invoice.reference or '',
        terms=invoice.payment_term.name if invoice.payment_term else '',
        receivable_account=invoice.account.name,
        lines=[_export_line(l) for l in invoice.lines if l.type == 'line'],
        taxes=[builder.ExportTax(
                name=t.tax.description or t.tax.name if t.tax
                else t.description, rate=t.tax.rate if t.tax else 0,
                base=t.base, amount=t.amount, account_name=t.account.name)
            for t in invoice.taxes])


class InvoiceAccountingExport:
    "Customer invoices exported to accounting software (E2)."
    __slots__ = ()

    @classmethod
    def export_accounting(cls, invoices, format_):
        """Return (file name, bytes) of invoices in format_ and record an
        export exchange for each"""
        pool = Pool()
        Exchange = pool.get('account.invoice.exchange')
        for invoice in invoices:
            if invoice.type != 'out' or invoice.state not in (
                    EXPORTABLE_STATES):
                raise ExportError(gettext(
                        'lot_facturation.msg_export_not_posted',
                        invoice=invoice.rec_name))
        ids = [i.id for i in sorted(invoices,
                key=lambda i: (i.invoice_date, i.number or '', i.id))]
        rows = []
        for sub_ids in grouped_slice(ids, 1000):
            rows.extend(_export_invoice(i) for i in cls.browse(sub_ids))
        text = builder.build(format_, rows)
        data = text.encode(ENCODINGS.get(format_, 'utf-8'), 'replace')
        now = datetime.datetime.now().replace(microsecond=0)
        filename = 'factures-%s-%s.%s' % (
            format_, now.strftime('%Y%m%d-%H%M%S'),
            builder.EXTENSIONS[format_])
        message = gettext('lot_facturation.msg_export_exchange',
            format=FORMAT_NAMES[format_], file=filename)
        Exchange.save([Exchange(invoice=i, channel='export', direction='out',
                    status='sent', date=now,
                    user=Transaction().user or None, message=message)
                for i in cls.browse(ids)])
        return filename, data
