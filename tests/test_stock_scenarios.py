"""Tryton's own sale_subscription scenarios, lot_facturation activated (B1).

Stock behaviour must stay stock under the module: the scenarios run as
Tryton ships them, except that activating ``sale_subscription`` activates
lot_facturation (which depends on it).  They cover the stock invoicing path
beside batches ("Create Subscription Invoices"), consumption delays
(negative ones included) and lines added to running contracts.
"""
import pathlib

import pytest

from trytond.modules import sale_subscription
from trytond.tests import tools

from test_scenarios import run_scenario

STOCK = pathlib.Path(sale_subscription.__file__).parent / 'tests'
SCENARIOS = sorted(STOCK.glob('scenario_*.rst'))


def with_lot_facturation(activate):
    "activate_modules where sale_subscription brings lot_facturation"
    def activate_modules(modules, *setup):
        if isinstance(modules, str):
            modules = [modules]
        modules = ['lot_facturation' if m == 'sale_subscription' else m
            for m in modules]
        return activate(modules, *setup)
    return activate_modules


@pytest.mark.parametrize(
    'scenario', SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_b1_stock_sale_subscription_scenario(scenario, monkeypatch):
    monkeypatch.setattr(tools, 'activate_modules',
        with_lot_facturation(tools.activate_modules))
    run_scenario(scenario)
