"""Several workers share one batch: one queued task per chunk (B6, B7).

With ``[queue] worker = True`` generating a batch queues one ``ir.queue``
task per chunk of 2 proposals (the six contracts of the standard world:
three tasks) instead of one task for the whole run.  Here the tasks are run
the way ``trytond-worker`` runs them (``trytond.worker.run_task``), in any
order; on PostgreSQL two real workers share a batch and one of them is
killed inside a chunk.  Each test asserts what the accountant checks: every
schedule invoiced once, the totals of the preview, the numbering without
gap.
"""
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from unittest import mock

import pytest

from proteus import Model
from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.lot_facturation.batch import generation
from trytond.modules.lot_facturation.common.runner import in_new_transaction
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction
from trytond.worker import run_task

import billing_world as world
from faults import CRASH, crash, option
from test_b6_resume import assert_invoiced_once, stalled
from test_batch_reliability import invoices, preview

TOTAL = Decimal('1944.00')


@pytest.fixture
def config():
    return world.standard()


def waiting(method):
    "Ids of the queued tasks of method no worker has taken yet."
    with Transaction().start(DB_NAME, 0, readonly=True):
        Queue = Pool().get('ir.queue')
        return [t.id for t in Queue.search([('dequeued_at', '=', None)],
                order=[('id', 'ASC')])
            if t.data['method'] == method]


def generate_in_chunks(config, **values):
    "A previewed batch whose generation is queued for workers."
    batch = world.new_batch(**values)
    preview(config, batch)
    assert batch.total_amount == TOTAL
    with mock.patch.object(generation, 'CHUNK_SIZE', 2):
        batch.click('generate')
    batch.reload()
    return batch


def run_tasks(ids):
    for task_id in ids:
        run_task(DB_NAME, task_id)


def test_b6_chunks_in_any_order_then_one_posting_task(config):
    with option('queue', 'worker', 'True'):
        batch = generate_in_chunks(config, recording_mode='posted')
        chunks = waiting('generate_chunk_task')
        assert len(chunks) == 3
        assert (batch.state, batch.chunks_left) == ('running', 3)
        with option('lot_facturation', 'batch_lease', '0'):
            run_tasks(reversed(chunks[1:]))
            batch.reload()
            # its lease passed, but a chunk waits for a worker
            assert not batch.stalled
        assert (batch.progress, len(invoices())) == (67, 4)
        assert not waiting('end_run_task')
        run_tasks(chunks[:1])
        posting, = waiting('end_run_task')
        batch.reload()
        assert batch.state == 'running'
        assert {i.state for i in invoices()} == {'draft'}
        run_tasks([posting])
    assert_invoiced_once(batch, total=TOTAL)


def test_b6_failed_chunk_fails_the_batch_then_rerun_makes_the_rest(config):
    original = generation.BatchGeneration._generate_proposals.__func__
    calls = []

    def second_fails(cls, batch_id, proposal_ids):
        calls.append(proposal_ids)
        if len(calls) == 2:
            raise UserError("Disk full")
        return original(cls, batch_id, proposal_ids)
    with option('queue', 'worker', 'True'):
        batch = generate_in_chunks(config, recording_mode='posted')
        with mock.patch.object(generation.BatchGeneration,
                '_generate_proposals', classmethod(second_fails)):
            run_tasks(waiting('generate_chunk_task'))
            run_tasks(waiting('end_run_task'))
        batch.reload()
        assert (batch.state, batch.message) == ('failed', "Disk full")
        assert len(invoices()) == 4
        assert {i.state for i in invoices()} == {'draft'}

        with mock.patch.object(generation, 'CHUNK_SIZE', 2):
            batch.click('generate')
        rerun = waiting('generate_chunk_task')
        assert len(rerun) == 1  # only the chunk that failed
        run_tasks(rerun)
        run_tasks(waiting('end_run_task'))
    assert_invoiced_once(batch, total=TOTAL)


def take_over_and_queue(config, batch):
    "Another run takes the batch over (``--resume --force``) and plans it."
    with Transaction().start(DB_NAME, config.user, context=config.context):
        Batch = Pool().get('account.invoice.batch')
        token = in_new_transaction(
            Batch.take_over, batch.id, Batch(batch.id).run_token)
        in_new_transaction(Batch._queue_run_id, batch.id, token)


def test_b6_tasks_of_a_run_taken_over_do_nothing(config):
    with option('queue', 'worker', 'True'):
        batch = generate_in_chunks(config, recording_mode='posted')
        old = waiting('generate_chunk_task')
        run_tasks(old[:1])
        assert len(invoices()) == 2
        with mock.patch.object(generation, 'CHUNK_SIZE', 2):
            take_over_and_queue(config, batch)
        new = waiting('generate_chunk_task')[2:]
        assert len(new) == 2  # the four proposals left
        run_tasks(old[1:])  # the first run's tasks: superseded
        batch.reload()
        assert (len(invoices()), batch.chunks_left) == (2, 2)
        run_tasks(new)
        run_tasks(waiting('end_run_task'))
    assert_invoiced_once(batch, total=TOTAL)


def start_workers(point, flag, count=2):
    """Real ``trytond-worker`` processes (one pool process each), each in
    its own process group, armed: the first to get inside the chunk of
    point dies there."""
    env = dict(os.environ, TRYTOND_QUEUE__WORKER='True',
        TRYTOND_LOT_FACTURATION__BATCH_LEASE='1', CRASH_ONCE=str(flag))
    return [subprocess.Popen(
            [sys.executable, str(CRASH), point, 'worker', DB_NAME, '-n', '1'],
            start_new_session=True, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        for _ in range(count)]


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def chunk_proposal(task_id):
    "The first proposal of a queued chunk."
    with Transaction().start(DB_NAME, 0, readonly=True):
        return Pool().get('ir.queue')(task_id).data['args'][0][0]


def dequeue(task_id):
    with Transaction().start(DB_NAME, 0) as transaction:
        Queue = Pool().get('ir.queue')
        Queue.write([Queue(task_id)], {'dequeued_at': dt.datetime.now()})
        transaction.commit()


def test_b6_two_workers_one_killed_mid_chunk_then_resumed(config, tmp_path):
    """Two workers share the batch; the one that takes the second chunk is
    killed inside it; the other generates the rest; the batch, stalled,
    is resumed: the killed chunk once, then the posting task."""
    with option('queue', 'worker', 'True'), \
            option('lot_facturation', 'batch_lease', '1'):
        batch = generate_in_chunks(config, recording_mode='posted')
        chunks = waiting('generate_chunk_task')
        point = f'chunk:{chunk_proposal(chunks[1])}'
        if backend.name == 'postgresql':
            workers = start_workers(point, tmp_path / 'died')
        else:
            # no worker on SQLite: the tasks run as Tryton runs them,
            # the killed one taken from the queue as a worker takes it
            dequeue(chunks[1])
            crash(point, 'task', DB_NAME, str(chunks[1]))
            run_tasks(chunks[::2])
            workers = []
        try:
            wait_for(lambda: not waiting('generate_chunk_task')
                and len(invoices()) == 4
                and any(w.poll() == -signal.SIGKILL for w in workers)
                == bool(workers))
            assert stalled(batch)
            assert len(invoices()) == 4 and batch.chunks_left == 1
            assert batch.state == 'running'
            batch.click('resume')
            if not workers:
                run_tasks(waiting('generate_chunk_task'))
                run_tasks(waiting('end_run_task'))

            def finished():
                batch.reload()
                return batch.state != 'running'
            wait_for(finished)
            assert [w.poll() for w in workers].count(None) == len(
                workers[1:])
        finally:
            for worker in workers:
                if worker.poll() is None:
                    os.killpg(worker.pid, signal.SIGTERM)
                    worker.wait(10)
    assert_invoiced_once(batch, total=TOTAL)
