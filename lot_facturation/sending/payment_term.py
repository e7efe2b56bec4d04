# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"Payment terms paid by bill of exchange (traites, SPEC S2)."
from trytond.model import fields
from trytond.pool import PoolMeta


class PaymentTerm(metaclass=PoolMeta):
    __name__ = 'account.invoice.payment_term'

    bill_of_exchange = fields.Selection([
            (None, ''),
            ('lcr', "LCR (Bill of Exchange)"),
            ('promissory_note', "Promissory Note"),
            ], "Bill of Exchange",
        help="The customer pays the invoices with this payment term by a "
        "bill of exchange: they are printed by \"Print Bills of Exchange\".")
