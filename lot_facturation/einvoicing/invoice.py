# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""What e-invoicing adds to the customer invoice (SPEC C1-C4).

Each base is one concern, in the file of the same name: the validated
structured invoice (the gate), Factur-X, the PAdES signature, the Chorus
Pro references, export and return files, the Plateforme Agréée channel.
"""
from trytond.pool import PoolMeta

from .chorus_export import InvoiceChorusExport
from .chorus_references import InvoiceChorusReferences
from .chorus_return import InvoiceChorusReturn
from .facturx import InvoiceFacturX
from .pa_collection import InvoicePACollection
from .pa_correction import InvoicePACorrection
from .pa_lifecycle import InvoicePALifecycle
from .pa_send import InvoicePASend
from .signature import InvoiceSignature
from .structured import InvoiceStructured


class Invoice(InvoicePACollection, InvoicePACorrection, InvoicePALifecycle,
        InvoicePASend, InvoiceChorusReturn, InvoiceChorusExport,
        InvoiceChorusReferences, InvoiceSignature, InvoiceFacturX,
        InvoiceStructured, metaclass=PoolMeta):
    __name__ = 'account.invoice'
