"""B8, S4: the scheduled tasks an administrator set survive module updates.

An administrator activates the nightly jobs and chooses their time; the
next ``trytond-admin -u lot_facturation`` (every upgrade does one) must
not switch them off or move them again.
"""
import os
import subprocess
import sys

import pytest

from proteus import Model
from trytond.tests.test_tryton import DB_NAME
from trytond.tests.tools import activate_modules

CRONS = [
    'account.invoice.batch|run_scheduled',
    'account.invoice|send_ready_invoices',
    'sale.subscription.schedule|update_states',
    'sale.subscription|generate_invoice',
    ]


def trytond_admin(*args):
    command = [os.path.join(os.path.dirname(sys.executable), 'trytond-admin'),
        '-d', DB_NAME, *args]
    return subprocess.run(command, capture_output=True, text=True,
        env=dict(os.environ), timeout=900)


@pytest.fixture
def config():
    return activate_modules('lot_facturation')


def test_b8_activated_crons_stay_active_after_update(config):
    Cron = Model.get('ir.cron')
    crons = Cron.find([('method', 'in', CRONS), ('active', 'in', [True, False])])
    assert sorted(c.method for c in crons) == sorted(CRONS)
    # B1, one invoicing path per period: batches, not Tryton's daily job
    assert [c.active for c in crons
        if c.method == 'sale.subscription|generate_invoice'] == [False]
    for cron in crons:
        # What an administrator does: switch it on (or off), at 02:30
        cron.active = cron.method != 'sale.subscription.schedule|update_states'
        cron.hour, cron.minute = 2, 30
        cron.save()

    result = trytond_admin('-u', 'lot_facturation', 'sale_subscription')
    assert result.returncode == 0, result.stdout + result.stderr

    after = {c.method: c for c in Cron.find(
            [('method', 'in', CRONS), ('active', 'in', [True, False])])}
    assert after['account.invoice.batch|run_scheduled'].active
    assert after['account.invoice|send_ready_invoices'].active
    assert after['sale.subscription|generate_invoice'].active
    assert not after['sale.subscription.schedule|update_states'].active
    assert {(c.hour, c.minute) for c in after.values()} == {(2, 30)}
