# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""What statuses and exports add to the customer invoice (SPEC E1, E2)."""
from trytond.pool import PoolMeta

from .accounting_export import InvoiceAccountingExport
from .billing_status import InvoiceBillingStatus


class Invoice(InvoiceAccountingExport, InvoiceBillingStatus,
        metaclass=PoolMeta):
    __name__ = 'account.invoice'
