# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Work in steps, each step in its own committed transaction (B6, B7, S3).

A step retries like Tryton's server does: on a lock it did not declare
(``TransactionError``, e.g. the strict invoice sequence) it restarts with the
lock declared; on a lock held by another transaction or a serialization
failure it starts again, for at most ``[lot_facturation] lock_wait`` seconds
(120 by default, and at least twice), then raises ``LockWaitError``; other
operational errors are retried ``[database] retry`` times, as Tryton does.  On PostgreSQL the declared
locks are waited for in the lock's queue (``lock_timeout``) rather than with
Tryton's ``NOWAIT``: two posters of one numbering take turns instead of one
starving the other.  The locks are learnt per step function, so a step that
records a failure never needs the lock the failed step waited for.

A ``guard`` (the lease of a batch) runs first in the transaction of every
step; it raises ``Superseded`` when another run took the work over, and the
run stops.  Outside any transaction (the command line) steps start top-level
transactions of the current ``session``: no transaction stays open between
steps.  Background steps skip warnings: nobody is there to answer.
"""
import contextvars
import time
from collections import defaultdict
from contextlib import contextmanager

from sql import Literal, Table
from sql import For

from trytond import backend, config
from trytond.i18n import gettext
from trytond.transaction import Transaction, TransactionError

from ..exceptions import LockWaitError

BACKGROUND = {'_skip_warnings': True}
# SQLSTATEs of PostgreSQL meaning "someone else holds it, try again"
CONTENTION = {'55P03', '40001', '40P01'}
_session = contextvars.ContextVar('lot_facturation_session', default=None)


class Superseded(Exception):
    "Another run took the work over: this one stops."


def lock_wait():
    "Seconds a step waits for what another transaction holds."
    return config.getfloat('lot_facturation', 'lock_wait', default=120)


@contextmanager
def session(database, user, context=None):
    "Steps called outside any transaction run in database as user."
    token = _session.set((database, user, dict(context or {})))
    try:
        yield
    finally:
        _session.reset(token)


class ChunkRunner:
    "Run functions in new committed transactions, learning their locks."
    commits = True

    def __init__(self, context=None, guard=None):
        self.extras = defaultdict(dict)
        self.context = dict(BACKGROUND if context is None else context)
        self.guard = guard

    def __call__(self, func, *args, **kwargs):
        extras = self.extras[getattr(func, '__func__', func)]
        retry = config.getint('database', 'retry')
        deadline = time.monotonic() + lock_wait()
        count = 0
        while True:
            queued = _queued_locks(extras)
            try:
                with _begin({} if queued else extras) as new, \
                        new.set_context(self.context):
                    if queued:
                        _wait_for_locks(new, extras, deadline)
                    if self.guard:
                        self.guard()
                    return func(*args, **kwargs)
            except TransactionError as error:
                error.fix(extras)
            except backend.DatabaseOperationalError as error:
                count += 1
                if not _contention(error):
                    if count > retry:
                        raise
                elif count > 1 and time.monotonic() >= deadline:
                    raise LockWaitError(gettext(
                            'lot_facturation.msg_lock_wait',
                            seconds=round(lock_wait()))) from error
                time.sleep(min(0.02 * 2 ** count, 1.0))


def _begin(extras):
    "A new transaction: nested in the current one, or of the session."
    current = Transaction()
    if current.database is not None:
        return current.new_transaction(**extras)
    database, user, context = _session.get()
    return current.start(database, user, context=context, **extras)


def _queued_locks(extras):
    "Whether to wait in the locks' queue (PostgreSQL) instead of NOWAIT."
    return backend.name == 'postgresql' and bool(
        extras.get('_lock_tables') or extras.get('_lock_records'))


def _wait_for_locks(transaction, extras, deadline):
    """Take the declared locks, waiting in their queue until the deadline.

    Then tell the transaction it holds them, as ``Transaction.start`` does
    after its ``NOWAIT`` locks.
    """
    cursor = transaction.connection.cursor()
    milliseconds = max(int((deadline - time.monotonic()) * 1000), 50)
    cursor.execute("SELECT set_config('lock_timeout', %s, true)",
        (f'{milliseconds}ms',))
    tables = list(extras.get('_lock_tables', []))
    for name in tables:
        cursor.execute('LOCK "%s" IN EXCLUSIVE MODE' % name)
    records = extras.get('_lock_records', {})
    for name, ids in records.items():
        table = Table(name)
        cursor.execute(*table.select(Literal(1),
                where=table.id.in_(sorted(ids)), for_=For('UPDATE')))
    cursor.execute("SELECT set_config('lock_timeout', '0', true)")
    transaction._locked_tables = set(tables)
    transaction._locked_records = defaultdict(set,
        {name: set(ids) for name, ids in records.items()})


def _contention(error):
    "A lock held elsewhere, a serialization failure or a deadlock."
    if getattr(error, 'sqlstate', None) in CONTENTION:
        return True
    return 'locked' in str(error)


def in_new_transaction(func, *args, **kwargs):
    "Run ``func`` in a new transaction committed when it returns."
    return ChunkRunner()(func, *args, **kwargs)


class InlineRunner:
    "Run in the current transaction (unit tests, nested calls)."
    commits = False
    guard = None

    def __call__(self, func, *args, **kwargs):
        return func(*args, **kwargs)


run_inline = InlineRunner()
