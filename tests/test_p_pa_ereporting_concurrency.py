"""A period is reported once to the PA even when two runs of the nightly
job (two workers, or the job and the button) report it at the same time
(SPEC P7): the second run stops at the period's unique report, or finds it
already sent; the PA receives one flow."""
import time
from unittest import mock

from trytond.i18n import gettext
from trytond.model.exceptions import SQLConstraintError
from trytond.modules.lot_facturation.einvoicing import ereporting_report

from test_p_pa_ereporting import (  # noqa: F401 (fixture)
    consumer_invoices, deposit_due, ereports, reports, sim)
from tools_send import at_once, committed_database, run, shared_database

SLOW_PA = 1.5  # seconds the PA takes to answer a deposit


def slow_deposit():
    "The real deposit, answered late: the other run starts meanwhile"
    deposit = ereporting_report.EReport._deposit

    def slow(config, report):
        flow_id = deposit(config, report)
        time.sleep(SLOW_PA)
        return flow_id
    return mock.patch.object(ereporting_report.EReport, '_deposit',
        staticmethod(slow))


def test_p7_overlapping_runs_report_a_period_once(sim):
    with committed_database():
        company, _ = run(consumer_invoices, sim, 2)
        context = {'company': company}
        with shared_database() as database, slow_deposit():
            done, refused = at_once(2, lambda: run(deposit_due, company,
                    database=database, context=context), stagger=0.2)
            assert run(reports, company, database=database) == [
                ('transactions', 1, 'sent', True)]
            # the next night: nothing new
            assert run(deposit_due, company, database=database,
                context=context) == []
            unique = run(gettext, 'lot_facturation.msg_pa_report_unique',
                database=database)
        sent = [r for result in done for r in result]
        assert [(kind, number, state, invoices) for kind, number, state,
            invoices, *_ in sent] == [('transactions', 1, 'sent', 2)]
        # the other run found the period reported, or was refused by its
        # unique report: nothing half-written
        assert len(done) + len(refused) == 2
        assert [(type(e), e.message) for e in refused] in (
            [], [(SQLConstraintError, unique)])
        assert len(ereports(sim)) == 1  # XSD + schematron passed
        assert sim.duplicate_deposits == 0
