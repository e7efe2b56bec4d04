"""B8: a batch runs from the command line and as a scheduled task.

The command line runs in its own process against the test database, as an
administrator would run it from a terminal or a system scheduler.
"""
import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal

from unittest import mock

import pytest

from proteus import Model
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction
from trytond.pool import Pool

import billing_world as world

MID_MARCH = dt.date(2026, 3, 15)


@pytest.fixture
def config():
    return world.standard()


def lot_facturation(*args):
    command = [os.path.join(os.path.dirname(sys.executable),
            'lot-facturation'), 'batch', '-d', DB_NAME, *args]
    return subprocess.run(command, capture_output=True, text=True,
        env=dict(os.environ), timeout=600)


def test_b8_command_line_runs_a_batch(config):
    result = lot_facturation('--date', '2026-02-01', '--post',
        '--name', 'Février (terminal)')
    assert result.returncode == 0, result.stdout + result.stderr
    assert '100% 6/6' in result.stderr
    assert 'Invoices: 6' in result.stdout
    assert 'Total amount: 1944.00' in result.stdout
    Batch = Model.get('account.invoice.batch')
    batch, = Batch.find([('name', '=', 'Février (terminal)')])
    assert batch.state == 'done'
    assert {i.state for i in batch.invoices} == {'posted'}


def test_b8_command_line_stops_on_warning_and_errors(config):
    "A refused run (warning, nothing to invoice, bad input) writes nothing."
    Batch = Model.get('account.invoice.batch')
    assert lot_facturation('--date', '2026-02-01').returncode == 0
    warned = lot_facturation('--date', '2026-02-01')
    assert warned.returncode == 1
    assert 'was generated earlier today' in warned.stdout
    forced = lot_facturation('--date', '2026-02-01', '--force')
    assert forced.returncode == 1
    assert 'Nothing to invoice' in forced.stdout
    bad = lot_facturation('--date', '2026-02-31')
    assert bad.returncode == 2
    assert bad.stderr == ('lot-facturation: The date "--date 2026-02-31" '
        'is missing or invalid.\n')
    assert len(Model.get('account.invoice').find([])) == 6
    batch, = Batch.find([])
    assert batch.number == 'LOT-00001'


def test_b8_scheduled_task_runs_template_batches(config):
    template = world.new_batch("Mensuel automatique", scheduled=True,
        recording_mode='posted')
    Cron = Model.get('ir.cron')
    cron, = Cron.find([
            ('method', '=', 'account.invoice.batch|run_scheduled'),
            ('active', '=', False)])
    assert not cron.active
    company = world.company()
    with Transaction().start(DB_NAME, config.user,
            context=dict(config.context, company=company.id)):
        pool = Pool()
        Batch = pool.get('account.invoice.batch')
        with mock.patch.object(pool.get('ir.date'), 'today',
                return_value=MID_MARCH):
            Batch.run_scheduled()
    template.reload()
    assert template.state == 'draft'
    Batch = Model.get('account.invoice.batch')
    run, = Batch.find([('template', '=', template.id)])
    assert run.name == 'Mensuel automatique 2026-03-15'
    assert (run.reference_date, run.state) == (MID_MARCH, 'done')
    assert run.total_amount == Decimal('2916.00')
    assert {i.state for i in run.invoices} == {'posted'}
