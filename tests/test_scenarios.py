"""Run the proteus scenarios (``scenario_*.rst``) under pytest.

pytest ignores unittest's ``load_tests`` protocol, so Tryton's
``load_doc_tests`` would collect nothing: each scenario file becomes one
pytest test instead, with Tryton's own doctest set-up, checker and flags.
"""
import doctest
import pathlib
import unittest

import pytest

from trytond import backend
from trytond.tests.test_tryton import (
    STRIP_DECIMAL, doctest_checker, doctest_setup, doctest_teardown)

HERE = pathlib.Path(__file__).parent
SCENARIOS = sorted(HERE.glob('scenario_*.rst'))


def run_scenario(scenario):
    "Run one scenario file as Tryton runs its doctests; fail with its diff."
    flags = (doctest.REPORT_ONLY_FIRST_FAILURE | doctest.ELLIPSIS
        | doctest.IGNORE_EXCEPTION_DETAIL)
    if backend.name == 'sqlite':
        flags |= STRIP_DECIMAL
    suite = doctest.DocFileSuite(
        str(scenario), module_relative=False,
        setUp=doctest_setup, tearDown=doctest_teardown,
        encoding='utf-8', checker=doctest_checker, optionflags=flags)
    result = suite.run(unittest.TestResult())
    failures = result.failures + result.errors
    if failures:
        pytest.fail('\n'.join(text for _, text in failures), pytrace=False)
    assert result.testsRun == 1


@pytest.mark.parametrize(
    'scenario', SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(scenario):
    run_scenario(scenario)
