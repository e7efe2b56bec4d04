# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Work in chunks, each chunk in its own committed transaction (B6).

A chunk retries like Tryton's server does: on a lock it did not declare
(``TransactionError``, e.g. the strict invoice sequence) it restarts with the
lock declared, and on a serialization failure it starts again with a fresh
snapshot.  A ``ChunkRunner`` remembers the locks its chunks needed, so only
its first chunk pays for learning them.  Memory stays flat: a chunk reads its
own records.
"""
import time

from trytond import backend, config
from trytond.transaction import Transaction, TransactionError


class ChunkRunner:
    "Run functions in new committed transactions, learning their locks."

    def __init__(self):
        self.extras = {}

    def __call__(self, func, *args, **kwargs):
        transaction = Transaction()
        retry = config.getint('database', 'retry')
        count = 0
        while True:
            try:
                with transaction.new_transaction(**self.extras):
                    return func(*args, **kwargs)
            except TransactionError as error:
                error.fix(self.extras)
            except backend.DatabaseOperationalError:
                if count >= retry:
                    raise
                count += 1
                time.sleep(0.02 * count)

    commits = True


def in_new_transaction(func, *args, **kwargs):
    "Run ``func`` in a new transaction committed when it returns."
    return ChunkRunner()(func, *args, **kwargs)


class InlineRunner:
    "Run in the current transaction (unit tests, nested calls)."
    commits = False

    def __call__(self, func, *args, **kwargs):
        return func(*args, **kwargs)


run_inline = InlineRunner()
