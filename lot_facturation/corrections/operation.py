# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The journal of corrections on an invoice (SPEC O1-O4).

Every correction a wizard makes (credit note, refund, deposit transfer,
cancelled receipt...) is recorded on the invoice with its date, amount,
move and reason, so an accountant sees later what was done and why.
"""
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary

KINDS = [
    ('cancel', "Cancelled by Credit Note"),
    ('credit', "Credit Note"),
    ('replace', "Replacement"),
    ('refund', "Refund"),
    ('keep', "Credit Kept on Account"),
    ('deposit_in', "Transfer to Deposit"),
    ('deposit_out', "Paid with Deposit"),
    ('payment_cancel', "Receipt Cancelled"),
    ]


class InvoiceOperation(ModelSQL, ModelView):
    "Invoice Operation"
    __name__ = 'account.invoice.operation'

    invoice = fields.Many2One(
        'account.invoice', "Invoice", required=True, ondelete='CASCADE')
    company = fields.Many2One('company.company', "Company", required=True)
    date = fields.Date("Date", required=True)
    kind = fields.Selection(KINDS, "Operation", required=True)
    amount = Monetary(
        "Amount", currency='currency', digits='currency')
    currency = fields.Many2One('currency.currency', "Currency")
    reason = fields.Text("Reason")
    related_invoice = fields.Many2One(
        'account.invoice', "Related Invoice", ondelete='SET NULL')
    move = fields.Many2One('account.move', "Move", ondelete='SET NULL')
    payment_method = fields.Many2One(
        'account.invoice.payment.method', "Payment Method",
        ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('invoice')
        cls._order.insert(0, ('date', 'DESC'))
        cls._order.insert(1, ('id', 'DESC'))

    @classmethod
    def record(cls, invoice, kind, date, amount=None, reason=None,
            related_invoice=None, move=None, payment_method=None):
        "Return an unsaved operation of ``invoice``."
        return cls(
            invoice=invoice, company=invoice.company, kind=kind, date=date,
            amount=amount, currency=invoice.currency, reason=reason,
            related_invoice=related_invoice, move=move,
            payment_method=payment_method)
