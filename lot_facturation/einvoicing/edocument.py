# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""CII XML of the Factur-X EN 16931 profile (SPEC C1).

Tryton 8.0's ``edocument_uncefact`` 16B-CII output fails the Factur-X XSD
(empty ExchangedDocumentContext, lines without product lack
SpecifiedTradeProduct, elements outside the profile).  We extend its
``edocument.uncefact.invoice`` with our own template
(``template/factur-x-en16931``, derived from Tryton's) and the values it
needs; everything else (seller/buyer, type code, sign) is Tryton's.
"""
import os
from collections import defaultdict
from decimal import Decimal

import genshi.template

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import cached_property
from trytond.transaction import Transaction

from ..billing.legal_mentions import legal_mentions, notes
from ..common import settings
from ..formats.facturx import GUIDELINE_EN16931
from ..report.invoice_data import line_periods, mention_text
from ..validation import data_rules
from .tax import category_code, exemption

FACTURX_TEMPLATE = 'factur-x-en16931'
UNCHECKED = '_lot_facturation_unchecked_cii'
DEFAULT_COUNTRY = 'FR'
DEFAULT_UNIT = 'C62'  # one (unit)
loader = genshi.template.TemplateLoader(
    os.path.join(os.path.dirname(os.path.dirname(__file__)), 'template'),
    auto_reload=True)


class UNCEFACTInvoice(metaclass=PoolMeta):
    __name__ = 'edocument.uncefact.invoice'

    @classmethod
    def of_invoices(cls, invoices):
        """{invoice id: e-document}, the invoices of one language read as
        one list.  Tryton's ``__init__`` browses each invoice again alone
        (in its party's language), so every field the template reads
        costs a query per invoice; browsed together, Tryton's prefetch
        reads each field once for the whole list."""
        Invoice = Pool().get('account.invoice')
        by_language = defaultdict(list)
        for invoice in invoices:
            by_language[invoice.party_lang].append(invoice.id)
        documents = {}
        for language, ids in by_language.items():
            with Transaction().set_context(language=language):
                records = Invoice.browse(ids)
            for record in records:
                document = cls(record)
                document.invoice = record
                documents[record.id] = document
        return documents

    def render(self, template):
        """Our Factur-X template renders only through the gate, from
        whatever path asks (Tryton's e-document wizard included)"""
        if template == FACTURX_TEMPLATE and not Transaction().context.get(
                UNCHECKED):
            return self.invoice.structured_invoice()
        return super().render(template)

    def _get_template(self, version):
        if version == FACTURX_TEMPLATE:
            return loader.load(
                os.path.join(version, 'CrossIndustryInvoice.xml'))
        return super()._get_template(version)

    @property
    def guideline_id(self):
        return GUIDELINE_EN16931

    @cached_property
    def type_code(self):
        """386 for a deposit invoice (acompte); 262 (avoir remise globale)
        for a credit note of a contract's period that credits no invoice
        (BR-FR-CO-03, BR-FR-CO-05); else Tryton's code"""
        code = super().type_code
        if code == '380' and self.deposit_lines and all(
                l.amount > 0 for l in self.deposit_lines) and len(
                self.deposit_lines) == len(self.lines):
            return '386'
        if code == '381' and not self.credited_invoices and (
                self.contract_reference and self.billing_period):
            return '262'
        return code

    @cached_property
    def type_sign(self):
        "A credit note shows positive amounts"
        return -1 if self.type_code in {'381', '261', '262'} else 1

    @cached_property
    def deposit_lines(self):
        "Lines on a deposit account: the deposit, or its deduction"
        return [l for l in self.lines
            if l.account and l.account.type and l.account.type.deposit]

    @cached_property
    def business_process(self):
        """BT-23 cadre de facturation: S services, B goods, M both; 4 for
        the final invoice that deducts a deposit, else 1 (BR-FR-08)"""
        kinds = set()
        for line in self.lines:
            if line in self.deposit_lines:
                continue
            goods = line.product and line.product.type in {'goods', 'assets'}
            kinds.add('B' if goods else 'S')
        kind = kinds.pop() if len(kinds) == 1 else ('M' if kinds else 'S')
        final = any(l.amount < 0 for l in self.deposit_lines) and (
            self.type_code == '380')
        return kind + ('4' if final else '1')

    @cached_property
    def credited_invoices(self):
        "[(number, date)] of the invoices the lines credit, by date"
        invoices = getattr(self.invoice, 'origin_invoices', None) or []
        return [(i.number, i.invoice_date) for i in sorted(
                invoices, key=lambda i: (i.invoice_date, i.number or ''))
            if i.number and i.invoice_date]

    @cached_property
    def preceding_invoices(self):
        """[(number, date)] of the invoices a credit note credits (BT-25,
        BT-26; BR-FR-CO-05)"""
        if self.type_code not in {'381', '261'}:
            return []
        return self.credited_invoices

    @cached_property
    def contract_reference(self):
        "BT-12: the number of the one service contract the lines bill"
        numbers = set()
        for line in self.lines:
            subscription = getattr(line.origin, 'subscription', None)
            numbers.add(getattr(subscription, 'number', None))
        if len(numbers) == 1:
            return numbers.pop()

    @cached_property
    def buyer_reference(self):
        "Chorus Pro service code, else the buyer's reference (BT-10)"
        return (self.invoice.chorus_service_code or self.invoice.reference
            or None)

    @cached_property
    def purchase_order_number(self):
        "Chorus Pro engagement number (BT-13)"
        return self.invoice.chorus_engagement or None

    @cached_property
    def periods(self):
        """{line: (start, end)} invoiced (BG-26): from the schedules and
        charges, through the credited line for a credit note"""
        sources = {}
        for line in self.lines:
            origin = line.origin
            if origin and getattr(origin, '__name__', '') == (
                    'account.invoice.line'):
                sources[line] = origin
            else:
                sources[line] = line
        found = line_periods(list(set(sources.values())))
        return {line: found[source.id] for line, source in sources.items()
            if source.id in found}

    @cached_property
    def billing_period(self):
        "(start, end) of the whole invoice (BG-14), or None"
        starts = [s for s, _ in self.periods.values() if s]
        ends = [e for _, e in self.periods.values() if e]
        if starts or ends:
            return min(starts, default=None), max(ends, default=None)

    @cached_property
    def delivery_date(self):
        "BT-72: the end of the period invoiced, else the invoice date"
        period = self.billing_period
        return (period and period[1]) or self.invoice.invoice_date

    @cached_property
    def vat_due_code(self):
        "BT-8: 5 (invoice date) when the company pays VAT on debits"
        company = self.invoice.company.id
        if settings.by_company('vat_on_debits', [company])[company]:
            return '5'

    @cached_property
    def payment_means_code(self):
        for payment_mean in getattr(self.invoice, 'payment_means', []):
            if payment_mean.unece_code:
                return payment_mean.unece_code
        return '30'  # credit transfer

    @cached_property
    def payee_account(self):
        """The bank account the customer pays to, as the PDF prints it: the
        invoice's payment means, else the company's first bank account"""
        for mean in getattr(self.invoice, 'payment_means', None) or []:
            if mean.instrument and mean.instrument.__name__ == 'bank.account':
                return mean.instrument
        accounts = getattr(self.invoice.company.party, 'bank_accounts', None)
        return accounts[0] if accounts else None

    @property
    def payee_iban(self):
        "BT-84 when the payment means is a credit transfer (BR-61)"
        if self.payment_means_code in {'30', '58'} and self.payee_account:
            return self.payee_account.iban_compact

    @property
    def payee_bic(self):
        account = self.payee_account
        if self.payee_iban and account.bank and account.bank.bic:
            return account.bank.bic

    @cached_property
    def due_date(self):
        dates = [l.maturity_date for l in self.invoice.lines_to_pay
            if l.maturity_date]
        return min(dates) if dates else None

    @cached_property
    def payment_terms_description(self):
        term = self.invoice.payment_term
        return (term.description or term.name) if term else None

    @property
    def prepaid_amount(self):
        "The invoice as issued: nothing prepaid"
        return Decimal(0)

    @cached_property
    def legal_notes(self):
        """[(UNTDID 4451 subject code, text)]: BAR, the customer's kind
        (BR-FR-20), then the legal mentions of the PDF, each once
        (BR-FR-05, BR-FR-06)"""
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        company = self.invoice.company
        rates = settings.by_company('late_payment_rate', [company.id])
        debits = settings.by_company('vat_on_debits', [company.id])
        kind = self.invoice.party.customer_kind
        mentions = legal_mentions(kind, rates[company.id], debits[company.id])
        return [('BAR', data_rules.bar(kind))] + [
            (code, mention_text(m, lang, company.currency))
            for code, m in notes(mentions)]

    @cached_property
    def vat_breakdown(self):
        """[(tax, amount, base, (exemption reason, code))]: one per
        category, rate and exemption (BR-S-08); Tryton keeps one tax line
        per tax and account, each with the legal notice the PDF prints"""
        groups = {}
        for tax_line in self.invoice.taxes:
            tax = tax_line.tax
            reasons = exemption(tax, tax_line.legal_notice)
            key = (self.tax_type_code(tax), self.tax_category_code(tax),
                self.tax_rate(tax), reasons)
            _, amount, base, _ = groups.get(key, (tax, 0, 0, reasons))
            groups[key] = (tax, amount + tax_line.amount,
                base + tax_line.base, reasons)
        return list(groups.values())

    @staticmethod
    def line_name(line):
        if line.product:
            return line.product.name
        return (line.description or '').splitlines()[0] if (
            line.description) else '-'

    @staticmethod
    def unit_code(line):
        return (line.unit and getattr(line.unit, 'unece_code', None)
            or DEFAULT_UNIT)

    @staticmethod
    def line_tax(line):
        "The line's VAT; a parent tax (the French chart's) is its child's"
        tax = line.taxes[0] if line.taxes else None
        date = line.invoice.invoice_date if line.invoice else None
        while tax and tax.type == 'none' and tax.childs:
            valid = [c for c in tax.childs if date is None or (
                    (not c.start_date or c.start_date <= date)
                    and (not c.end_date or date <= c.end_date))]
            tax = (valid or tax.childs)[0]
        return tax

    @staticmethod
    def tax_type_code(tax):
        return (tax and tax.unece_code) or 'VAT'

    @staticmethod
    def tax_category_code(tax):
        return category_code(tax) if tax else 'Z'

    @staticmethod
    def tax_rate(tax):
        if tax and tax.type == 'percentage':
            return format((tax.rate * 100).normalize(), 'f')
        return '0'

    @staticmethod
    def address_lines(address):
        if not address:
            return []
        street = address.street or ''
        return [l for l in street.splitlines() if l.strip()]

    def country_code(self, address):
        if address and address.country:
            return address.country.code
        company_address = self.invoice.company.party.address_get('invoice')
        if company_address and company_address.country:
            return company_address.country.code
        return DEFAULT_COUNTRY

    @staticmethod
    def electronic_address(party):
        """(BT-34/BT-49 electronic address, scheme) of the party: its own,
        else its SIREN in the directory scheme 0225, else its e-mail (EM);
        None when it has none (BR-FR-12, BR-FR-13)"""
        address, scheme = party.electronic_address_scheme()
        return (address, scheme) if address and scheme else None

    @staticmethod
    def party_global_ids(party, address):
        "BT-46: the SIRET of the invoiced establishment (scheme 0009)"
        siret = getattr(address, 'siret', None) if address else None
        return [(siret.code_compact, '0009')] if siret else []

    @classmethod
    def party_legal_ids(cls, party, address):
        ids = super().party_legal_ids(party, address)
        for identifier in getattr(party, 'identifiers', []):
            if identifier.type == 'fr_siren':
                # ISO 6523 ICD 0002: French SIREN
                ids.append((identifier.code_compact, {'schemeID': '0002'}))
        return ids


class InvoiceEdocumentStart(metaclass=PoolMeta):
    __name__ = 'account.invoice.edocument.start'

    @fields.depends('format')
    def get_templates(self):
        templates = super().get_templates()
        if self.format == 'edocument.uncefact.invoice':
            templates.append((FACTURX_TEMPLATE, "Factur-X EN 16931"))
        return templates
