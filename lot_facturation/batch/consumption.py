# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Consumptions know their schedule; invoicing them moves the schedule (B1).

Tryton's ``sale.subscription.line.consumption`` is the ledger shared by
batches and Tryton's own subscription invoicing: its single
``invoice_line`` column means a consumption is billed at most once.
"""
from collections import defaultdict

from sql import Null

from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..common.sql import claim_rows, set_rows


class LineConsumption(metaclass=PoolMeta):
    __name__ = 'sale.subscription.line.consumption'

    schedule = fields.Many2One(
        'sale.subscription.schedule', "Schedule", readonly=True,
        ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.schedule, Index.Range())),
                Index(t, (t.invoice_line, Index.Range())),
                })

    @classmethod
    def check_modification(
            cls, mode, consumptions, values=None, external=False):
        # Deleting a draft invoice line unlinks its consumptions (SET NULL):
        # that must stay possible even though they were invoiced.
        if mode == 'write' and values == {'invoice_line': None}:
            return
        super().check_modification(
            mode, consumptions, values=values, external=external)

    @classmethod
    def on_write(cls, consumptions, values):
        callbacks = super().on_write(consumptions, values)
        if 'invoice_line' in values:
            schedules = {c.schedule.id for c in consumptions if c.schedule}
            if schedules:
                callbacks.append(lambda: Pool().get(
                        'sale.subscription.schedule').refresh_states(
                        schedules))
        return callbacks

    @classmethod
    def link_schedule(cls, targets):
        "Set the schedule of consumptions: {schedule id: [consumption ids]}."
        set_rows(cls, 'schedule', {id_: schedule_id
                for schedule_id, ids in targets.items() for id_ in ids})

    @classmethod
    def uninvoiced_counts(cls, items):
        "{item id: uninvoiced consumptions it covers} for consumption items."
        return {i: len(ids) for i, ids in cls.free_consumptions(items).items()}

    @classmethod
    def free_consumptions(cls, items):
        """{item id: ids of the uninvoiced consumptions it covers}.

        An item covers one consumption, or those of a schedule and a
        subscription line; two queries per 1,000 keys, whatever the items.
        """
        pool = Pool()
        SubscriptionLine = pool.get('sale.subscription.line')
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        line = SubscriptionLine.__table__()
        keyed = defaultdict(list)
        for item in items:
            if item.charge:
                continue
            if item.consumption:
                keyed['consumption', item.consumption.id].append(item)
            else:
                keyed['schedule', item.schedule.id,
                    item.subscription_line.id].append(item)
        schedule_ids = {k[1] for k in keyed if k[0] == 'schedule'}
        consumption_ids = {k[1] for k in keyed if k[0] == 'consumption'}
        free = defaultdict(list)
        for sub_ids in grouped_slice(sorted(schedule_ids), 1000):
            cursor.execute(*table.join(line,
                    condition=table.line == line.id).select(
                    table.id, table.schedule, table.line,
                    where=fields.SQL_OPERATORS['in'](table.schedule, sub_ids)
                    & (table.invoice_line == Null)
                    & (line.consumption_recurrence != Null)))
            for id_, schedule_id, line_id in cursor:
                free['schedule', schedule_id, line_id].append(id_)
        for sub_ids in grouped_slice(sorted(consumption_ids), 1000):
            cursor.execute(*table.select(table.id,
                    where=fields.SQL_OPERATORS['in'](table.id, sub_ids)
                    & (table.invoice_line == Null)))
            for id_, in cursor:
                free['consumption', id_].append(id_)
        return {item.id: free.get(key, [])
            for key, key_items in keyed.items() for item in key_items}

    @classmethod
    def claim(cls, targets):
        """Compare-and-set: {consumption id: invoice line id}, only if free.

        Returns the ids linked; the others were taken meanwhile."""
        return claim_rows(cls, 'invoice_line', targets)
