#!/usr/bin/env python3
"""Invoices per second sent through the local PA by ``trytond-worker`` (P3).

    scripts/with-postgresql .venv/bin/python bench/pa_queue.py \
        [-n 1000] [--tasks 4] [--workers 1 2] [--profile 50]

Tryton's worker needs PostgreSQL.  On the tests' cached company world:
N posted invoices of French business customers (``tools_pa``), the local
PA simulator in its own process (``scripts/pa_simulator.py``, statuses
off), the send queued as the batch send wizard queues it (one
``Batch.send_batch_invoices`` task per batch, ``--tasks`` batches of
N/tasks invoices, queue ``lot_facturation_send``, never in the posting
transaction), then ``trytond-worker -n W`` until every invoice is sent.
Between two runs the invoices go back to *ready* and their exchanges are
removed.  Reports wall time, invoices/s, the CPU seconds of the worker
processes, of the simulator and of PostgreSQL (its backends), and the
load average.  ``--profile K`` also sends K invoices in this process
under cProfile (the ten heaviest functions by own time).
"""
import argparse
import cProfile
import io
import os
import pathlib
import pstats
import socket
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / 'tests'))
import conftest  # noqa: E402,F401  (DB_CACHE and paths like the tests)

from trytond import backend  # noqa: E402
from trytond import config  # noqa: E402
from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

from tools_pa import DEFAULT, pa_invoices  # noqa: E402
from tools_send import committed_database, run  # noqa: E402
from world import DB_NAME  # noqa: E402

CLK = os.sysconf('SC_CLK_TCK')
LOG = HERE / 'out' / 'pa_queue_worker.log'


class Simulator:
    "scripts/pa_simulator.py in its own process, every SIREN listed"
    client_id, client_secret = 'lot-facturation', 'bench'

    def __init__(self):
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            self.port = sock.getsockname()[1]
        self.url = f'http://127.0.0.1:{self.port}'
        self.process = subprocess.Popen([sys.executable,
                str(ROOT / 'scripts' / 'pa_simulator.py'),
                '--port', str(self.port), '--statuses', '',
                '--client-secret', self.client_secret],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(('127.0.0.1', self.port), .1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit('the PA simulator did not start')


def cpu_of(predicate):
    "CPU seconds (own and reaped children) of the processes predicate keeps"
    total = 0
    for stat in pathlib.Path('/proc').glob('[0-9]*/stat'):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index('(') + 1:text.rindex(')')]
        fields = text[text.rindex(')') + 2:].split()
        if predicate(int(stat.parent.name), name, fields):
            total += sum(int(f) for f in fields[11:15])
    return total / CLK


def in_group(pgid):
    return lambda pid, name, fields: int(fields[2]) == pgid


def postgres(pid, name, fields):
    return name.startswith('postgres')


def setup(sim, count, tasks):
    "The invoices, in tasks batches: return (company, invoice ids, batches)"
    company, ids = pa_invoices(sim, DEFAULT, count)
    Batch = Pool().get('account.invoice.batch')
    Invoice = Pool().get('account.invoice')
    batches = Batch.create([{'name': f'Bench PA {t}', 'company': company}
            for t in range(tasks)])
    table = Invoice.__table__()
    cursor = Transaction().connection.cursor()
    for index, batch in enumerate(batches):
        cursor.execute(*table.update([table.batch], [batch.id],
                where=table.id.in_(ids[index::tasks])))
    return company, ids, [b.id for b in batches]


def enqueue(batch_ids):
    Batch = Pool().get('account.invoice.batch')
    with Transaction().set_context(queue_name='lot_facturation_send'):
        for batch in Batch.browse(batch_ids):
            Batch.__queue__.send_batch_invoices([batch])


def left(ids):
    Invoice = Pool().get('account.invoice')
    return Invoice.search_count([('id', 'in', ids),
            ('send_state', '!=', 'sent')])


def reset(ids):
    "The invoices ready again, without exchanges"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Exchange = pool.get('account.invoice.exchange')
    cursor = Transaction().connection.cursor()
    exchange, invoice = Exchange.__table__(), Invoice.__table__()
    cursor.execute(*exchange.delete(where=exchange.invoice.in_(ids)))
    cursor.execute(*invoice.update([invoice.send_state], ['ready'],
            where=invoice.id.in_(ids)))


def measure(sim, company, ids, batch_ids, workers):
    context = {'company': company}
    run(enqueue, batch_ids, context=context)
    sim_cpu, pg_cpu = cpu_of(lambda p, n, f: p == sim.process.pid), \
        cpu_of(postgres)
    load, wall = os.getloadavg(), time.perf_counter()
    LOG.parent.mkdir(exist_ok=True)
    worker = subprocess.Popen([str(ROOT / '.venv' / 'bin' / 'trytond-worker'),
            '-d', DB_NAME, '-n', str(workers), '--name',
            'lot_facturation_send'], start_new_session=True,
        env=dict(os.environ, TRYTOND_QUEUE__WORKER='True'),
        stdout=LOG.open('a'), stderr=subprocess.STDOUT)
    try:
        while run(left, ids, context=context):
            if worker.poll() is not None:
                raise SystemExit(f'trytond-worker stopped, see {LOG}')
            time.sleep(0.25)
        wall = time.perf_counter() - wall
        worker_cpu = cpu_of(in_group(worker.pid))
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(30)
    sim_cpu = cpu_of(lambda p, n, f: p == sim.process.pid) - sim_cpu
    pg_cpu = cpu_of(postgres) - pg_cpu
    print(f'{len(ids)} invoices, {len(batch_ids)} tasks, {workers} '
        f'worker(s): {wall:.1f} s wall, {len(ids) / wall:.1f} invoices/s; '
        f'CPU worker {worker_cpu:.1f} s ({worker_cpu / len(ids) * 1000:.0f} '
        f'ms/invoice), simulator {sim_cpu:.1f} s, PostgreSQL '
        f'{pg_cpu:.1f} s; load average before {load[0]:.2f}, after '
        f'{os.getloadavg()[0]:.2f}', flush=True)


def profile(ids, company):
    Invoice = Pool().get('account.invoice')
    profiler = cProfile.Profile()
    profiler.enable()
    Invoice.send(Invoice.browse(ids))
    profiler.disable()
    output = io.StringIO()
    pstats.Stats(profiler, stream=output).sort_stats('tottime').print_stats(
        10)
    total = pstats.Stats(profiler).total_tt
    print(f'profile of Invoice.send, {len(ids)} invoices in this process: '
        f'{total / len(ids) * 1000:.0f} ms/invoice')
    print('\n'.join(output.getvalue().splitlines()[:30]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('-n', type=int, default=1000)
    parser.add_argument('--tasks', type=int, default=4)
    parser.add_argument('--workers', type=int, nargs='+', default=[1, 2])
    parser.add_argument('--profile', type=int, default=0)
    args = parser.parse_args()
    if backend.name != 'postgresql':
        raise SystemExit('run it with scripts/with-postgresql (Tryton\'s '
            'worker needs PostgreSQL)')
    sim = Simulator()
    try:
        with committed_database():
            start = time.perf_counter()
            company, ids, batch_ids = run(setup, sim, args.n, args.tasks)
            print(f'set-up: {len(ids)} posted invoices in '
                f'{time.perf_counter() - start:.0f} s', flush=True)
            config.set('queue', 'worker', 'True')
            for workers in args.workers:
                measure(sim, company, ids, batch_ids, workers)
                run(reset, ids, context={'company': company})
            config.set('queue', 'worker', 'False')
            if args.profile:
                run(profile, ids[:args.profile], company,
                    context={'company': company})
    finally:
        sim.process.terminate()
        sim.process.wait(10)


if __name__ == '__main__':
    main()
