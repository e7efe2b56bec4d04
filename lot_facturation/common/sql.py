# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Raw SQL writes that the ORM then sees (as Tryton's ``account.move`` does).

Compare-and-set updates (claims of consumptions, charges, invoices to
send) and bulk state changes bypass ``ModelStorage.write``; after them the
transaction counter moves and the models' record caches are emptied, so
records already read in this transaction read the new values.
"""
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
