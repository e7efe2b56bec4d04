"""The test world: one cached database per set-up, built in layers.

    world.restore(*setups, lang='en')

makes the test database what activating ``lot_facturation`` (the database
created in ``lang``) and then running each set-up function in turn gives.
Each step is a layer of Tryton's ``DB_CACHE``, kept under its own name: the
activated module is Tryton's own cache (shared with ``ModuleTestCase``), each
further layer is built once from the one below, backed up, and restored for
every later test in a fraction of a second (a file copy on SQLite,
``CREATE DATABASE ... TEMPLATE`` on PostgreSQL, see ``db_cache.py``).

A set-up is called as ``func(config=config)`` like the set-ups of Tryton's
``activate_modules`` (``config``: the proteus configuration); decorate with
``@world.transactional`` one that works with the pool (``Pool().get``): it
then runs in one committed transaction.  A layer is named after its set-ups
(qualified name, arguments of a ``functools.partial``) and the version of
the files that define them (``db_cache.helpers_digest``, or the test file),
so editing a set-up or a helper rebuilds its layers, not the module.

``install()`` (called by ``conftest.py``) makes Tryton's own entry points
use this: ``activate_modules`` of the scenarios, ``activate_module`` of the
unittest classes.  It also keeps a database's pool across restores: a pool
depends only on the activated modules, and loading one costs more than a
second of CPU, twice per proteus test otherwise.
"""
import functools
import hashlib
import inspect
import pathlib

from trytond.tests import test_tryton, tools
from trytond.tests.test_tryton import DB_NAME
from trytond.pool import Pool
from trytond.transaction import Transaction, TransactionError

import db_cache

MODULE = 'lot_facturation'

_stock = {}


def restore(*setups, lang='en', modules=(MODULE,)):
    "Make the test database the cached world of modules, lang and setups."
    modules = [modules] if isinstance(modules, str) else list(modules)
    test_tryton.drop_db()
    if not setups:
        test_tryton.activate_module(modules, lang=lang)
        return
    name = layer_name(modules, lang, setups)
    if _restore(name):
        return
    with db_cache.lock(name):
        if _restore(name):  # built by another process meanwhile
            return
        restore(*setups[:-1], lang=lang, modules=modules)
        setups[-1](config=config())
        db_cache.backup(name)


def config():
    "The proteus configuration of the test database (admin user)."
    from proteus import config as proteus_config
    return proteus_config.set_trytond()


def transactional(func):
    "A set-up that works with the pool: run in one committed transaction."
    @functools.wraps(func)
    def setup(config=None):
        run(func)
    return setup


def run(func, *args, user=1, context=None, database=None, _extras=None):
    """Run func in its own committed transaction, as the server runs a
    call: retried with the locks it asks for"""
    extras = {} if _extras is None else _extras
    context = dict({'_skip_warnings': True}, **(context or {}))
    while True:
        try:
            with Transaction().start(database or DB_NAME, user,
                    context=context, **extras):
                return func(*args)
        except TransactionError as exception:
            exception.fix(extras)


def prepare(func, *args, **kwargs):
    """``run`` for a test's own set-up (invoices to work on...): it starts
    with the locks the earlier set-ups had to ask for, where ``run`` starts
    with none as a server process does, and runs the whole call again for
    each lock it meets (three for a first ``Invoice.post``)."""
    return run(func, *args, _extras=_PREPARED, **kwargs)


_PREPARED = {}


def layer_name(modules, lang, setups):
    name = '-'.join(sorted(modules))
    if lang != 'en':
        name += '--' + lang
    return name + '--' + '|'.join(_setup_name(f) for f in setups)


def _setup_name(func):
    func = inspect.unwrap(func)
    target = func.func if isinstance(func, functools.partial) else func
    path = pathlib.Path(inspect.getsourcefile(target))
    if path.name.startswith('test_'):  # not in the helpers' digest
        version = hashlib.sha1(path.read_bytes()).hexdigest()[:8]
    else:
        version = _HELPERS
    return '%s@%s' % (tools._func_name(func), version)


_HELPERS = db_cache.helpers_digest()


def _restore(name):
    if db_cache.restore(name):
        Pool(DB_NAME).init()
        return True
    return False


# --- Tryton's entry points ------------------------------------------------

def activate_modules(modules, *setups):
    "Tryton's ``tools.activate_modules``, its set-ups cached layer by layer."
    restore(*setups, modules=modules)
    return config()


def activate_module(modules, lang='en'):
    "Tryton's ``activate_module``, one process building a database at once."
    if isinstance(modules, str):
        modules = [modules]
    name = '-'.join(modules) + ('' if lang == 'en' else '--' + lang)
    with db_cache.lock(name):
        _stock['activate_module'](modules, lang=lang)


def restore_db_cache(name):
    "Tryton's ``restore_db_cache`` through ``db_cache.restore``."
    return _restore(name)


def backup_db_cache(name):
    "Tryton's ``backup_db_cache`` through ``db_cache.backup``."
    db_cache.backup(name)


def with_transaction(user=1, context=None):
    """Tryton's ``with_transaction``, starting with the locks the earlier
    tests had to ask for.

    Tryton 8.0 wants the tables and records a transaction locks declared
    when it starts: else it raises, and the test body runs again with them
    (a cold ``Invoice.post`` asks for three, one at a time: the test ran
    four times).  The test is one rolled-back transaction on its own
    connection: holding these locks from the start changes nothing else."""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            from trytond.cache import Cache
            while True:
                with Transaction().start(DB_NAME, user, context=context,
                        **_LOCKS) as transaction:
                    try:
                        return func(*args, **kwargs)
                    except TransactionError as exception:
                        exception.fix(_LOCKS)
                    finally:
                        transaction.rollback()
                        transaction.tasks.clear()
                        Cache.drop(DB_NAME)
        return wrapper
    return decorator


_LOCKS = {}


# --- One pool per set of activated modules --------------------------------

_kept = {}


def _stop(database_name):
    "Pool.stop, keeping the pool for a database restored with its modules."
    with Pool._lock:
        pool = Pool._pools.pop(database_name, None)
        if pool is not None:
            _kept[database_name] = (pool, Pool._pool_modules[database_name])


def _init(self, update=None, lang=None, activatedeps=False, indexes=None):
    "Pool.init, reusing the pool when the activated modules are the same."
    if not (update or lang or activatedeps or indexes) and _reuse(self):
        return
    _kept.pop(self.database_name, None)
    _stock['init'](self, update=update, lang=lang,
        activatedeps=activatedeps, indexes=indexes)


def _reuse(instance):
    from trytond.cache import Cache
    name = instance.database_name
    pool, modules = _kept.get(name) or (
        Pool._pools.get(name), Pool._pool_modules.get(name))
    if not pool or set(modules) != _activated(name):
        return False
    with Pool._lock:
        _kept.pop(name, None)
        instance._pool, instance._modules = pool, modules
        Pool._pools[name] = pool
        Pool._pool_modules[name] = modules
        Pool._pool_instances.clear()
        Pool._pool_instances.add(instance)
        instance.ready = True
    Cache.drop(name)  # the cached records were those of another database
    return True


def _activated(name):
    "The modules Pool.init would load for the database (None: unknown)."
    from sql import Table
    from trytond import backend
    module = Table('ir_module')
    database = backend.Database(name).connect()
    try:
        connection = database.get_connection(readonly=True)
    except Exception:
        return None
    try:
        cursor = connection.cursor()
        cursor.execute(*module.select(module.name, where=module.state.in_(
                    ['activated', 'to upgrade', 'to remove'])))
        return {name for name, in cursor}
    except Exception:
        return None
    finally:
        connection.rollback()
        database.put_connection(connection)


def install():
    "Make Tryton's test tools build and restore the world this way."
    if _stock:
        return
    _stock['activate_module'] = test_tryton.activate_module
    _stock['init'] = Pool.init
    test_tryton.activate_module = activate_module
    test_tryton.restore_db_cache = restore_db_cache
    test_tryton.backup_db_cache = backup_db_cache
    tools.restore_db_cache = restore_db_cache
    tools.backup_db_cache = backup_db_cache
    tools.activate_modules = activate_modules
    test_tryton.with_transaction = with_transaction
    Pool.init = _init
    Pool.stop = classmethod(lambda cls, name: _stop(name))
