# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""A reconciliation that pays (or cancels a payment of) an invoice records
its collection in the same transaction (SPEC P6, ``pa_collection.py``)."""
from trytond.pool import Pool, PoolMeta


class Reconciliation(metaclass=PoolMeta):
    __name__ = 'account.move.reconciliation'

    @classmethod
    def on_modification(cls, mode, reconciliations, field_names=None):
        super().on_modification(mode, reconciliations,
            field_names=field_names)
        if mode == 'create':
            cls.record_pa_collections(reconciliations)

    @classmethod
    def record_pa_collections(cls, reconciliations):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Collection = pool.get('account.invoice.pa_collection')
        lines = [l for r in reconciliations for l in r.lines]
        moves = sorted({l.move.id for l in lines})
        invoices = Invoice.search([
                ('move', 'in', moves), ('type', '=', 'out'),
                ]) if moves else []
        Collection.record(invoices)
        Collection.record_cancellations(lines)
