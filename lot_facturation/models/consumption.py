# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Consumptions know their schedule; invoicing them moves the schedule (B1).

Tryton's ``sale.subscription.line.consumption`` is the ledger shared by
batches and Tryton's own subscription invoicing: its single
``invoice_line`` column means a consumption is billed at most once.
"""
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction


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
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        for schedule_id, ids in targets.items():
            for sub_ids in grouped_slice(ids, 1000):
                cursor.execute(*table.update(
                        [table.schedule], [schedule_id],
                        where=fields.SQL_OPERATORS['in'](table.id, sub_ids)))
        if targets:
            for cache in Transaction().cache.values():
                cache.pop(cls.__name__, None)
