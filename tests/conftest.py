"""Test settings shared by every test.

Tryton caches the databases it creates for tests in ``DB_CACHE`` under a
name made of the module names only, so a cache would survive a change of our
models or XML, or an upgrade of a Tryton module.  We key the cache folder by
a hash of the module's files and of the installed ``trytond*`` versions.
Both backends share the folder: Tryton names its SQLite dumps
``<hash>-sqlite.dump`` and its PostgreSQL ones ``<hash>-postgresql.dump``
(``pg_dump`` directory format).

Every test starts from a cached world (see ``world.py``): the module
activated, then set-up functions, each layer cached.
"""
import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
# The local PA simulator lives in scripts/: the demo runs it too
sys.path.insert(1, str(pathlib.Path(__file__).resolve().parent.parent
        / 'scripts'))

from db_cache import cache_folder, prune_stale  # noqa: E402

# On SQLite the test database is a file, not ':memory:', so that tests can
# run the command line or a second process against it (B8, concurrency).
_uri = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://')
if _uri.startswith('sqlite') and 'DB_NAME' not in os.environ:
    _folder = pathlib.Path(__file__).resolve().parent.parent / '.cache' / (
        f'sqlite-{os.getpid()}')
    _folder.mkdir(parents=True, exist_ok=True)
    os.environ['TRYTOND_DATABASE__URI'] = 'sqlite://'
    os.environ['TRYTOND_DATABASE__PATH'] = str(_folder)
    os.environ['DB_NAME'] = 'test_lot_facturation'

if 'DB_CACHE' not in os.environ:
    os.environ['DB_CACHE'] = str(cache_folder())
    prune_stale(pathlib.Path(os.environ['DB_CACHE']))

# Imported only now: trytond's test tools read DB_CACHE when imported.
import world  # noqa: E402

world.install()


# --- A real SMTP server (aiosmtpd) for the send tests (SPEC S3) ---
import pytest  # noqa: E402


@pytest.fixture
def smtp_server():
    "An SMTP server on 127.0.0.1 that trytond's [email] uri points to"
    from smtp_sink import SMTPSink
    with SMTPSink() as sink:
        yield sink


@pytest.fixture(scope='module', autouse=True)
def _no_database_left():
    "Each test file starts without a test database (its world restores one)"
    yield
    from trytond.tests.test_tryton import drop_db
    drop_db()
