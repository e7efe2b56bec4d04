# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"Payment terms may be SEPA direct debits, which need a mandate (B5)."
from trytond.model import fields
from trytond.pool import PoolMeta


class PaymentTerm(metaclass=PoolMeta):
    __name__ = 'account.invoice.payment_term'

    direct_debit = fields.Boolean(
        "SEPA Direct Debit",
        help="Invoices with this term are paid by SEPA direct debit (SDD) "
        "and need a validated mandate to be posted.")

    @classmethod
    def default_direct_debit(cls):
        return False
