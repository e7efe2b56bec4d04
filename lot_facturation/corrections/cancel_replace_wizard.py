# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Annuler / remplacer une facture (SPEC O1, O2).

A posted customer invoice is never deleted: Tryton's ``Invoice.credit``
makes the credit note.  Unpaid invoice (O1): the credit note is posted and
reconciled with it, both end *paid* (the "zero receipt" of seed 001 is that
reconciliation).  Paid invoice (O2): the credit note is posted and settled
(refund, keep, deposit) or left in draft for the accountant to edit its
lines.  Optionally a draft copy is opened as the replacement.
"""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import Button, StateAction, StateView, Wizard

from ..billing.send_rules import PA_REJECTIONS
from ..exceptions import OperationError
from .accounting_steps import (
    check_customer_invoice, check_period_open,
    reconcile_invoices)
from .settle_credit_wizard import SETTLEMENTS, settle


def check_cancellable(invoice):
    "Raise unless ``invoice`` can be cancelled by a credit note."
    pool = Pool()
    Invoice = pool.get('account.invoice')
    check_customer_invoice(invoice)
    credits = Invoice.search([
            ('origin_invoices', '=', invoice.id),
            ('state', '!=', 'cancelled'),
            ], limit=1)
    if credits:
        credit, = credits
        raise OperationError(gettext(
                'lot_facturation.msg_op_already_credited',
                invoice=invoice.rec_name, credit=credit.rec_name))


def payment_status(invoice):
    "Return 'unpaid', 'partial' or 'paid'."
    if invoice.state == 'paid':
        return 'paid'
    if invoice.amount_to_pay == invoice.total_amount:
        return 'unpaid'
    return 'partial'


class CancelReplaceStart(ModelView):
    "Cancel / Replace Invoice"
    __name__ = 'account.invoice.cancel_replace.start'

    invoice = fields.Many2One('account.invoice', "Invoice", readonly=True)
    company = fields.Many2One('company.company', "Company", readonly=True)
    currency = fields.Many2One('currency.currency', "Currency", readonly=True)
    total_amount = Monetary(
        "Total", currency='currency', digits='currency', readonly=True)
    amount_to_pay = Monetary(
        "Amount to Pay", currency='currency', digits='currency',
        readonly=True)
    status = fields.Selection([
            ('unpaid', "Unpaid"),
            ('partial', "Partially Paid"),
            ('paid', "Paid"),
            ], "Payment Status", readonly=True)
    date = fields.Date(
        "Credit Note Date", required=True,
        help="The date of the credit note and of its settlement.")
    reason = fields.Text("Reason", required=True)
    mode = fields.Selection([
            ('full', "Full Credit Note"),
            ('edit', "Credit Note to Edit"),
            ], "Credit Note", required=True,
        help="Full: the credit note repeats every line and is posted now.\n"
        "To edit: the credit note is created in draft to change its lines.")
    settlement = fields.Selection(
        [s for s in SETTLEMENTS if s[0] != 'invoice'], "Settlement",
        states={
            'invisible': (Eval('status') != 'paid') | (Eval('mode') != 'full'),
            'required': (Eval('status') == 'paid') & (Eval('mode') == 'full'),
            })
    payment_method = fields.Many2One(
        'account.invoice.payment.method', "Payment Method",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'invisible': ((Eval('status') != 'paid')
                | (Eval('mode') != 'full')
                | (Eval('settlement') != 'refund')),
            'required': ((Eval('status') == 'paid')
                & (Eval('mode') == 'full')
                & (Eval('settlement') == 'refund')),
            })
    replace = fields.Boolean(
        "Replace", help="Open a draft copy of the invoice as replacement.")


class CancelReplace(Wizard):
    "Cancel / Replace Invoice"
    __name__ = 'account.invoice.cancel_replace'
    start = StateView('account.invoice.cancel_replace.start',
        'lot_facturation.cancel_replace_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Credit", 'credit', 'tryton-ok', default=True),
            ])
    credit = StateAction('account_invoice.act_invoice_out_form')

    def default_start(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        invoice = self.record
        check_cancellable(invoice)
        status = payment_status(invoice)
        return {
            'invoice': invoice.id,
            'company': invoice.company.id,
            'currency': invoice.currency.id,
            'total_amount': invoice.total_amount,
            'amount_to_pay': invoice.amount_to_pay,
            'status': status,
            'date': Date.today(),
            'mode': 'full' if status != 'partial' else 'edit',
            'settlement': 'keep',
            # rejected or refused on the PA: the new invoice is the point
            'replace': getattr(invoice, 'pa_status', None) in PA_REJECTIONS,
            }

    def check(self, invoice):
        start = self.start
        check_cancellable(invoice)
        check_period_open(invoice.company, start.date)
        status = payment_status(invoice)
        if start.mode == 'full' and status == 'partial':
            raise OperationError(gettext(
                    'lot_facturation.msg_op_partially_paid',
                    invoice=invoice.rec_name))
        if (start.mode == 'full' and status == 'paid'
                and start.settlement == 'deposit'):
            Configuration = Pool().get('account.configuration')
            Configuration(1).get_deposit_method(invoice.company)
        return status

    def do_credit(self, action):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Operation = pool.get('account.invoice.operation')
        invoice, start = self.record, self.start
        status = self.check(invoice)
        credit, = Invoice.credit([invoice], invoice_date=start.date)
        records = [credit]
        operations = [Operation.record(
                invoice, 'cancel', start.date, amount=invoice.total_amount,
                reason=start.reason, related_invoice=credit)]
        if start.mode == 'full':
            Invoice.post([credit])
            if status == 'unpaid':
                reconcile_invoices([invoice, credit], date=start.date)
            operations.append(Operation.record(
                    credit, 'credit', start.date,
                    amount=credit.total_amount, reason=start.reason,
                    related_invoice=invoice))
        if start.replace:
            replacement, = Invoice.copy([invoice])
            records.append(replacement)
            operations.append(Operation.record(
                    invoice, 'replace', start.date, reason=start.reason,
                    related_invoice=replacement))
        Operation.save(operations)
        if start.mode == 'full' and status == 'paid':
            credit = Invoice(credit.id)
            settle(credit, start.settlement, -credit.amount_to_pay,
                start.date, start.reason, method=start.payment_method)
        action['views'].reverse()
        return action, {'res_id': [r.id for r in records]}
