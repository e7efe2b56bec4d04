# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Billing status of an invoice in seed 002's terms (SPEC E1).

Pure rule: Brouillon (draft), Exporté (exported to the accounting
software), Envoyé (sent to the customer), Payé (paid), Remboursé (the
whole amount credited back).  The later stage wins; a status set by hand
wins over the derived one.
"""
from dataclasses import dataclass
from decimal import Decimal

DRAFT, EXPORTED, SENT, PAID, REFUNDED = (
    'draft', 'exported', 'sent', 'paid', 'refunded')
STATUSES = (DRAFT, EXPORTED, SENT, PAID, REFUNDED)


@dataclass(frozen=True)
class InvoiceFacts:
    "What the status is derived from"
    state: str  # Tryton invoice state
    send_state: str = 'pending'
    exported: bool = False  # an export exchange was recorded
    total: Decimal = Decimal(0)  # untaxed
    credited: Decimal = Decimal(0)  # untaxed total of posted credit notes
    manual: str = None  # status set by hand


def derive(facts):
    "The billing status of an invoice"
    if facts.manual:
        return facts.manual
    if facts.state == 'cancelled' or (
            facts.total > 0 and facts.credited >= facts.total):
        return REFUNDED
    if facts.state == 'paid':
        return PAID
    if facts.send_state == 'sent':
        return SENT
    if facts.exported:
        return EXPORTED
    return DRAFT
