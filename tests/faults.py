"""Fault injection for the tests: kill a real process, change an option.

``crash`` runs ``crash_run.py`` (an entry point armed to kill its own
process group with SIGKILL at a chosen point) and waits for its death; the
run's batch lease is one second, so that the test can resume it soon.
"""
import os
import pathlib
import signal
import subprocess
import sys
from contextlib import contextmanager

import trytond.config as config

CRASH = pathlib.Path(__file__).with_name('crash_run.py')


def crash(point, *command, env=None):
    "Run an entry point that kills itself at point; wait for its death."
    process = subprocess.run([sys.executable, str(CRASH), point, *command],
        capture_output=True, text=True, timeout=600, start_new_session=True,
        env=dict(os.environ, TRYTOND_LOT_FACTURATION__BATCH_LEASE='1',
            **(env or {})))
    assert process.returncode == -signal.SIGKILL, (
        process.stdout + process.stderr)


@contextmanager
def option(section, name, value):
    "A trytond option of this process, for the duration of the block."
    saved = config.get(section, name)
    if not config.has_section(section):
        config.add_section(section)
    config.set(section, name, value)
    try:
        yield
    finally:
        if saved is None:
            config._config.remove_option(section, name)
            config._cache_clear()
        else:
            config.set(section, name, saved)
