# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Pending charges (répartitions de facture): one-off billable items (I2).

A charge is billed by the next batch that includes its kind, but only once
validated (*estampillée*); interest charges (I1) are the same records with
``kind='interest'``.  Its ``invoice_line`` is a single column: a charge is
invoiced at most once; deleting the draft invoice makes it pending again.
"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.currency.fields import Monetary
from trytond.modules.product import price_digits
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from ..common.sql import claim_rows

READONLY = Eval('state') != 'draft'


class PendingCharge(Workflow, ModelSQL, ModelView):
    __name__ = 'account.invoice.pending_charge'

    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={'readonly': READONLY})
    party = fields.Many2One(
        'party.party', "Customer", required=True,
        context={'company': Eval('company', -1)}, depends={'company'},
        states={'readonly': READONLY})
    subscription = fields.Many2One(
        'sale.subscription', "Contract",
        domain=[
            ('company', '=', Eval('company', -1)),
            If(Eval('party'),
                ['OR',
                    ('party', '=', Eval('party', -1)),
                    ('invoice_party', '=', Eval('party', -1))],
                []),
            ],
        states={'readonly': READONLY},
        help="Bill the charge with this contract when grouping by contract.")
    kind = fields.Selection([
            ('charge', "Charge"),
            ('interest', "Interest"),
            ], "Kind", required=True, states={'readonly': READONLY})
    date = fields.Date(
        "Date", required=True, states={'readonly': READONLY},
        help="The charge is billed by batches whose reference date is on or "
        "after this date.")
    product = fields.Many2One(
        'product.product', "Product", required=True,
        domain=[('type', '=', 'service')],
        context={'company': Eval('company', -1)}, depends={'company'},
        states={'readonly': READONLY})
    description = fields.Char("Description", states={'readonly': READONLY})
    quantity = fields.Float(
        "Quantity", digits='unit', required=True,
        states={'readonly': READONLY})
    unit = fields.Many2One(
        'product.uom', "Unit", required=True, states={'readonly': READONLY})
    unit_price = Monetary(
        "Unit Price", currency='currency', digits=price_digits, required=True,
        states={'readonly': READONLY})
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True,
        states={'readonly': READONLY})
    amount = fields.Function(Monetary(
            "Amount", currency='currency', digits='currency'),
        'on_change_with_amount')
    period_start = fields.Date("Period Start", states={'readonly': READONLY})
    period_end = fields.Date("Period End", states={'readonly': READONLY})
    origin = fields.Reference(
        "Origin", selection='get_origin', readonly=True)
    invoice_line = fields.Many2One(
        'account.invoice.line', "Invoice Line", readonly=True,
        ondelete='SET NULL')
    validated_by = fields.Many2One('res.user', "Validated By", readonly=True)
    state = fields.Selection([
            ('draft', "Not Validated"),
            ('validated', "Validated"),
            ('invoiced', "Invoiced"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t,
                    (t.state, Index.Equality(cardinality='low')),
                    (t.date, Index.Range())),
                Index(t, (t.invoice_line, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'validated'),
            ('validated', 'draft'),
            ('draft', 'cancelled'),
            ('validated', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'validate_charge': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(['validated', 'cancelled']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'validated']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_currency(cls):
        pool = Pool()
        Company = pool.get('company.company')
        company = cls.default_company()
        if company is not None and company >= 0:
            return Company(company).currency.id

    @classmethod
    def default_kind(cls):
        return 'charge'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_quantity(cls):
        return 1

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def _get_origin(cls):
        "Models that may be the origin of a charge (interest: move lines)."
        return ['account.move.line', 'account.invoice']

    @classmethod
    def get_origin(cls):
        pool = Pool()
        IrModel = pool.get('ir.model')
        models = cls._get_origin()
        return [(None, '')] + [
            (m, IrModel.get_name(m)) for m in models]

    @fields.depends('product', 'unit', 'description')
    def on_change_product(self):
        if self.product:
            self.unit = self.product.sale_uom
            if not self.description:
                self.description = self.product.name
            if self.product.list_price is not None:
                self.unit_price = self.product.list_price

    @fields.depends('quantity', 'unit_price', 'currency')
    def on_change_with_amount(self, name=None):
        amount = (Decimal(str(self.quantity or 0))
            * (self.unit_price or Decimal(0)))
        if self.currency:
            amount = self.currency.round(amount)
        return amount

    def get_rec_name(self, name):
        return self.description or self.product.rec_name

    @classmethod
    def check_modification(cls, mode, charges, values=None, external=False):
        super().check_modification(
            mode, charges, values=values, external=external)
        if mode == 'delete':
            for charge in charges:
                if charge.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'lot_facturation.msg_charge_delete_state',
                            charge=charge.rec_name))

    @classmethod
    def on_write(cls, charges, values):
        "A charge whose invoice line disappears is pending again."
        callbacks = super().on_write(charges, values)
        if 'invoice_line' in values:
            ids = [c.id for c in charges]
            callbacks.append(lambda: cls._refresh_invoiced(ids))
        return callbacks

    @classmethod
    def _refresh_invoiced(cls, ids):
        charges = cls.browse(ids)
        to_validated = [c for c in charges
            if c.state == 'invoiced' and not c.invoice_line]
        to_invoiced = [c for c in charges
            if c.state == 'validated' and c.invoice_line]
        if to_validated:
            cls.write(to_validated, {'state': 'validated'})
        if to_invoiced:
            cls.write(to_invoiced, {'state': 'invoiced'})

    @classmethod
    def copy(cls, charges, default=None):
        default = default.copy() if default else {}
        default.setdefault('invoice_line')
        default.setdefault('validated_by')
        default.setdefault('origin')
        return super().copy(charges, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('validated')
    def validate_charge(cls, charges):
        cls.write(charges, {'validated_by': Transaction().user})

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, charges):
        cls.write(charges, {'validated_by': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, charges):
        pass

    @classmethod
    def claim(cls, targets):
        """Compare-and-set: {charge id: invoice line id} on validated, free
        charges; returns the ids linked, the others were taken meanwhile."""
        return claim_rows(cls, 'invoice_line', targets,
            where=lambda table: table.state == 'validated',
            also={'state': 'invoiced'})
