# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""One item of a proposal: a schedule, a time entry or a charge (B4).

Items are stored with everything generation needs (product, quantity,
price, taxes, account, period) so that the invoice is built from exactly
what the preview showed; unselecting an item re-prices its proposal.
"""
from decimal import Decimal

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.product import price_digits
from trytond.pool import Pool
from trytond.pyson import Eval

from ..billing import items as core
from .core_values import decode_problems, load_taxes
from .generation import ItemGeneration


class Item(ItemGeneration, ModelSQL, ModelView):
    __name__ = 'account.invoice.batch.item'

    proposal = fields.Many2One(
        'account.invoice.batch.proposal', "Invoice to Create", required=True,
        readonly=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('schedule', "Schedule"),
            ('consumption', "Time Entry"),
            ('charge', "Pending Charge"),
            ('interest', "Interest"),
            ], "Kind", readonly=True)
    selected = fields.Boolean("Selected",
        states={'readonly': Eval('_parent_proposal', {}).get(
                'batch_state') != 'previewed'},
        help="Uncheck to leave this item out of the invoice.")
    subscription = fields.Many2One(
        'sale.subscription', "Contract", readonly=True)
    schedule = fields.Many2One(
        'sale.subscription.schedule', "Schedule", readonly=True)
    subscription_line = fields.Many2One(
        'sale.subscription.line', "Contract Line", readonly=True)
    consumption = fields.Many2One(
        'sale.subscription.line.consumption', "Time Entry", readonly=True)
    charge = fields.Many2One(
        'account.invoice.pending_charge', "Charge", readonly=True)
    consumption_count = fields.Integer("Consumptions", readonly=True)
    product = fields.Many2One('product.product', "Product", readonly=True)
    unit = fields.Many2One('product.uom', "Unit", readonly=True)
    quantity = fields.Float("Quantity", digits='unit', readonly=True)
    unit_price = fields.Numeric(
        "Unit Price", digits=price_digits, readonly=True)
    tax_ids = fields.Char("Tax Ids", readonly=True)
    account = fields.Many2One('account.account', "Account", readonly=True)
    label = fields.Char("Label", readonly=True)
    description = fields.Char("Description", readonly=True)
    period_start = fields.Date("Period Start", readonly=True)
    period_end = fields.Date("Period End", readonly=True)
    hours = fields.Numeric("Hours", digits=(16, 2), readonly=True)
    amount = fields.Numeric("Amount", digits=(16, 2), readonly=True)
    problems = fields.Text("Problems", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('proposal')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.proposal, Index.Range())))
        cls._order = [('id', 'ASC')]

    @classmethod
    def default_selected(cls):
        return True

    def get_rec_name(self, name):
        return self.description or self.label

    @classmethod
    def on_write(cls, items, values):
        callbacks = super().on_write(items, values)
        if 'selected' in values:
            proposal_ids = {i.proposal.id for i in items}
            callbacks.append(lambda: Pool().get(
                    'account.invoice.batch.proposal').price(
                    Pool().get('account.invoice.batch.proposal').browse(
                        list(proposal_ids))))
        return callbacks

    @classmethod
    def core_taxes(cls, proposals):
        "Load, once, the taxes the items of ``proposals`` use."
        pool = Pool()
        Tax = pool.get('account.tax')
        ids = set()
        for proposal in proposals:
            for item in proposal.items:
                ids.update(item.tax_id_list)
        return load_taxes(Tax.browse(list(ids)))

    @property
    def tax_id_list(self):
        return [int(i) for i in (self.tax_ids or '').split(',') if i]

    def core_item(self, header, taxes):
        return core.Item(
            ref=self.core_ref(), kind=self.kind, header=header,
            quantity=Decimal(str(self.quantity or 0)),
            unit_price=self.unit_price or Decimal(0),
            taxes=tuple(taxes[i] for i in self.tax_id_list),
            subscription=self.subscription.id if self.subscription else None,
            schedule=self.schedule.id if self.schedule else None,
            origin=(str(self.subscription_line) if self.subscription_line
                else None),
            product=self.product.id if self.product else None,
            unit=self.unit.id if self.unit else None,
            account=self.account.id if self.account else None,
            label=self.label or '', description=self.description or '',
            period_start=self.period_start, period_end=self.period_end,
            hours=self.hours, problems=decode_problems(self.problems))

    def core_ref(self):
        if self.charge:
            return ('charge', self.charge.id)
        if self.consumption:
            return ('consumption', self.consumption.id)
        return ('schedule', self.schedule.id, self.subscription_line.id)
