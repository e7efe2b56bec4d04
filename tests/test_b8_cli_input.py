"""The command line refuses bad input on one line, exit code 2 (B5, B8).

A refused run writes nothing: no batch, no batch number used.  Most cases
run the command line in this process (its code is the same, and the pool
is loaded once); the unknown database and the missing configuration run it
as its own process, because what mattered there was the process itself:
no 30 s wait for the connection pool, no traceback.
"""
import datetime as dt
import os
import subprocess
import sys
import time

import pytest

from proteus import Model
from trytond.modules.lot_facturation import cli
from trytond.tests.test_tryton import DB_NAME

import billing_world as world

FEB = ['--date', '2026-02-15']


@pytest.fixture
def config():
    return world.standard()


def written():
    "What a run writes: batches, and the batch numbering."
    Sequence = Model.get('ir.sequence')
    Batch = Model.get('account.invoice.batch')
    sequence, = Sequence.find([('prefix', '=', 'LOT-')])
    return len(Batch.find([])), sequence.number_next


def refused(capsys, *args):
    "Run the command line; return its one-line message on stderr."
    capsys.readouterr()
    try:
        code = cli.main(['batch', '-d', DB_NAME, *args])
    except SystemExit as exit:  # argparse
        code = exit.code
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert out == '' and 'Traceback' not in err
    line, = err.strip().splitlines()[-1:]
    return line


def test_b8_bad_input_is_refused_and_writes_nothing(config, capsys):
    Period = Model.get('account.period')
    period, = Period.find([('start_date', '=', dt.date(2026, 2, 1)),
            ('type', '=', 'standard')])
    period.click('close')
    before = written()
    cases = {
        ('--date', '2026-02-31'):
            'The date "--date 2026-02-31" is missing or invalid.',
        tuple(FEB): 'which is closed.',
        ('--date', '2027-06-01'): 'No fiscal year is defined for the date',
        (*FEB, '--company', '999'): 'Company "999" does not exist.',
        (*FEB, '--journal', 'NOPE'): 'Invoice type "NOPE" does not exist',
        (*FEB, '--user', 'personne'): 'User "personne" does not exist.',
        (*FEB, '--grouping', 'week'): "invalid choice: 'week'",
        ('--resume', 'LOT-99999'): 'Batch "LOT-99999" does not exist.',
        }
    for args, expected in cases.items():
        assert expected in refused(capsys, *args), args
    assert written() == before


def lot_facturation_process(*args):
    "The installed command as its own process: (result, seconds)."
    command = [os.path.join(os.path.dirname(sys.executable),
            'lot-facturation'), 'batch', *args]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True,
        env=dict(os.environ), timeout=120)
    return result, time.monotonic() - started


def test_b8_unknown_database_and_missing_config_fail_fast():
    for args, expected in [
            (['-d', 'no_such_database'],
                "database 'no_such_database' does not exist"),
            (['-d', DB_NAME, '-c', '/nonexistent/trytond.conf'],
                "cannot read the configuration file"),
            ]:
        result, seconds = lot_facturation_process(*args)
        assert result.returncode == 2, result.stderr
        line, = result.stderr.strip().splitlines()
        assert line.startswith(f"lot-facturation: {expected}")
        assert seconds < 20
