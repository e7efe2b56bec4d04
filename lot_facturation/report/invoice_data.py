# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Fill the French invoice documents from Tryton invoices (bulk reads)."""
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..billing.legal_mentions import legal_mentions
from ..common import settings
from ..formats.invoice_document import (
    DocumentLine, InvoiceDocument, PartyBlock, TaxRow)


def invoice_language(invoice):
    "Code of the language the customer reads its invoices in"
    for party in [invoice.party, invoice.company.party]:
        if party.lang:
            return party.lang.code


def in_their_languages(invoices):
    """Yield the invoices grouped by their customer's language, each group
    inside that language's context (the PDF speaks the customer's words)"""
    by_language = defaultdict(list)
    for invoice in invoices:
        by_language[invoice_language(invoice)].append(invoice)
    for language, group in by_language.items():
        with Transaction().set_context(
                language=language or Transaction().language):
            yield group


def _code(identifier):
    return identifier.code if identifier else ''


def _party_block(party, address, tax_identifier=None, contact=False):
    lines = []
    if address:
        lines = [l for l in address.full_address.splitlines() if l.strip()]
    siret = ''
    if address and getattr(address, 'siret', None):
        siret = address.siret.code
    block = PartyBlock(
        name=party.full_name or party.name, address_lines=lines,
        siren=_code(getattr(party, 'siren', None)), siret=siret,
        vat=_code(tax_identifier or party.tax_identifier))
    if contact:
        for type_ in ['phone', 'email', 'website']:
            mechanism = party.contact_mechanism_get(type_)
            if mechanism:
                block.contact.append(mechanism.value)
    return block


class _Formatter:
    def __init__(self, invoice):
        Lang = Pool().get('ir.lang')
        self.lang = Lang.get()
        self.currency = invoice.currency

    def date(self, value):
        return self.lang.strftime(value) if value else ''

    def money(self, value, currency=None):
        if value is None:
            return ''
        return self.lang.currency(
            value, currency or self.currency, grouping=True)

    def number(self, value, digits=None):
        if value is None:
            return ''
        value = Decimal(str(value)).normalize()
        if digits is None:
            digits = max(0, -value.as_tuple().exponent)
        return self.lang.format_number(value, digits=digits)


def _rate_text(fmt, tax):
    if tax and tax.type == 'percentage' and tax.rate is not None:
        return fmt.number(tax.rate * 100) + '\u00a0%'
    return tax.rec_name if tax else ''


def _line(fmt, line, detail):
    if line.type != 'line':
        return DocumentLine(kind=line.type,
            description=line.description or '',
            amount=fmt.money(line.amount) if line.type == 'subtotal' else '')
    description = line.description or (
        line.product.rec_name if line.product else '')
    return DocumentLine(
        kind='line', description=description, detail=detail,
        quantity=fmt.number(line.quantity),
        unit=line.unit.symbol if line.unit else '',
        unit_price=fmt.money(line.unit_price),
        taxes=', '.join(_rate_text(fmt, t) for t in line.taxes),
        amount=fmt.money(line.amount))


def mention_text(mention, lang, currency):
    "The text of a legal mention in the language lang (PDF and CII)"
    values = {}
    for name, value in mention.values.items():
        if name == 'rate':
            value = value.normalize()
            values[name] = lang.format_number(value,
                digits=max(0, -value.as_tuple().exponent)) + '\u00a0%'
        elif name == 'amount':
            values[name] = lang.currency(value, currency)
        else:
            values[name] = value
    return gettext('lot_facturation.' + mention.message, **values)


def line_periods(lines):
    "{line id: (start, end)} of the periods the lines invoice"
    return _periods(lines)


def _periods(lines):
    """Return {line id: (start, end)} of the periods the lines invoice,
    from their schedules (consumptions) or pending charges, in bulk"""
    pool = Pool()
    ids = [l.id for l in lines]
    periods = {}

    def add(line_id, start, end):
        old_start, old_end = periods.get(line_id, (start, end))
        periods[line_id] = (
            min(filter(None, [start, old_start]), default=None),
            max(filter(None, [end, old_end]), default=None))
    for model, getter in [
            ('sale.subscription.line.consumption', _consumption_period),
            ('account.invoice.pending_charge', _charge_period)]:
        try:
            Model = pool.get(model)
        except KeyError:
            continue
        if 'invoice_line' not in Model._fields:
            continue
        for record in Model.search([('invoice_line', 'in', ids)]):
            start, end = getter(record)
            if start or end:
                add(record.invoice_line.id, start, end)
    return periods


def _consumption_period(consumption):
    schedule = getattr(consumption, 'schedule', None)
    if schedule:
        return schedule.period_start, schedule.period_end
    return consumption.date, None


def _charge_period(charge):
    return charge.period_start, charge.period_end


def _period_text(fmt, start, end):
    if start and end:
        return gettext('lot_facturation.msg_send_pdf_period',
            start=fmt.date(start), end=fmt.date(end))
    return ''


def line_details(fmt, lines, periods):
    """Return the contract and period invoiced by each line id, and the
    whole period invoiced"""
    details = {}
    for line in lines:
        parts = []
        origin = getattr(line, 'origin', None)
        subscription = getattr(origin, 'subscription', None)
        if subscription is not None and getattr(
                subscription, 'number', None):
            parts.append(gettext(
                    'lot_facturation.msg_send_pdf_contract',
                    contract=subscription.number))
        period = _period_text(fmt, *periods.get(line.id, (None, None)))
        parts.append(period)
        details[line.id] = ' – '.join(filter(None, parts))
    mine = [periods[l.id] for l in lines if l.id in periods]
    starts = [s for s, _ in mine if s]
    ends = [e for _, e in mine if e]
    whole = _period_text(fmt, min(starts, default=None),
        max(ends, default=None))
    return details, whole


def _due_dates(fmt, invoice):
    lines = sorted(invoice.lines_to_pay or [],
        key=lambda l: (l.maturity_date or invoice.invoice_date, l.id))
    sign = -1 if invoice.total_amount < 0 else 1
    dates = []
    for line in lines:
        amount = line.amount_second_currency or (line.debit - line.credit)
        if line.second_currency and line.second_currency != invoice.currency:
            amount = line.debit - line.credit
        dates.append((
                fmt.date(line.maturity_date or invoice.invoice_date),
                fmt.money(abs(amount) * sign)))
    if not dates and invoice.invoice_date:
        dates.append((fmt.date(invoice.invoice_date),
                fmt.money(invoice.total_amount)))
    return dates


def _payment_details(invoice):
    accounts = [m.instrument for m in (invoice.payment_means or [])
        if m.instrument and m.instrument.__name__ == 'bank.account']
    if not accounts:
        accounts = list(getattr(
                invoice.company.party, 'bank_accounts', None) or [])[:1]
    details = []
    for account in accounts:
        iban = account.iban if hasattr(account, 'iban') else None
        if iban:
            bic = account.bank.bic if account.bank else ''
            details.append(gettext('lot_facturation.msg_send_pdf_iban',
                    iban=iban, bic=bic or ''))
    return details


def _legal(fmt, invoice, document, rate, vat_on_debits=False):
    mentions = legal_mentions(
        invoice.party.customer_kind, rate, vat_on_debits)
    document.legal_mentions = [mention_text(m, fmt.lang,
            invoice.company.currency) for m in mentions]
    notices = []
    for tax in invoice.taxes:
        if tax.legal_notice and tax.legal_notice not in notices:
            notices.append(tax.legal_notice)
    document.legal_notices = notices


def build_document(invoice, periods, late_payment_rate=None,
        vat_on_debits=False):
    fmt = _Formatter(invoice)
    details, service_period = line_details(fmt, invoice.lines, periods)
    company = invoice.company
    seller = _party_block(company.party,
        company.party.address_get(type='invoice'), contact=True)
    customer = _party_block(invoice.party, invoice.invoice_address,
        invoice.party_tax_identifier)
    credit = invoice.total_amount < 0
    document = InvoiceDocument(
        title=gettext('lot_facturation.msg_send_pdf_credit_note' if credit
            else 'lot_facturation.msg_send_pdf_invoice'),
        number=invoice.number or '', date=fmt.date(invoice.invoice_date),
        seller=seller, customer=customer,
        lines=[_line(fmt, l, details.get(l.id, '')) for l in invoice.lines],
        taxes=[TaxRow(description=t.description or _rate_text(fmt, t.tax),
                base=fmt.money(t.base), amount=fmt.money(t.amount),
                rate=_rate_text(fmt, t.tax)) for t in invoice.taxes],
        untaxed_amount=fmt.money(invoice.untaxed_amount),
        tax_amount=fmt.money(invoice.tax_amount),
        total_amount=fmt.money(invoice.total_amount),
        due_dates=_due_dates(fmt, invoice),
        payment_term=invoice.payment_term.rec_name
        if invoice.payment_term else '',
        reference=invoice.reference or '',
        description=invoice.description or '',
        service_period=service_period,
        payment_details=_payment_details(invoice),
        comment=invoice.comment or '',
        footer_lines=[l for l in (company.footer_used or '').splitlines()
            if l.strip()] or [seller.name + ' – '
            + ', '.join(seller.address_lines)])
    if invoice.state == 'paid' or (
            invoice.amount_to_pay is not None
            and invoice.amount_to_pay != invoice.total_amount):
        document.paid_amount = fmt.money(
            invoice.total_amount - (invoice.amount_to_pay or 0))
        document.amount_to_pay = fmt.money(invoice.amount_to_pay or 0)
    document.footer_ids = '   '.join(filter(None, [
                seller.siren and 'SIREN %s' % seller.siren,
                seller.siret and 'SIRET %s' % seller.siret,
                seller.vat and gettext(
                    'lot_facturation.msg_send_pdf_vat', vat=seller.vat)]))
    _legal(fmt, invoice, document, late_payment_rate, vat_on_debits)
    return document


def build_documents(invoices):
    "The documents of the invoices, in the same order"
    periods = _periods([l for i in invoices for l in i.lines])
    companies = [i.company.id for i in invoices]
    rates = settings.by_company('late_payment_rate', companies)
    debits = settings.by_company('vat_on_debits', companies)
    with Transaction().set_context(address_with_party=False):
        return [build_document(i, periods, rates[i.company.id],
                debits[i.company.id]) for i in invoices]
