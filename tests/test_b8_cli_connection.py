"""The command line keeps no transaction open between its steps (B8).

Each step (a chunk of generation, of posting, the summary) is its own
transaction.  Between two steps the test cuts what the command line could
be holding: on PostgreSQL it terminates every other connection to the
database (``pg_terminate_backend``, as an administrator, a connection
pooler or a fail-over does); on SQLite it checks that another writer gets
the database's write lock at once.  The batch still ends *done*, exit 0, no
traceback, every invoice posted once.
"""
import pathlib
import sqlite3
from unittest import mock

import pytest

from proteus import Model
from trytond import backend, config as trytond_config
from trytond.modules.lot_facturation import cli
from trytond.tests.test_tryton import DB_NAME

import billing_world as world
from test_b6_resume import FEB, assert_invoiced_once, lot_facturation


@pytest.fixture
def config():
    return world.standard()


def cut_connections():
    """What another party does between two steps; return how many
    connections of the database it cut (SQLite: 0, the write lock taken)."""
    if backend.name == 'postgresql':
        import psycopg
        params = backend.Database._connection_params(DB_NAME)
        with psycopg.connect(params['conninfo'], autocommit=True) as conn:
            cursor = conn.execute('SELECT count(pg_terminate_backend(pid)) '
                'FROM pg_stat_activity WHERE datname = current_database() '
                'AND pid <> pg_backend_pid()')
            return cursor.fetchone()[0]
    path = pathlib.Path(trytond_config.get('database', 'path'),
        DB_NAME + '.sqlite')
    writer = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        writer.execute('BEGIN IMMEDIATE')  # raises when a writer holds it
        writer.execute('ROLLBACK')
    finally:
        writer.close()
    return 0


def test_b8_command_line_survives_its_connections_cut_between_steps(
        config, capsys):
    cuts = []

    def between_steps(done, total):
        cuts.append(cut_connections())
    with mock.patch.object(cli, 'ProgressBar', return_value=between_steps), \
            mock.patch('trytond.modules.lot_facturation.batch.'
                'generation.CHUNK_SIZE', 2):
        code, out, err = lot_facturation(capsys, *FEB, '--post')
    assert code == 0, out + err
    assert 'Traceback' not in err
    assert 'Invoices: 6' in out and 'Draft invoices: 0' in out
    assert len(cuts) == 3
    if backend.name == 'postgresql':
        assert sum(cuts) > 0  # the command line's own connections
    batch, = Model.get('account.invoice.batch').find([])
    assert_invoiced_once(batch)
