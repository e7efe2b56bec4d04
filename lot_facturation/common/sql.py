# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Raw SQL writes that the ORM then sees (as Tryton's ``account.move`` does).

Compare-and-set updates (claims of consumptions, charges, invoices to
send) and bulk state changes bypass ``ModelStorage.write``; after them the
transaction counter moves and the models' record caches are emptied, so
records already read in this transaction read the new values.
"""
from sql import Null
from sql.conditionals import Case

from trytond.tools import grouped_slice
from trytond.transaction import Transaction


def execute_update(query, *models):
    "Run the UPDATE query; return the row count; refresh the models' caches."
    cursor = Transaction().connection.cursor()
    cursor.execute(*query)
    count = cursor.rowcount
    invalidate(*models)
    return count


def invalidate(*models):
    "Records of models read before a raw write must be read again."
    transaction = Transaction()
    transaction.counter += 1
    names = {m.__name__ for m in models}
    for cache in transaction.cache.values():
        for name in names & cache.keys():
            cache[name].clear()


def _write_cases(model, column, targets, where=None, also=None):
    """``column`` = targets[id] on the rows matching ``where``, one CASE
    UPDATE per 500 rows (with the constant {column: value} of ``also``);
    returns the number of rows written."""
    table = model.__table__()
    cursor = Transaction().connection.cursor()
    also = also or {}
    written = 0
    for sub_ids in map(list, grouped_slice(sorted(targets), 500)):
        condition = table.id.in_(sub_ids)
        if where is not None:
            condition &= where(table)
        cursor.execute(*table.update(
                [getattr(table, column)] + [getattr(table, c) for c in also],
                [Case(*((table.id == i, targets[i]) for i in sub_ids))]
                + list(also.values()),
                where=condition))
        written += cursor.rowcount
    return written


def set_rows(model, column, targets):
    """Write ``column`` = targets[id] on many rows, one UPDATE per 500 rows.

    Rows whose target is None are set NULL apart (a CASE of NULLs only has
    no type PostgreSQL could give the column)."""
    table = model.__table__()
    cursor = Transaction().connection.cursor()
    nulls = sorted(i for i, value in targets.items() if value is None)
    for sub_ids in map(list, grouped_slice(nulls, 1000)):
        cursor.execute(*table.update([getattr(table, column)], [Null],
                where=table.id.in_(sub_ids)))
    _write_cases(model, column,
        {i: value for i, value in targets.items() if value is not None})
    invalidate(model)


def claim_rows(model, column, targets, where=None, also=None):
    """Compare-and-set many rows at once: ``column`` = targets[id] where free.

    ``targets`` maps row ids to the value each should take; only rows whose
    ``column`` is still NULL (and that match ``where``) are written, by one
    UPDATE per 500 rows.  ``also`` are constant {column: value} written with
    it.  Returns the ids that now hold their target, so a caller sees which
    rows someone else took in the meantime.
    """
    def free(table):
        condition = getattr(table, column) == Null
        return condition & where(table) if where is not None else condition
    written = _write_cases(model, column, targets, where=free, also=also)
    invalidate(model)
    if written == len(targets):
        return set(targets)
    table = model.__table__()
    cursor = Transaction().connection.cursor()
    held = set()
    for sub_ids in map(list, grouped_slice(sorted(targets), 1000)):
        cursor.execute(*table.select(table.id, getattr(table, column),
                where=table.id.in_(sub_ids)))
        held.update(i for i, value in cursor if value == targets[i])
    return held


def search_ids(model, domain, order=None):
    """The ids ``model.search`` finds, in its order, without a record each.

    A browse list of N records costs O(N²) in Tryton (each record checks
    the whole id list): a batch of 100,000 must not build one.
    """
    cursor = Transaction().connection.cursor()
    cursor.execute(*model.search(domain, order=order, query=True))
    return [row[0] for row in cursor]


def browse_slices(model, ids, size=1000):
    "The records of ``ids``, ``size`` at a time (see ``search_ids``)."
    for sub_ids in grouped_slice(ids, size):
        yield model.browse(list(sub_ids))
