"""Layered ``DB_CACHE`` for proteus scenarios.

Stock ``trytond.tests.tools.activate_modules(modules, *setup)`` caches one
database per (modules, setup functions) combination, and builds each one
from an empty database: every scenario with a new set-up pays the full
activation (about 35 s on SQLite, 90 s on PostgreSQL here).  This version
first restores the cached database of the modules alone (shared with
``ModuleTestCase`` and set-up-less scenarios), then runs the set-up
functions on it and caches the result under the stock name.  The database
a scenario gets is the same; only the cold cost changes.
"""
from trytond.tests import tools
from trytond.tests.test_tryton import (
    backup_db_cache, drop_db, restore_db_cache)

_stock_activate_modules = tools.activate_modules


def activate_modules(modules, *setup):
    # Stock scenarios drop their database in doctest_teardown; pytest tests
    # that call this from a fixture do not, and PostgreSQL cannot restore a
    # cache over an existing database.
    drop_db()
    if not setup:
        return _stock_activate_modules(modules)
    if isinstance(modules, str):
        modules = [modules]
    cache_name = '-'.join(sorted(modules)) + '--' + '|'.join(
        tools._func_name(f) for f in setup)
    if restore_db_cache(cache_name):
        return tools._get_config()
    config = _stock_activate_modules(modules)
    for func in setup:
        func(config=config)
    backup_db_cache(cache_name)
    return config


def install():
    "Make scenarios (which import it from trytond.tests.tools) use it."
    tools.activate_modules = activate_modules
