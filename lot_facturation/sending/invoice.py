# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""What send processing adds to the customer invoice (SPEC S1-S4).

Each base is one concern, in the file of the same name: the send state
(S1, S2), the delivery through the customer's channel and its claims (S3)
and the nightly job (S4).  A sent invoice, and its lines, can no longer change.
"""
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.pool import PoolMeta

from .auto_send import InvoiceAutoSend
from .claims import InvoiceClaims
from .delivery import InvoiceDelivery
from .send_state import InvoiceSendState


class Invoice(InvoiceAutoSend, InvoiceDelivery, InvoiceClaims,
        InvoiceSendState, metaclass=PoolMeta):
    __name__ = 'account.invoice'


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode in {'write', 'delete'}:
            for line in lines:
                if line.invoice and line.invoice.send_state == 'sent':
                    raise AccessError(gettext(
                            'lot_facturation.msg_send_invoice_sent_modify',
                            invoice=line.invoice.rec_name))
