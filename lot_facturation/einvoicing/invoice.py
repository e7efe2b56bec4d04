# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""What e-invoicing adds to the customer invoice (SPEC C1-C4).

Each base is one concern, in the file of the same name: Factur-X, the
PAdES signature, the Chorus Pro export and its return files.
"""
from trytond.pool import PoolMeta

from .chorus_export import InvoiceChorusExport
from .chorus_return import InvoiceChorusReturn
from .facturx import InvoiceFacturX
from .signature import InvoiceSignature


class Invoice(InvoiceChorusReturn, InvoiceChorusExport, InvoiceSignature,
        InvoiceFacturX, metaclass=PoolMeta):
    __name__ = 'account.invoice'
