"An invoice is never deposited twice on the PA, even when sends overlap (P3)."
import threading

from trytond.pool import Pool

from test_p_pa_channel import read, sim  # noqa: F401 (fixture)
from tools_pa import DEFAULT, SECOND_SIREN, pa_invoices
from tools_send import committed_database, run, shared_database


def send(ids):
    Invoice = Pool().get('account.invoice')
    return [(o.invoice, o.status) for o in Invoice.send(Invoice.browse(ids))]


def test_p3_overlapping_sends_deposit_each_invoice_once(sim):  # noqa: F811
    sim.add_directory_line(SECOND_SIREN)
    with committed_database():
        company, ids = run(pa_invoices, sim, DEFAULT + (
                ("Menuiserie Petit", SECOND_SIREN),), 3)
        results, errors = {}, []
        with shared_database() as database:
            def worker(key):
                try:
                    results[key] = run(send, ids, database=database,
                        context={'company': company})
                except Exception as exception:  # asserted below
                    errors.append(exception)
            threads = [threading.Thread(target=worker, args=(k,))
                for k in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            assert not errors
            sent = sorted(i for outcomes in results.values()
                for i, status in outcomes if status == 'sent')
            assert sent == sorted(ids)
            invoices = run(read, ids, database=database)
        assert [i['send_state'] for i in invoices] == ['sent'] * 6
        flows = sorted(f.meta['flowId'] for f in sim.deposited())
        assert len(flows) == 6 and sim.duplicate_deposits == 0
        assert sorted(e['flow'] for i in invoices
            for e in i['exchanges']) == flows
