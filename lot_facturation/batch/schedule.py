# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Billing schedules (échéances de facturation) of service contracts (B1).

A schedule is the invoice of one period of a contract: the consumptions
Tryton's subscription would bill at one date of its invoice recurrence.  The
rows are maintained by ``schedule_plan`` from the contracts; their state
follows the consumptions: a consumption can only point to one invoice line,
so a schedule is invoiced at most once whoever invoices it (a batch or
Tryton's own "Create Subscription Invoices").
"""
from collections import defaultdict

from sql import Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case
from sql.functions import CurrentTimestamp

from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..common.sql import execute_update

from ..billing import schedules as rules
from .schedule_plan import SchedulePlanning

STATES = [
    ('planned', "Planned"),
    ('due', "Due"),
    ('invoiced', "Invoiced"),
    ('cancelled', "Cancelled"),
    ]


class Schedule(SchedulePlanning, ModelSQL, ModelView):
    __name__ = 'sale.subscription.schedule'

    subscription = fields.Many2One(
        'sale.subscription', "Contract", required=True, readonly=True,
        ondelete='CASCADE')
    company = fields.Function(
        fields.Many2One('company.company', "Company"), 'get_subscription_field',
        searcher='search_subscription_field')
    party = fields.Function(
        fields.Many2One('party.party', "Customer",
            context={'company': Eval('company', -1)}, depends={'company'}),
        'get_subscription_field', searcher='search_subscription_field')
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'get_subscription_field')
    billing_date = fields.Date("Billing Date", required=True, readonly=True)
    period_start = fields.Date("Period Start", readonly=True)
    period_end = fields.Date("Period End", readonly=True)
    description = fields.Char("Description", readonly=True)
    untaxed_amount = Monetary(
        "Untaxed Amount", currency='currency', digits='currency',
        readonly=True)
    occurrence_count = fields.Integer(
        "Consumptions Expected", readonly=True,
        help="Recurring consumptions of the contract lines in this period.")
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    locked = fields.Function(
        fields.Boolean("Locked",
            help="The period is still open: not ready for billing."),
        'on_change_with_locked')
    consumptions = fields.One2Many(
        'sale.subscription.line.consumption', 'schedule', "Consumptions",
        readonly=True)
    invoice_lines = fields.Function(fields.Many2Many(
            'account.invoice.line', None, None, "Invoice Lines"),
        'get_invoice_lines')
    invoices = fields.Function(fields.Many2Many(
            'account.invoice', None, None, "Invoices"), 'get_invoices')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('subscription')
        t = cls.__table__()
        cls._sql_constraints += [
            ('subscription_billing_date_unique',
                Unique(t, t.subscription, t.billing_date),
                'lot_facturation.msg_schedule_unique'),
            ]
        cls._sql_indexes.update({
                Index(t,
                    (t.state, Index.Equality(cardinality='low')),
                    (t.billing_date, Index.Range())),
                })
        cls._order = [('billing_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'planned'

    @fields.depends('state')
    def on_change_with_locked(self, name=None):
        return self.state == 'planned'

    def get_rec_name(self, name):
        return self.description or str(self.billing_date)

    @classmethod
    def get_subscription_field(cls, schedules, names):
        result = {n: {} for n in names}
        for schedule in schedules:
            subscription = schedule.subscription
            values = {
                'company': subscription.company.id,
                'party': (subscription.invoice_party or subscription.party).id,
                'currency': subscription.currency.id,
                }
            for name in names:
                result[name][schedule.id] = values[name]
        return result

    @classmethod
    def search_subscription_field(cls, name, clause):
        nested = clause[0][len(name):]
        if name == 'party':
            return ['OR',
                ('subscription.invoice_party' + nested, *clause[1:]),
                [('subscription.invoice_party', '=', None),
                    ('subscription.party' + nested, *clause[1:])],
                ]
        return [('subscription.' + name + nested, *clause[1:])]

    @classmethod
    def get_invoice_lines(cls, schedules, name):
        pool = Pool()
        Consumption = pool.get('sale.subscription.line.consumption')
        cursor = Transaction().connection.cursor()
        consumption = Consumption.__table__()
        lines = defaultdict(list)
        for sub_ids in grouped_slice([s.id for s in schedules], 1000):
            cursor.execute(*consumption.select(
                    consumption.schedule, consumption.invoice_line,
                    where=fields.SQL_OPERATORS['in'](
                        consumption.schedule, sub_ids)
                    & (consumption.invoice_line != Null),
                    group_by=[consumption.schedule, consumption.invoice_line],
                    order_by=[consumption.invoice_line]))
            for schedule_id, line_id in cursor:
                lines[schedule_id].append(line_id)
        return {s.id: lines[s.id] for s in schedules}

    @classmethod
    def get_invoices(cls, schedules, name):
        lines = cls.get_invoice_lines(schedules, 'invoice_lines')
        InvoiceLine = Pool().get('account.invoice.line')
        line2invoice = {l.id: l.invoice.id for l in InvoiceLine.browse(
                sum(lines.values(), []))}
        return {s.id: sorted({line2invoice[l] for l in lines[s.id]})
            for s in schedules}

    @classmethod
    def refresh_states(cls, schedules, today=None):
        """Recompute planned/due/invoiced from dates and consumptions.

        Done with two queries and one UPDATE per resulting state, whatever
        the number of schedules.
        """
        pool = Pool()
        Date = pool.get('ir.date')
        if today is None:
            today = Date.today()
        ids = sorted({int(s) for s in schedules})
        by_state = defaultdict(list)
        for sub_ids in grouped_slice(ids, 1000):
            for row in cls._invoicing_counts(sub_ids):
                (id_, billing_date, expected, current, linked,
                    invoiced) = row
                if current == 'cancelled' and not invoiced:
                    continue
                state = rules.state(
                    billing_date, today, expected or 0, linked, invoiced)
                if state != current:
                    by_state[state].append(id_)
        cls._write_states(by_state)

    @classmethod
    def _invoicing_counts(cls, ids):
        pool = Pool()
        Consumption = pool.get('sale.subscription.line.consumption')
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        consumption = Consumption.__table__()
        query = table.join(consumption, 'LEFT',
            condition=consumption.schedule == table.id
            ).select(
                table.id, table.billing_date, table.occurrence_count,
                table.state, Count(consumption.id),
                Sum(Case((consumption.invoice_line != Null, Literal(1)),
                        else_=Literal(0))),
                where=fields.SQL_OPERATORS['in'](table.id, ids),
                group_by=[table.id, table.billing_date,
                    table.occurrence_count, table.state])
        cursor.execute(*query)
        return [(i, d, e, s, c or 0, int(n or 0))
            for i, d, e, s, c, n in cursor]

    @classmethod
    def _write_states(cls, by_state):
        table = cls.__table__()
        for state, ids in by_state.items():
            for sub_ids in grouped_slice(ids, 1000):
                execute_update(table.update(
                        [table.state, table.write_date],
                        [state, CurrentTimestamp()],
                        where=fields.SQL_OPERATORS['in'](table.id, sub_ids)),
                    cls)

    @classmethod
    def update_states(cls):
        "Cron: planned schedules whose billing date came become due."
        pool = Pool()
        Date = pool.get('ir.date')
        cls.refresh_states(cls.search([
                    ('state', '=', 'planned'),
                    ('billing_date', '<=', Date.today()),
                    ]))
