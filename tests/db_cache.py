"""Where Tryton's test database cache (``DB_CACHE``) lives.

Shared by ``conftest.py`` and ``scripts/update_po.py`` so that both reuse
the same cached databases.  The folder name is a digest of everything that
changes what an activated database contains: our module's files and the
versions of the installed Tryton distributions.  The layers built on it by
set-up functions (``world.py``) are named after the test helpers too
(``helpers_digest``: ``tests/*.py`` but ``test_*.py``), so editing a helper
rebuilds those layers, not the activated module.
"""
import contextlib
import hashlib
import importlib.metadata
import os
import pathlib
import shutil
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODULE = ROOT / 'lot_facturation'
SUFFIXES = {'.py', '.xml', '.cfg', '.po', '.fodt', '.odt', '.html', '.svg'}
STALE_AFTER = 24 * 60 * 60


def _source_files(test_helpers):
    for path in sorted(MODULE.rglob('*')):
        if (path.is_file() and path.suffix in SUFFIXES
                and '__pycache__' not in path.parts):
            yield path
    if test_helpers:
        for path in sorted((ROOT / 'tests').glob('*.py')):
            if not path.name.startswith('test_'):
                yield path


def _tryton_versions():
    names = set()
    for dist in importlib.metadata.distributions():
        name = (dist.metadata['Name'] or '').lower().replace('_', '-')
        if name.startswith(('trytond', 'proteus')) and name not in names:
            names.add(name)
            yield f'{name}=={dist.version}'


def digest(test_helpers=True):
    "Hash of the module's files, test helpers and Tryton versions."
    sha = hashlib.sha1()
    for path in _source_files(test_helpers):
        sha.update(str(path.relative_to(ROOT)).encode())
        sha.update(path.read_bytes())
    for version in sorted(_tryton_versions()):
        sha.update(version.encode())
    return sha.hexdigest()[:12]


def helpers_digest():
    "Hash of the test helpers (tests/*.py but test_*.py)."
    sha = hashlib.sha1()
    for path in sorted((ROOT / 'tests').glob('*.py')):
        if not path.name.startswith('test_'):
            sha.update(path.name.encode())
            sha.update(path.read_bytes())
    return sha.hexdigest()[:8]


def cache_folder():
    root = pathlib.Path(
        os.environ.get('LOT_FACTURATION_CACHE', ROOT / '.cache' / 'db'))
    return root / digest(test_helpers=False)


def prune_stale(current):
    "Remove cache folders of other digests unused for a day (disk space)."
    if not current.parent.is_dir():
        return
    now = time.time()
    for folder in current.parent.iterdir():
        if (folder != current and folder.is_dir()
                and now - folder.stat().st_mtime > STALE_AFTER):
            shutil.rmtree(folder, ignore_errors=True)


# --- Storing and restoring test databases --------------------------------
# Tryton's restore_db_cache/backup_db_cache, made safe for several processes
# (the SQLite and PostgreSQL stages, pytest-xdist workers) and fast on
# PostgreSQL: a lock per cached database so that one process builds it while
# the others wait, atomic writes, and on PostgreSQL template databases of the
# cluster (CREATE DATABASE ... TEMPLATE: a file copy) in front of Tryton's
# pg_dump folders, which stay for the next runs.

def _tryton():
    from trytond.tests import test_tryton
    return test_tryton


def dump_path(name):
    "Tryton's own file name for the cached database name."
    tryton = _tryton()
    return tryton._db_cache_file(tryton.DB_CACHE, name)


@contextlib.contextmanager
def lock(name):
    "Hold the cached database name: one process builds it at a time."
    import fcntl
    from trytond import backend
    folder = pathlib.Path(_tryton().DB_CACHE)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f'{pathlib.Path(dump_path(name)).name}.{backend.name}.lock'
    with open(path, 'w') as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def restore(name):
    "Make the (dropped) test database the cached one: True if cached."
    from trytond import backend
    if backend.name == 'postgresql':
        return _pg_restore(name)
    if _tryton().DB_NAME == ':memory:':
        return _tryton()._sqlite_copy(dump_path(name), restore=True)
    return _sqlite_restore(name)


def backup(name):
    "Cache the test database under name (kept if already there)."
    from trytond import backend
    if backend.name == 'postgresql':
        _pg_backup(name)
    elif _tryton().DB_NAME == ':memory:':
        os.makedirs(os.path.dirname(dump_path(name)), exist_ok=True)
        _tryton()._sqlite_copy(dump_path(name))
    else:
        _sqlite_backup(name)


def _sqlite_path(database):
    from trytond import config
    return os.path.join(config.get('database', 'path'), database + '.sqlite')


def _sqlite_restore(name):
    source = dump_path(name)
    if not os.path.exists(source):
        return False
    target = _sqlite_path(_tryton().DB_NAME)
    for suffix in ['-wal', '-shm']:  # never apply another database's log
        with contextlib.suppress(FileNotFoundError):
            os.remove(target + suffix)
    # A cached file is complete (no log) and never written once in place
    shutil.copyfile(source, target)
    return True


def _sqlite_backup(name):
    import sqlite3
    target = dump_path(name)
    if os.path.exists(target):
        return
    os.makedirs(os.path.dirname(target), exist_ok=True)
    partial = f'{target}.{os.getpid()}.part'
    source = sqlite3.connect(_sqlite_path(_tryton().DB_NAME))
    try:
        with sqlite3.connect(partial) as copy:
            source.backup(copy)
        copy.execute('PRAGMA journal_mode = DELETE')  # all in one file
        copy.close()
    finally:
        source.close()
    os.replace(partial, target)


def _template(name):
    "The template database of the cluster that caches name."
    return 'cache-' + hashlib.shake_128(name.encode()).hexdigest(20)


def _pg(*statements):
    "Run statements outside any transaction, as a database administrator."
    from trytond.transaction import Transaction
    with Transaction().start(
            None, 0, close=True, autocommit=True) as transaction:
        cursor = transaction.connection.cursor()
        for statement in statements:
            cursor.execute(statement)
        return cursor.fetchall() if cursor.description else None


def _pg_exists(database):
    from psycopg import sql
    return bool(_pg(sql.SQL(
                "SELECT 1 FROM pg_database WHERE datname = {}").format(
                sql.Literal(database))))


def _disconnect(*databases):
    "Close this process' connections to the databases (PostgreSQL)."
    from trytond import backend
    opened = backend.Database._databases[os.getpid()]
    for name in databases:
        if (database := opened.get(name)) is not None:
            database.close()


def _pg_create(database, template):
    from psycopg import sql
    from trytond import backend
    _disconnect(database, template)
    _pg(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(database)),
        sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY {}").format(
            sql.Identifier(database), sql.Identifier(template),
            sql.SQL(PG_STRATEGY)))
    backend.Database.clear_cache()


# FILE_COPY copies the template's files; WAL_LOG (the default) writes every
# page to the WAL: slower for databases of this size (see tests/README.md).
PG_STRATEGY = os.environ.get('LOT_FACTURATION_PG_STRATEGY', 'FILE_COPY')


def _pg_restore(name):
    tryton = _tryton()
    template = _template(name)
    if _pg_exists(template):
        _pg_create(tryton.DB_NAME, template)
        return True
    dump = dump_path(name)
    if not os.path.isdir(dump) or not tryton._pg_restore(dump):
        return False
    _pg_template(template)
    return True


def _pg_template(template):
    "Keep the test database as a template of the cluster."
    from psycopg import sql
    _pg_create(template, _tryton().DB_NAME)
    _pg(sql.SQL("ALTER DATABASE {} IS_TEMPLATE true").format(
            sql.Identifier(template)))


def _pg_backup(name):
    template = _template(name)
    if not _pg_exists(template):
        _pg_template(template)
    dump = dump_path(name)
    if os.path.exists(dump) or os.environ.get('LOT_FACTURATION_PG_DUMP') == '0':
        return
    # pg_dump's directory format, written aside then moved in place
    tryton = _tryton()
    options, env = tryton._pg_options()
    partial = f'{dump}.{os.getpid()}.part'
    shutil.rmtree(partial, ignore_errors=True)
    command = ['pg_dump', '-f', partial, '-F', 'd', '-j', tryton.DB_CACHE_JOBS,
        *options, tryton.DB_NAME]
    if not subprocess.call(command, env=env):
        os.replace(partial, dump)
