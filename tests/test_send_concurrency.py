"An invoice is never e-mailed twice, even when two sends overlap (S3)."
import threading

from trytond.pool import Pool

from test_send import DURAND, MARTIN, ready_invoices
from tools_send import committed_database, prepare, run, shared_database


def send(ids):
    Invoice = Pool().get('account.invoice')
    return [(o.invoice, o.status) for o in Invoice.send(Invoice.browse(ids))]


def _states(ids):
    Invoice = Pool().get('account.invoice')
    return sorted(i.send_state for i in Invoice.browse(ids))


def _in_threads(database, company, ids, count=2, before_second=None):
    results, errors = {}, []

    def worker(key):
        try:
            results[key] = run(send, ids, database=database,
                context={'company': company})
        except Exception as exception:  # reported by the assertion below
            errors.append(exception)
    threads = [threading.Thread(target=worker, args=(k,))
        for k in range(count)]
    threads[0].start()
    if before_second:
        before_second()
    for thread in threads[1:]:
        thread.start()
    return threads, results, errors


def _assert_each_once(smtp_server, results, ids):
    subjects = smtp_server.subjects()
    assert len(subjects) == len(ids) == len(set(subjects))
    sent = [i for outcomes in results.values()
        for i, status in outcomes if status == 'sent']
    assert sorted(sent) == sorted(ids)


def test_s3_no_double_send_while_first_send_is_in_smtp(smtp_server):
    "The second send starts while the first waits for the mail server"
    with committed_database():
        company, ids = prepare(ready_invoices, [MARTIN, DURAND], 3)
        with shared_database() as database:
            smtp_server.hold_next()
            threads, results, errors = _in_threads(
                database, company, ids,
                before_second=lambda: smtp_server.holding.wait(30))
            threads[1].join(60)
            assert results[1] == []  # everything was claimed by the first
            smtp_server.release()
            threads[0].join(60)
            assert not errors
            _assert_each_once(smtp_server, results, ids)
            assert run(_states, ids, database=database) == ['sent'] * 6


def test_s3_no_double_send_racing_sends(smtp_server):
    "Three sends started together over the same invoices"
    with committed_database():
        company, ids = prepare(ready_invoices, [MARTIN, DURAND], 4)
        with shared_database() as database:
            threads, results, errors = _in_threads(
                database, company, ids, count=3)
            for thread in threads:
                thread.join(120)
            assert not errors
            _assert_each_once(smtp_server, results, ids)
