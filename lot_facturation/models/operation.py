# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Invoice operations (SPEC O1–O4): the journal of corrections on an invoice
and the shared accounting steps of the guided wizards.

Every step is Tryton's own: ``Invoice.credit``, ``Invoice.pay_invoice``,
``Line.reconcile``, ``Reconciliation.delete`` and ``Move.cancel``.  The
wizards only chain them and record, on the invoice, what was done and why.
"""
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.account.exceptions import PeriodNotFoundError
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

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


class OperationError(UserError):
    pass


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


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    operations = fields.One2Many(
        'account.invoice.operation', 'invoice', "Operations", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        customer_posted = (
            (Eval('type') != 'out')
            | ~Eval('state').in_(['posted', 'paid']))
        cls._buttons.update({
                'cancel_replace': {
                    'invisible': customer_posted,
                    'depends': ['type', 'state'],
                    },
                'cancel_payment': {
                    'invisible': customer_posted,
                    'depends': ['type', 'state'],
                    },
                'settle_credit': {
                    'invisible': ((Eval('type') != 'out')
                        | (Eval('state') != 'posted')
                        | (Eval('amount_to_pay', 0) >= 0)),
                    'depends': ['type', 'state', 'amount_to_pay'],
                    },
                'pay_with_deposit': {
                    'invisible': ((Eval('type') != 'out')
                        | (Eval('state') != 'posted')
                        | (Eval('amount_to_pay', 0) <= 0)),
                    'depends': ['type', 'state', 'amount_to_pay'],
                    },
                })

    @classmethod
    @ModelView.button_action('lot_facturation.wizard_cancel_replace')
    def cancel_replace(cls, invoices):
        pass

    @classmethod
    @ModelView.button_action('lot_facturation.wizard_settle_credit')
    def settle_credit(cls, invoices):
        pass

    @classmethod
    @ModelView.button_action('lot_facturation.wizard_cancel_payment')
    def cancel_payment(cls, invoices):
        pass

    @classmethod
    @ModelView.button_action('lot_facturation.wizard_pay_with_deposit')
    def pay_with_deposit(cls, invoices):
        pass

    @classmethod
    def copy(cls, invoices, default=None):
        default = {} if default is None else default.copy()
        default.setdefault('operations', None)
        return super().copy(invoices, default=default)


def check_customer_invoice(invoice, states=('posted', 'paid')):
    "Raise unless ``invoice`` is a customer invoice in one of ``states``."
    if invoice.type != 'out':
        raise OperationError(gettext(
                'lot_facturation.msg_op_not_customer_invoice',
                invoice=invoice.rec_name))
    if invoice.state == 'cancelled':
        raise OperationError(gettext(
                'lot_facturation.msg_op_invoice_cancelled',
                invoice=invoice.rec_name))
    if invoice.state not in states:
        raise OperationError(gettext(
                'lot_facturation.msg_op_invoice_not_posted',
                invoice=invoice.rec_name))


def check_period_open(company, date):
    "Raise a clear error when no open period holds ``date``."
    pool = Pool()
    Period = pool.get('account.period')
    Lang = pool.get('ir.lang')
    try:
        Period.find(company, date=date, test_state=True)
    except PeriodNotFoundError:
        raise OperationError(gettext(
                'lot_facturation.msg_op_period_closed',
                date=Lang.get().strftime(date),
                company=company.rec_name))


def check_amount(invoice, amount, maximum):
    "Raise unless 0 < amount <= maximum (in the invoice currency)."
    pool = Pool()
    Lang = pool.get('ir.lang')
    lang = Lang.get()
    if amount is None or amount <= 0:
        raise OperationError(gettext(
                'lot_facturation.msg_op_amount_not_positive',
                invoice=invoice.rec_name))
    if amount > maximum:
        raise OperationError(gettext(
                'lot_facturation.msg_op_amount_above_balance',
                invoice=invoice.rec_name,
                amount=lang.currency(amount, invoice.currency),
                balance=lang.currency(maximum, invoice.currency)))


def open_lines(invoices):
    "Return the unreconciled receivable lines of ``invoices`` (and payments)."
    lines = []
    for invoice in invoices:
        for line in invoice.lines_to_pay + invoice.payment_lines:
            if not line.reconciliation and line not in lines:
                lines.append(line)
    return lines


def reconcile_invoices(invoices, date=None):
    """Reconcile the open receivable lines of ``invoices`` together when they
    balance, and bring the invoices to their new state now (Tryton only
    queues it)."""
    pool = Pool()
    Line = pool.get('account.move.line')
    Invoice = pool.get('account.invoice')
    lines = open_lines(invoices)
    if not lines or sum(l.debit - l.credit for l in lines):
        return False
    Line.reconcile(lines, date=date)
    Invoice.process(Invoice.browse([i.id for i in invoices]))
    return True


def pay(invoice, amount, method, date, description):
    """Pay ``amount`` of ``invoice`` (negative for a credit note) with
    Tryton's ``pay_invoice`` and reconcile when it is settled.
    Return the payment move."""
    lines = invoice.pay_invoice(amount, method, date, description)
    reconcile_invoices([invoice.__class__(invoice.id)], date=date)
    return lines[0].move

