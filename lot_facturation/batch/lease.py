# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Whether a running batch is alive, and resuming it when it is not (B6).

A run holds the batch's lease: a token (``run_token``) and a time
(``alive_until``) that every step of the run renews in the step's own
transaction (``hold_lease``, the chunk runner's guard).  A batch still
*running* once ``alive_until`` has passed, and whose queued task is not
waiting for a worker (``[queue] worker = True``), is *stalled*: its process, worker or server died.  It
is resumed from the web client (*Resume*), the command line (``--resume``)
and the scheduled run.  Resuming takes the lease with a new token
(compare-and-set), so that two resumes never both run, and a run whose token
was replaced stops at its next step.  Generation and posting only look at
what is left, so resuming finishes the rest; the claims of the sources stay
the safety net against invoicing twice.
"""
import datetime as dt
import uuid

from sql import Null

from trytond import config
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from ..common.notices import local_datetime
from ..common.runner import Superseded, in_new_transaction
from ..common.sql import execute_update
from ..exceptions import BatchError


def lease_seconds():
    "How long a run stays alive without a sign of life."
    return config.getint('lot_facturation', 'batch_lease', default=300)


def lease_end():
    return dt.datetime.now() + dt.timedelta(seconds=lease_seconds())


def has_workers():
    "Whether queued tasks wait for ``trytond-worker`` processes."
    return config.getboolean('queue', 'worker', default=False)


class BatchLease:
    "The lease of a running batch, and resuming a stalled one (B6)."
    __slots__ = ()

    alive_until = fields.Timestamp(
        "Alive Until", readonly=True,
        help="The run of the batch renews this after every chunk; a running "
        "batch past this time has stopped and can be resumed.")
    run_token = fields.Char("Run Token", readonly=True)
    queue_task = fields.Integer("Queue Task", readonly=True)
    stalled = fields.Function(fields.Boolean(
            "Stalled",
            help="The batch is running but its run stopped: resume it."),
        'get_stalled')

    @classmethod
    def get_stalled(cls, batches, name):
        now = dt.datetime.now()
        waiting = cls._waiting_batches(
            [b for b in batches if b.queue_task])
        return {b.id: (b.state == 'running'
                and (not b.alive_until or b.alive_until < now)
                and b.id not in waiting)
            for b in batches}

    @classmethod
    def _waiting_batches(cls, batches):
        """The batches with a queued task no worker has taken yet: alive.

        A run's tasks (its chunks, then its end) are queued from its first
        task (``queue_task``) on.  Without workers, a task runs right after
        its commit in the process that queued it: it never waits (and one
        that died looks untaken).
        """
        Queue = Pool().get('ir.queue')
        if not batches or not has_workers():
            return set()
        with without_check_access():
            tasks = Queue.search([
                    ('id', '>=', min(b.queue_task for b in batches)),
                    ('dequeued_at', '=', None),
                    ])
        first = {b.id: b.queue_task for b in batches}
        waiting = set()
        for task in tasks:
            data = task.data or {}
            instances = data.get('instances')
            if (data.get('model') == cls.__name__
                    and isinstance(instances, (list, tuple))
                    and len(instances) == 1
                    and task.id >= first.get(instances[0], task.id + 1)):
                waiting.add(instances[0])
        return waiting

    @classmethod
    def start_lease(cls, batches):
        "A run starts: a new token, alive for one lease."
        until = lease_end()
        to_write = []
        for batch in batches:
            to_write.extend([[batch], {
                        'run_token': uuid.uuid4().hex,
                        'alive_until': until, 'queue_task': None,
                        }])
        if to_write:
            cls.write(*to_write)

    @classmethod
    def end_lease(cls, batches):
        if batches:
            cls.write(list(batches), {
                    'run_token': None, 'alive_until': None,
                    'queue_task': None})

    @classmethod
    def hold_lease(cls, batch_id, token):
        "Guard of every step of a run: renew the lease, or stop."
        table = cls.__table__()
        if not execute_update(table.update(
                    [table.alive_until], [lease_end()],
                    where=(table.id == batch_id)
                    & (table.run_token == token)), cls):
            raise Superseded(batch_id)

    @classmethod
    def take_over(cls, batch_id, token):
        "Compare-and-set: a new run takes the lease that ``token`` held."
        table = cls.__table__()
        new = uuid.uuid4().hex
        where = (table.id == batch_id) & (table.state == 'running')
        where &= (table.run_token == token) if token else (
            table.run_token == Null)
        if execute_update(table.update(
                    [table.run_token, table.alive_until, table.queue_task],
                    [new, lease_end(), Null], where=where), cls):
            return new

    @classmethod
    def queue_run(cls, batch, token):
        "Hand the run to Tryton's queue (a worker, or after the commit)."
        if has_workers():
            task_id = cls.plan_chunks(batch, token)
        else:
            task_id, = cls.__queue__.run_generation([batch], token=token)
        cls.write([batch], {'queue_task': task_id})

    @classmethod
    def claim_resume(cls, batch_id, force=False):
        """Take the run of a stalled or failed batch; return its token.

        ``force`` takes over a batch that still looks alive (an
        administrator knows its process is gone).
        """
        batch = cls(batch_id)
        if batch.state == 'failed':
            cls.run([batch])
            return cls(batch_id).run_token
        if batch.state != 'running':
            raise BatchError(gettext(
                    'lot_facturation.msg_batch_not_resumable',
                    batch=batch.rec_name, state=batch.state_string))
        token = None
        if batch.stalled or force:
            token = cls.take_over(batch_id, batch.run_token)
        if not token:
            raise BatchError(gettext('lot_facturation.msg_batch_alive',
                    batch=batch.rec_name,
                    time=local_datetime(batch.alive_until,
                        batch.company).strftime('%H:%M:%S')))
        return token

    @classmethod
    def resume_runs(cls, batches):
        "The *Resume* button: the run goes to the queue again."
        for batch in batches:
            cls.queue_run(batch, cls.claim_resume(batch.id))

    @classmethod
    def resume_stalled(cls):
        "Scheduled run: finish the stalled batches of the company."
        company = Transaction().context.get('company')
        batches = cls.search([
                ('state', '=', 'running'),
                ('company', '=', company),
                ['OR',
                    ('alive_until', '<', dt.datetime.now()),
                    ('alive_until', '=', None),
                    ],
                ])
        for batch in [b for b in batches if b.stalled]:
            token = in_new_transaction(
                cls.take_over, batch.id, batch.run_token)
            if token and has_workers():
                in_new_transaction(cls._queue_run_id, batch.id, token)
            elif token:
                cls.run_generation([batch.id], token=token)

    @classmethod
    def _queue_run_id(cls, batch_id, token):
        cls.queue_run(cls(batch_id), token)

    @classmethod
    def stalled_like(cls, values):
        "The stalled batches a new batch of these criteria would repeat."
        names = ['company', 'reference_date', 'recording_mode', 'grouping',
            'invoice_date_mode', 'journal']
        domain = [('state', '=', 'running')]
        domain += [(n, '=', values.get(n)) for n in names if n in values]
        return [b for b in cls.search(domain) if b.stalled]
