"""A batch finishes whatever died while it ran (B6, B8).

The faults are real: the command line, or the process running the queued
generation, is killed with SIGKILL inside a chunk's transaction
(``crash_run.py``); its lease of one second then passes and the batch is
resumed by the command line, the web client's *Resume* button or the
scheduled run.  On PostgreSQL the killed process is ``trytond-worker``
itself (``[queue] worker = True``); SQLite has no worker (Tryton runs the
task in the server process right after the commit): there the process
running the task through ``trytond.worker.run_task`` is killed.  Each test
asserts what the accountant checks: every schedule invoiced once, every
draft posted, the numbering without gap.
"""
import re
import time
from decimal import Decimal
from unittest import mock

import pytest

from proteus import Model
from trytond import backend
from trytond.modules.lot_facturation import cli
from trytond.modules.lot_facturation.common.runner import in_new_transaction
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

import billing_world as world
from faults import crash, option
from test_batch_reliability import invoiced_periods, invoices, preview

FEB = ['--date', '2026-02-01']


@pytest.fixture
def config():
    return world.standard()


def lot_facturation(capsys, *args):
    "The command line, run in this process: (exit code, stdout, stderr)."
    capsys.readouterr()
    code = cli.main(['batch', '-d', DB_NAME, *args])
    out, err = capsys.readouterr()
    return code, out, err


def stalled(batch):
    "Wait for the one-second lease of the killed run to pass."
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        batch.reload()
        if batch.stalled:
            return True
        time.sleep(0.2)
    return False


def assert_invoiced_once(batch, count=6, total=Decimal('1944.00')):
    """count invoices of total amount, each period once, all posted,
    numbers without gap."""
    batch.reload()
    assert batch.state == 'done', batch.message
    assert len(invoices()) == count
    assert sum(i.total_amount for i in invoices()) == total
    periods = invoiced_periods()
    assert len(set(periods)) == len(periods) == count + 6
    assert {i.state for i in invoices()} == {'posted'}
    numbers = sorted(int(re.sub(r'\D', '', i.number)) for i in invoices())
    assert numbers == list(range(numbers[0], numbers[0] + count))


def test_b6_cli_killed_mid_generation_then_resumed(config, capsys):
    crash('generate:2', 'cli', 'batch', '-d', DB_NAME, *FEB, '--post')
    Batch = Model.get('account.invoice.batch')
    batch, = Batch.find([])
    assert batch.state == 'running'
    assert len(batch.invoices) == 2  # the killed chunk left nothing
    assert stalled(batch)

    code, out, _ = lot_facturation(capsys, *FEB, '--post')
    assert code == 1
    assert f'--resume {batch.number}' in out
    assert '4 still to generate' in out
    assert len(Batch.find([])) == 1  # the plain rerun wrote nothing

    code, out, err = lot_facturation(capsys, '--resume', batch.number)
    assert code == 0, out + err
    assert 'Invoices: 6' in out and 'Draft invoices: 0' in out
    assert_invoiced_once(batch)


def test_b6_cli_killed_mid_posting_then_resumed_from_web_client(config):
    crash('post:2', 'cli', 'batch', '-d', DB_NAME, *FEB, '--post')
    Batch = Model.get('account.invoice.batch')
    batch, = Batch.find([])
    # killed after its first posted invoice: 1 of 6 is 17 % of posting
    assert batch.state == 'running'
    assert (batch.progress_step, batch.progress) == ('posting', 17)
    assert sorted(i.state for i in batch.invoices) == (
        ['draft'] * 5 + ['posted'])
    assert stalled(batch)
    batch.click('resume')
    assert_invoiced_once(batch)


def test_b6_worker_killed_then_resumed_by_scheduled_run(config):
    batch = world.new_batch(recording_mode='posted')
    preview(config, batch)
    with option('queue', 'worker', 'True'):
        with option('lot_facturation', 'batch_lease', '0'):
            batch.click('generate')  # queued for a worker
        batch.reload()
        assert batch.state == 'running'
        assert not batch.stalled  # its lease passed, but its task waits
    # the worker dies inside the first of the batch's chunk tasks
    with Transaction().start(DB_NAME, 0, readonly=True):
        task = Pool().get('ir.queue')(batch.queue_task)
        point = f"chunk:{task.data['args'][0][0]}"
    if backend.name == 'postgresql':
        crash(point, 'worker', DB_NAME,
            env={'TRYTOND_QUEUE__WORKER': 'True'})
    else:
        crash(point, 'task', DB_NAME, str(batch.queue_task))
    assert stalled(batch)
    assert len(batch.invoices) == 0

    company = world.company()
    with Transaction().start(DB_NAME, config.user,
            context=dict(config.context, company=company.id)):
        Batch = Pool().get('account.invoice.batch')
        Batch.run_scheduled()
    assert_invoiced_once(batch)


def test_b6_run_taken_over_stops_at_its_next_chunk(config):
    "Two runs of one batch never both work: the lease has one holder."
    batch = world.new_batch(recording_mode='posted')
    preview(config, batch)
    tokens = []
    with Transaction().start(DB_NAME, config.user, context=config.context):
        Batch = Pool().get('account.invoice.batch')
        tokens.append(Batch._mark_running(batch.id))

    def take_over(done, total):
        "After the first chunk, another run takes the batch over."
        if not tokens[1:]:
            tokens.append(in_new_transaction(
                    Batch.take_over, batch.id, tokens[0]))
    with Transaction().start(DB_NAME, config.user, context=config.context):
        with mock.patch('trytond.modules.lot_facturation.batch.'
                'generation.CHUNK_SIZE', 2):
            Batch.run_generation(
                [batch.id], on_progress=take_over, token=tokens[0])
    batch.reload()
    assert batch.state == 'running' and len(batch.invoices) == 2
    with Transaction().start(DB_NAME, config.user, context=config.context):
        Batch.run_generation([batch.id], token=tokens[1])
    assert_invoiced_once(batch)
