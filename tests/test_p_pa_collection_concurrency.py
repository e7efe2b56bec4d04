"""A collection is told once to the PA even when the queue, the cron and
the button deposit pending 212 statuses at the same time (SPEC P6)."""
from test_p_pa_collection import (  # noqa: F401 (fixture)
    collections, deposited_212, emit, pay, sent_invoice, sim)
from tools_send import at_once, committed_database, run, shared_database


def test_p6_overlapping_emissions_deposit_each_status_once(sim):  # noqa: F811
    with committed_database():
        company, invoice_id = sent_invoice(sim)
        context = {'company': company}
        run(pay, invoice_id, '700.00', context=context)
        run(pay, invoice_id, '1050.00', True, context=context)
        with shared_database() as database:
            results, errors = at_once(3, lambda: run(emit, database=database,
                    context=context))
            assert not errors
            assert sum(results) == 2
            states = [c['state'] for c in run(collections, invoice_id,
                    database=database)]
        assert states == ['sent', 'sent']
        assert len(run(deposited_212, sim)) == 2
        # the invoice, then one deposit per status
        assert sim.deposits == 3 and sim.duplicate_deposits == 0
