"""Posting waits its turn for the invoice numbering (B7).

A second connection (``sequence_holder.py``, another process) holds the
strict invoice sequences the way a user posting one invoice, or another
batch posting, does.  The batch waits for it in the lock's queue, up to
``[lot_facturation] lock_wait`` seconds, then finishes; past the wait it
stops posting with a message and running it again finishes.
"""
import datetime as dt
import os
import pathlib
import subprocess
import sys
import threading
import time
from decimal import Decimal

import pytest

from trytond import backend
from trytond.tests.test_tryton import DB_NAME

import billing_world as world
from faults import option
from test_b6_resume import assert_invoiced_once
from test_batch_reliability import preview

HOLDER = pathlib.Path(__file__).with_name('sequence_holder.py')


@pytest.fixture
def config():
    return world.standard()


def hold_numbering():
    "Another process holds the invoice sequences until release()."
    holder = subprocess.Popen([sys.executable, str(HOLDER), DB_NAME],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env=dict(os.environ))
    assert holder.stdout.readline().strip() == 'held'
    return holder


def release(holder):
    if holder.poll() is None:
        holder.communicate('\n', timeout=60)
    assert holder.returncode == 0


def test_b7_posting_waits_its_turn_for_the_numbering(config):
    """The batch waits for the other transaction, then posts everything;
    past the wait it stops with a message and running it again finishes.

    On SQLite the holder takes the database's single write lock: the
    generation waits too (SQLite's busy wait, then the runner's retries).
    The bounded wait is checked on PostgreSQL only: SQLite cannot hold the
    numbering without holding every write, recording the failure included.
    """
    february = world.new_batch(recording_mode='posted')
    preview(config, february)
    holder = hold_numbering()
    timer = threading.Timer(3, release, [holder])
    timer.start()
    started = time.monotonic()
    try:
        february.click('generate')
    finally:
        timer.join()
    assert time.monotonic() - started >= 3
    assert_invoiced_once(february)
    if backend.name != 'postgresql':
        return

    march = world.new_batch("March", reference=dt.date(2026, 3, 1),
        recording_mode='posted')
    preview(config, march)
    holder = hold_numbering()
    try:
        with option('lot_facturation', 'lock_wait', '1'):
            march.click('generate')
    finally:
        release(holder)
    march.reload()
    assert march.state == 'failed'
    assert march.message.startswith('Posting stopped: Another user or '
        'process kept what this step needs')
    assert '6 invoices are still in draft' in march.message
    assert {i.state for i in march.invoices} == {'draft'}
    march.click('generate')
    assert_invoiced_once(march, count=12, total=Decimal('2916.00'))
