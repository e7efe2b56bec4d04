# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The PA statuses of a batch's invoices, counted (SPEC P5).

«200 Déposée : 120 · 210 Refusée : 2 · 212 Encaissée : 30»: one grouped
query for all the batches read, never one per invoice.
"""
from sql.aggregate import Count

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

SEPARATOR = ' · '


class Batch(metaclass=PoolMeta):
    __name__ = 'account.invoice.batch'

    pa_status_counts = fields.Function(fields.Char(
            "PA Statuses",
            help="How many invoices of the batch are at each lifecycle "
            "status the Approved Platform reported."),
        'get_pa_status_counts')

    @classmethod
    def get_pa_status_counts(cls, batches, name):
        counts = cls.pa_status_count_map(batches)
        Invoice = Pool().get('account.invoice')
        selection = Invoice.fields_get(['pa_status'])['pa_status'][
            'selection']
        order = [code for code, _ in selection if code]
        labels = dict(selection)
        return {b.id: SEPARATOR.join('%s : %s' % (labels[c], counts[b.id][c])
                for c in order if c in counts[b.id]) or None
            for b in batches}

    @classmethod
    def pa_status_count_map(cls, batches):
        "{batch id: {status code: number of invoices}}"
        Invoice = Pool().get('account.invoice')
        table = Invoice.__table__()
        cursor = Transaction().connection.cursor()
        result = {b.id: {} for b in batches}
        for sub_ids in grouped_slice([b.id for b in batches], 1000):
            cursor.execute(*table.select(
                    table.batch, table.pa_status, Count(table.id),
                    where=table.batch.in_(list(sub_ids))
                    & (table.pa_status != None),  # noqa: E711
                    group_by=[table.batch, table.pa_status]))
            for batch_id, code, count in cursor:
                result[batch_id][code] = count
        return result
