"""Two batches at the same time never invoice a period twice (B6).

Real concurrency: other processes, other connections.  On PostgreSQL a
contract another transaction holds is skipped (``SKIP LOCKED``) and reported
as locked; running the batch again finishes it.  SQLite has a single writer:
the second one waits for the first.
"""
import collections
import os
import pathlib
import subprocess
import sys
from decimal import Decimal

import pytest

from proteus import Model
from trytond import backend
from trytond.tests.test_tryton import DB_NAME

import billing_world as world
from test_batch_headless import lot_facturation
from test_batch_reliability import invoiced_periods, invoices, preview

HOLDER = pathlib.Path(__file__).with_name('contract_holder.py')


@pytest.fixture
def config():
    return world.standard()


def hold_contracts(codes):
    "Start a process holding the contracts of these customers; wait for it."
    Subscription = Model.get('sale.subscription')
    ids = [str(s.id) for s in Subscription.find(
            [('party.code', 'in', codes)])]
    holder = subprocess.Popen([sys.executable, str(HOLDER), DB_NAME, *ids],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env=dict(os.environ))
    assert holder.stdout.readline().strip() == 'held'
    return holder


def release(holder):
    holder.communicate('\n', timeout=120)
    assert holder.returncode == 0


def test_b6_contracts_held_elsewhere_are_reported_locked(config):
    batch = world.new_batch()
    preview(config, batch)
    expected = batch.total_amount
    holder = hold_contracts(['C001', 'C002'])
    try:
        batch.click('generate')
    finally:
        release(holder)
    batch.reload()
    if backend.name == 'postgresql':
        assert batch.state == 'failed'
        assert batch.message == ('2 invoices were not generated (contracts '
            'locked by another user): Customer 1, Customer 2. Run the batch '
            'again to finish.')
        assert sorted(p.party.code for p in batch.proposals
            if p.outcome == 'locked') == ['C001', 'C002']
        assert len(invoices()) == 4
        batch.click('generate')
        batch.reload()
    assert batch.state == 'done' and batch.progress == 100
    assert len(invoices()) == 6
    assert sum(i.total_amount for i in invoices()) == expected
    assert len(set(invoiced_periods())) == len(invoiced_periods()) == 12


def test_b6_two_batches_at_the_same_time_invoice_each_period_once(config):
    command = [os.path.join(os.path.dirname(sys.executable),
            'lot-facturation'), 'batch', '-d', DB_NAME,
        '--date', '2026-02-01', '--force']
    runs = [subprocess.Popen(command + ['--name', name],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=dict(os.environ))
        for name in ["Lot A", "Lot B"]]
    outputs = [run.communicate(timeout=600) for run in runs]
    codes = [run.returncode for run in runs]
    assert 0 in codes, outputs
    assert len(invoices()) == 6
    assert sum(i.total_amount for i in invoices()) == Decimal('1944.00')
    periods = invoiced_periods()
    assert len(set(periods)) == len(periods) == 12
    Consumption = Model.get('sale.subscription.line.consumption')
    lines = collections.Counter(
        c.invoice_line.id for c in Consumption.find([]))
    assert len(lines) == 12 and set(lines.values()) == {1}
    Batch = Model.get('account.invoice.batch')
    batches = Batch.find([('name', 'in', ["Lot A", "Lot B"])])
    assert sum(len(b.invoices) for b in batches) == 6
    for batch in batches:
        assert batch.state == 'done' or batch.message, batch.state
    again = lot_facturation('--date', '2026-02-01', '--force')
    assert again.returncode == 1
    assert 'Nothing to invoice' in again.stdout
    assert len(invoices()) == 6
