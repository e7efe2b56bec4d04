# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Work in steps, each step in its own committed transaction (B6, S3).

A step retries like Tryton's server does: on a lock it did not declare
(``TransactionError``, e.g. the strict invoice sequence) it restarts with the
lock declared, and on a serialization failure it starts again with a fresh
snapshot.  A ``ChunkRunner`` remembers the locks its steps needed, so only
its first step pays for learning them.  Memory stays flat: a step reads its
own records.  Background steps skip warnings: nobody is there to answer.
"""
import time

from trytond import backend, config
from trytond.transaction import Transaction, TransactionError

BACKGROUND = {'_skip_warnings': True}


class ChunkRunner:
    "Run functions in new committed transactions, learning their locks."
    commits = True

    def __init__(self, context=None):
        self.extras = {}
        self.context = dict(BACKGROUND if context is None else context)

    def __call__(self, func, *args, **kwargs):
        transaction = Transaction()
        retry = config.getint('database', 'retry')
        count = 0
        while True:
            try:
                with transaction.new_transaction(**self.extras) as new, \
                        new.set_context(self.context):
                    return func(*args, **kwargs)
            except TransactionError as error:
                error.fix(self.extras)
            except backend.DatabaseOperationalError:
                if count >= retry:
                    raise
                count += 1
                time.sleep(0.02 * count)


def in_new_transaction(func, *args, **kwargs):
    "Run ``func`` in a new transaction committed when it returns."
    return ChunkRunner()(func, *args, **kwargs)


class InlineRunner:
    "Run in the current transaction (unit tests, nested calls)."
    commits = False

    def __call__(self, func, *args, **kwargs):
        return func(*args, **kwargs)


run_inline = InlineRunner()
