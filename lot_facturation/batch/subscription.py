# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Service contracts expose their billing schedule (B1) and batch criteria.

Schedules follow the contract without any manual step: running, putting
back to draft and closing a contract, and Tryton's consumption generation,
all re-synchronise them.
"""
from sql import Cast
from sql.conditionals import Coalesce
from sql.functions import Function
from sql.operators import Concat

from trytond import backend
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction


class Subscription(metaclass=PoolMeta):
    __name__ = 'sale.subscription'

    schedules = fields.One2Many(
        'sale.subscription.schedule', 'subscription', "Schedules",
        readonly=True)
    contract_type = fields.Many2One(
        'sale.subscription.type', "Contract Type", ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'draft'})
    taxable = fields.Boolean(
        "Taxable", states={'readonly': Eval('state') != 'draft'},
        help="If unchecked, the contract is invoiced without taxes.")

    @classmethod
    def default_taxable(cls):
        return True

    @classmethod
    def copy(cls, subscriptions, default=None):
        default = default.copy() if default else {}
        default.setdefault('schedules', [])
        return super().copy(subscriptions, default=default)

    @classmethod
    def run(cls, subscriptions):
        super().run(subscriptions)
        Pool().get('sale.subscription.schedule').sync(subscriptions)

    @classmethod
    def draft(cls, subscriptions):
        super().draft(subscriptions)
        Pool().get('sale.subscription.schedule').sync(subscriptions)

    @classmethod
    def close(cls, subscriptions):
        super().close(subscriptions)
        Pool().get('sale.subscription.schedule').sync(subscriptions)


class SubscriptionLine(metaclass=PoolMeta):
    __name__ = 'sale.subscription.line'

    @classmethod
    def domain_next_consumption_date_delayed(cls, domain, tables):
        """SQLite cannot add a delay to a date with '+'.

        Tryton's expression there compares a number with a date string,
        which is always true: every consumption job would create one more
        consumption ahead of time.  Use SQLite's DATE(date, 'N seconds'):
        N carries its own sign (a negative delay consumes ahead of the
        period; '+-86400.0 seconds' would be NULL and never match).
        """
        if backend.name != 'sqlite':
            return super().domain_next_consumption_date_delayed(
                domain, tables)
        field = cls.next_consumption_date_delayed._field
        table, _ = tables[None]
        _, operator, value = domain
        seconds = Cast(Coalesce(table.consumption_delay, 0), 'TEXT')
        column = SQLiteDate(
            table.next_consumption_date, Concat(seconds, ' seconds'))
        expression = fields.SQL_OPERATORS[operator](
            column, field._domain_value(operator, value))
        return field._domain_add_null(column, operator, value, expression)

    @classmethod
    def generate_consumption(cls, date=None):
        "New consumptions are linked to their schedule at once."
        pool = Pool()
        Consumption = pool.get('sale.subscription.line.consumption')
        Schedule = pool.get('sale.subscription.schedule')
        super().generate_consumption(date=date)
        if Transaction().context.get('_lot_facturation_no_sync'):
            return  # the caller synchronises the contracts it works on
        unlinked = Consumption.search([('schedule', '=', None)])
        subscriptions = {c.line.subscription.id for c in unlinked}
        if subscriptions:
            Schedule.sync(list(subscriptions), until=date)


class SubscriptionType(ModelSQL, ModelView):
    "Kinds of contracts, used to select what a batch invoices (E3)."
    __name__ = 'sale.subscription.type'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")


class SQLiteDate(Function):
    __slots__ = ()
    _function = 'DATE'
