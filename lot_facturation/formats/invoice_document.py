# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""What a French invoice shows, as plain data (SPEC S3).

The report glue fills these from Tryton records with already formatted
texts (dates, amounts in the customer's language); the HTML template only
lays them out.  Nothing here knows Tryton or how the PDF travels.
"""
from dataclasses import dataclass, field

@dataclass
class PartyBlock:
    name: str
    address_lines: list = field(default_factory=list)
    siren: str = ''
    siret: str = ''
    vat: str = ''
    contact: list = field(default_factory=list)

    @property
    def is_business(self):
        "Whether the party is a professional (B2B mentions apply)"
        return bool(self.siren or self.siret or self.vat)


@dataclass
class DocumentLine:
    kind: str  # line, title, comment, subtotal
    description: str
    detail: str = ''  # contract and period invoiced
    quantity: str = ''
    unit: str = ''
    unit_price: str = ''
    taxes: str = ''
    amount: str = ''


@dataclass
class TaxRow:
    description: str
    base: str
    amount: str
    rate: str = ''


@dataclass
class InvoiceDocument:
    title: str
    number: str
    date: str
    seller: PartyBlock
    customer: PartyBlock
    lines: list = field(default_factory=list)
    taxes: list = field(default_factory=list)
    untaxed_amount: str = ''
    tax_amount: str = ''
    total_amount: str = ''
    paid_amount: str = ''
    amount_to_pay: str = ''
    due_dates: list = field(default_factory=list)  # (date, amount) texts
    payment_term: str = ''
    reference: str = ''
    description: str = ''
    service_period: str = ''
    payment_details: list = field(default_factory=list)
    legal_notices: list = field(default_factory=list)  # taxes' notices
    legal_mentions: list = field(default_factory=list)  # PMT, PMD, AAB...
    footer_lines: list = field(default_factory=list)
    footer_ids: str = ''
    comment: str = ''

