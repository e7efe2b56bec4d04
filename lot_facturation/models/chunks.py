# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Work in chunks, each chunk in its own committed transaction (B6).

A chunk retries like Tryton's server does: on a lock it did not declare
(``TransactionError``, e.g. the strict invoice sequence) it restarts with the
lock declared, and on a serialization failure it starts again with a fresh
snapshot.  Memory stays flat: a chunk reads its own records.
"""
import time

from trytond import backend
from trytond.config import config
from trytond.transaction import Transaction, TransactionError


def in_new_transaction(func, *args, **kwargs):
    "Run ``func`` in a new transaction committed when it returns."
    transaction = Transaction()
    extras = {}
    retry = config.getint('database', 'retry')
    count = 0
    while True:
        try:
            with transaction.new_transaction(**extras):
                return func(*args, **kwargs)
        except TransactionError as error:
            error.fix(extras)
        except backend.DatabaseOperationalError:
            if count >= retry:
                raise
            count += 1
            time.sleep(0.02 * count)


def run_inline(func, *args, **kwargs):
    "Run ``func`` in the current transaction (tests, nested calls)."
    return func(*args, **kwargs)
