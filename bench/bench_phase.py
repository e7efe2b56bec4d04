"""One benchmark phase in its own process: 'stock' or 'batch'.

Prints one JSON line: invoice count, seconds per phase, peak RSS and a
digest of the accounting produced (to compare both paths).
"""
import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections import defaultdict

from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

POST_CHUNK = 100


def stock(pool, date):
    "Tryton's own path: consumptions, invoices, posting in chunks."
    from trytond.modules.lot_facturation.common.runner import (
        ChunkRunner, in_new_transaction)
    SubscriptionLine = pool.get('sale.subscription.line')
    Subscription = pool.get('sale.subscription')
    Invoice = pool.get('account.invoice')
    started = time.monotonic()
    in_new_transaction(SubscriptionLine.generate_consumption, date=date)
    in_new_transaction(Subscription.generate_invoice, date=date)
    generated = time.monotonic()
    ids = in_new_transaction(lambda: [i.id for i in Invoice.search(
                [('state', '=', 'draft')],
                order=[('invoice_date', 'ASC'), ('id', 'ASC')])])

    def post(chunk):
        Invoice.post(Invoice.browse(chunk))
    # Like our batches, learn the locks posting needs once, not per chunk.
    runner = ChunkRunner()
    for chunk in grouped_slice(ids, POST_CHUNK):
        runner(post, list(chunk))
    posted = time.monotonic()
    return generated - started, posted - generated


def create_batch(pool, date):
    from trytond.modules.lot_facturation.common.runner import (
        in_new_transaction)
    Batch = pool.get('account.invoice.batch')
    Journal = pool.get('account.journal')

    def create():
        journal, = Journal.search([('type', '=', 'revenue')], limit=1)
        batch = Batch(name='bench', reference_date=date, journal=journal,
            grouping='subscription', line_grouping='schedule',
            description_mode='product')
        batch.save()
        return batch.id
    return in_new_transaction(create)


def preview(pool, date):
    "Only our preview (of a new batch): its seconds, nothing posted."
    from trytond.modules.lot_facturation.common.runner import (
        in_new_transaction)
    Batch = pool.get('account.invoice.batch')
    batch_id = create_batch(pool, date)
    started = time.monotonic()
    in_new_transaction(lambda: Batch.preview(Batch.browse([batch_id])))
    return time.monotonic() - started, 0


def batch(pool, date):
    "Ours: a batch previewed, generated, then posted."
    from trytond.modules.lot_facturation.common.runner import (
        in_new_transaction)
    Batch = pool.get('account.invoice.batch')
    batch_id = create_batch(pool, date)
    started = time.monotonic()
    in_new_transaction(lambda: Batch.preview(Batch.browse([batch_id])))
    PREVIEW.append(time.monotonic() - started)
    PEAKS['preview'] = peak_rss_mb(reset=True)
    in_new_transaction(Batch._mark_running, batch_id)
    Batch.run_generation(Batch.browse([batch_id]))
    generated = time.monotonic()
    PEAKS['generate'] = peak_rss_mb(reset=True)
    errors, notices = Batch.post_drafts(batch_id)
    assert not errors and not notices, errors + notices
    posted = time.monotonic()
    PEAKS['post'] = peak_rss_mb()
    return generated - started, posted - generated


def tree_cpu(pid):
    "CPU seconds of a process and its live children (from /proc)."
    ticks = os.sysconf('SC_CLK_TCK')
    total = 0
    try:
        with open(f'/proc/{pid}/stat') as stat:
            fields = stat.read().rsplit(')', 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
        with open(f'/proc/{pid}/task/{pid}/children') as children:
            for child in children.read().split():
                total += tree_cpu(int(child))
    except FileNotFoundError:
        pass
    return total


def postgres_cpu():
    """CPU seconds of the PostgreSQL processes: the live ones, and the
    exited ones as their postmaster counts them (from /proc)."""
    ticks = os.sysconf('SC_CLK_TCK')
    total = 0
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat') as stat:
                head, _, rest = stat.read().rpartition(')')
        except (FileNotFoundError, ProcessLookupError):
            continue
        if not head.endswith('(postgres'):
            continue
        fields = rest.split()
        total += int(fields[11]) + int(fields[12])
        if _parent_is_not_postgres(fields[1]):  # the postmaster
            total += int(fields[13]) + int(fields[14])
    return total / ticks


def _parent_is_not_postgres(ppid):
    try:
        with open(f'/proc/{ppid}/stat') as stat:
            return not stat.read().rpartition(')')[0].endswith('(postgres')
    except FileNotFoundError:
        return True


def machine_cpu():
    """(idle, stolen) CPU seconds of the machine, all cores (/proc/stat):
    stolen is the time the hypervisor gave our virtual cores to others."""
    with open('/proc/stat') as stat:
        fields = stat.readline().split()
    ticks = os.sysconf('SC_CLK_TCK')
    return ((int(fields[4]) + int(fields[5])) / ticks,
        int(fields[8]) / ticks)


def start_workers(database, count):
    """``count`` trytond-worker processes of one pool process each, ready
    (their pools loaded: their CPU stopped growing)."""
    env = dict(os.environ, TRYTOND_QUEUE__WORKER='True')
    worker = os.path.join(os.path.dirname(sys.executable), 'trytond-worker')
    # a session each: stopping a worker stops its pool process too
    workers = [subprocess.Popen([worker, '-d', database, '-n', '1'],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        for _ in range(count)]
    samples = []
    while True:
        time.sleep(2)
        samples.append(sum(tree_cpu(w.pid) for w in workers))
        # their pool process started, and 6 s without using any CPU
        if (all(children(w.pid) for w in workers) and len(samples) > 3
                and len(set(samples[-4:])) == 1):
            return workers


def peak_rss_mb(pid='self', reset=False):
    """The process's peak RSS since its start or the last reset (VmHWM of
    /proc; writing 5 to clear_refs starts a new peak), in MB."""
    try:
        with open(f'/proc/{pid}/status') as status:
            peak = next(int(line.split()[1]) for line in status
                if line.startswith('VmHWM:')) / 1024
        if reset:
            with open(f'/proc/{pid}/clear_refs', 'w') as clear:
                clear.write('5')
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return round(peak)


def tree_peak_rss_mb(pid):
    "The largest peak RSS of a process and its live children, in MB."
    return max([peak_rss_mb(pid)]
        + [tree_peak_rss_mb(int(c)) for c in children(pid)])


def children(pid):
    try:
        with open(f'/proc/{pid}/task/{pid}/children') as file:
            return file.read().split()
    except FileNotFoundError:
        return []


def generate_by_workers(pool, date, count):
    """Ours with ``count`` workers: preview here, each generation chunk
    an ``ir.queue`` task; generation ends when the batch is done."""
    from trytond import config
    from trytond.modules.lot_facturation.common.runner import (
        in_new_transaction)
    Batch = pool.get('account.invoice.batch')
    batch_id = create_batch(pool, date)
    started = time.monotonic()
    in_new_transaction(lambda: Batch.preview(Batch.browse([batch_id])))
    previewed = time.monotonic()
    PEAKS['preview'] = peak_rss_mb(reset=True)
    print(f'preview {previewed - started:.2f} s', file=sys.stderr)
    workers = start_workers(Transaction().database.name, count)
    config.set('queue', 'worker', 'True')
    try:
        cpu = sum(tree_cpu(w.pid) for w in workers)
        pg_cpu, (idle, stolen) = postgres_cpu(), machine_cpu()
        queued = time.monotonic()
        in_new_transaction(lambda: Batch.generate(Batch.browse([batch_id])))
        while in_new_transaction(lambda: Batch(batch_id).state) == 'running':
            time.sleep(0.2)
        generated = time.monotonic()
        WORKERS.update(seconds=round(generated - queued, 2),
            cpu=round(sum(tree_cpu(w.pid) for w in workers) - cpu, 1),
            postgres_cpu=round(postgres_cpu() - pg_cpu, 1),
            idle=round(machine_cpu()[0] - idle, 1),
            stolen=round(machine_cpu()[1] - stolen, 1),
            count=count, preview=round(previewed - started, 2),
            load=os.getloadavg(),
            rss_mb=[tree_peak_rss_mb(w.pid) for w in workers])
        PEAKS['generate'] = peak_rss_mb(reset=True)
    finally:
        config.set('queue', 'worker', 'False')
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait()
    errors, notices = Batch.post_drafts(batch_id)
    assert not errors and not notices, errors + notices
    posted = time.monotonic()
    PEAKS['post'] = peak_rss_mb()
    # the workers' start (loading their pools) is not generation
    return (previewed - started) + (generated - queued), posted - generated


WORKERS = {}
PEAKS = {}  # peak RSS (MB) of this process in each phase of ours
PREVIEW = []  # seconds of the preview inside the batch phase


def accounting(pool):
    "A digest of every posted customer invoice's moves and taxes."
    Invoice = pool.get('account.invoice')
    rows = defaultdict(list)
    cursor = Transaction().connection.cursor()
    cursor.execute(*Invoice.search(
            [('type', '=', 'out')], order=[], query=True))
    ids = [row[0] for row in cursor]
    # Browse lists of 1,000: a longer one costs O(N²) in Tryton.
    for invoice in (i for sub_ids in grouped_slice(ids, 1000)
            for i in Invoice.browse(list(sub_ids))):
        key = (invoice.party.name, str(invoice.invoice_date))
        lines = sorted((l.account.code or l.account.name, str(l.debit),
                str(l.credit), str(l.maturity_date or ''))
            for l in invoice.move.lines) if invoice.move else []
        taxes = sorted((t.tax.id, str(t.base), str(t.amount))
            for t in invoice.taxes)
        rows[key].append((invoice.state, str(invoice.total_amount), lines,
                taxes))
    text = json.dumps(sorted(rows.items()), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest(), len(rows)


def timed_phase(args, pool, date):
    "(generation s, posting s) of the phase, profiled when asked."
    def run(pool, date):
        if args.workers:
            return generate_by_workers(pool, date, args.workers)
        return {'stock': stock, 'batch': batch, 'preview': preview}[
            args.phase](pool, date)
    if not args.profile:
        return run(pool, date)
    import cProfile
    # CPU time: on a shared machine wall time mostly measures the other
    # processes; the database's own work shows as waits.
    profiler = (cProfile.Profile(time.process_time)
        if args.clock == 'cpu' else cProfile.Profile())
    result = profiler.runcall(run, pool, date)
    profiler.dump_stats(args.profile)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('phase', choices=['stock', 'batch', 'preview'])
    parser.add_argument('database')
    parser.add_argument('--date', required=True)
    parser.add_argument('--workers', type=int,
        help="batch: generation by this many trytond-worker processes")
    parser.add_argument('--chunk', type=int,
        help="proposals per generation chunk (default: the module's)")
    parser.add_argument('--profile', help="write a cProfile dump there")
    parser.add_argument('--clock', choices=['cpu', 'wall'], default='cpu',
        help="what the profile measures")
    args = parser.parse_args()
    date = dt.date.fromisoformat(args.date)
    if args.chunk:
        from trytond.modules.lot_facturation.batch import generation
        generation.CHUNK_SIZE = args.chunk
    Pool.start()
    pool = Pool(args.database)
    pool.init()
    with Transaction().start(args.database, 0, readonly=True):
        company, = pool.get('company.company').search([])
        company = company.id
    with Transaction().start(args.database, 1, context={
                'company': company, '_skip_warnings': True}):
        generate, post = timed_phase(args, pool, date)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    report = {
        'generate': round(generate, 2), 'post': round(post, 2),
        'cpu': round(usage.ru_utime + usage.ru_stime, 1),
        'rss_mb': usage.ru_maxrss / 1024,
        }
    if WORKERS:
        report['workers'] = WORKERS
    if PREVIEW:
        report['preview'] = round(PREVIEW[0], 2)
    if PEAKS:
        report['rss_mb_phases'] = PEAKS
    with Transaction().start(args.database, 1, readonly=True,
            context={'company': company}):
        if args.phase == 'preview':
            report['proposals'] = pool.get(
                'account.invoice.batch.proposal').search([], count=True)
        else:
            report['accounting'], report['invoices'] = accounting(pool)
    print(json.dumps(report))


if __name__ == '__main__':
    sys.exit(main())
