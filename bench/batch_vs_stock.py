#!/usr/bin/env python3
"""Batch invoicing against Tryton's stock subscription invoicing, same data.

    python bench/batch_vs_stock.py [-n 1000] [--lines 1.5]

SQLite by default; PostgreSQL when TRYTOND_DATABASE__URI is a postgresql://
URI (e.g. ``scripts/with-postgresql python bench/batch_vs_stock.py``).

One database with N running monthly contracts (1 or 2 lines, 20 % VAT, the
consumptions of the reference date made) is built once by bulk SQL
(``bench_world.py``; ``--world orm`` through the ORM) and cloned; in
separate processes Tryton's stock path
(consumptions, ``sale.subscription.generate_invoice``, ``account.invoice.post``
in chunks of 100) runs on one clone and ours (batch preview, generation,
posting) on the other.  It prints invoices per second for each phase, the
ratios, the peak RSS of each process, and checks that both produced the same
accounting (moves, taxes, receivables) invoice by invoice.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench_world as world  # noqa: E402


def run_phase(phase, database, args, workers=None):
    "Run one phase in its own process; return its JSON report."
    command = [sys.executable, os.path.join(HERE, 'bench_phase.py'), phase,
        database, '--date', args.date]
    if workers:
        command += ['--workers', str(workers)]
    if args.chunk:
        command += ['--chunk', str(args.chunk)]
    if args.profile:
        command += ['--profile', os.path.join(args.workdir, f'{phase}.prof'),
            '--clock', args.profile]
    output = subprocess.run(command, capture_output=True,
        text=True, env=world.environment(args))
    if output.returncode or args.verbose:
        sys.stderr.write(output.stderr[-4000:])
    output.check_returncode()
    return json.loads(output.stdout.strip().splitlines()[-1])


def report(n, stock, batch, same):
    def rate(count, seconds):
        return count / seconds if seconds else float('inf')
    rows = [
        ('generate', stock['generate'], batch['generate']),
        ('post', stock['post'], batch['post']),
        ('end to end', stock['generate'] + stock['post'],
            batch['generate'] + batch['post']),
        ]
    print(f"N={n} contracts, {stock['invoices']} invoices (stock), "
        f"{batch['invoices']} invoices (batch), backend {world.backend()}")
    print(f"{'phase':<12}{'stock inv/s':>14}{'batch inv/s':>14}{'ratio':>8}")
    for name, s, b in rows:
        rs, rb = rate(stock['invoices'], s), rate(batch['invoices'], b)
        print(f"{name:<12}{rs:>14.1f}{rb:>14.1f}{rb / rs:>7.2f}x")
    print(f"peak RSS: stock {stock['rss_mb']:.0f} MB, "
        f"batch {batch['rss_mb']:.0f} MB")
    if 'rss_mb_phases' in batch:
        print("peak RSS of batch by phase: " + ', '.join(
                f'{phase} {mb} MB'
                for phase, mb in batch['rss_mb_phases'].items()))
    print(f"details: stock {json.dumps(stock)}")
    print(f"details: batch {json.dumps(batch)}")
    print("same accounting: " + ("yes" if same else "NO"))


def workers_report(results):
    "Generation by workers: wall, their CPU, and the load while it ran."
    rows = [r['workers'] for r in results.values() if 'workers' in r]
    if not rows:
        return
    print(f"{'workers':<8}{'generate s':>12}{'inv/s':>8}{'worker CPU s':>14}"
        f"{'PostgreSQL CPU s':>18}{'idle CPU s':>12}{'stolen CPU s':>14}"
        f"{'load (1, 5, 15 min)':>24}")
    invoices = next(iter(results.values()))['invoices']
    for row in rows:
        load = ', '.join(f'{v:.1f}' for v in row['load'])
        print(f"{row['count']:<8}{row['seconds']:>12.2f}"
            f"{invoices / row['seconds']:>8.1f}{row['cpu']:>14.1f}"
            f"{row.get('postgres_cpu', 0):>18.1f}{row.get('idle', 0):>12.1f}"
            f"{row.get('stolen', 0):>14.1f}"
            f"{load:>24}")
    for name, result in results.items():
        if 'rss_mb_phases' in result:
            peaks = ', '.join(f'{phase} {mb} MB'
                for phase, mb in result['rss_mb_phases'].items())
            workers = result.get('workers', {}).get('rss_mb')
            print(f"peak RSS of {name} by phase: {peaks}"
                + (f"; workers {workers} MB" if workers else ''))
    if len(rows) > 1:
        print(f"speed-up of generation, {rows[-1]['count']} workers against "
            f"{rows[0]['count']}: {rows[0]['seconds'] / rows[-1]['seconds']:.2f}x"
            " (wall)")


def arguments():
    "The command line (see the module's docstring)."
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-n', type=int, default=1000,
        help="number of contracts")
    parser.add_argument('--lines', type=float, default=1.5,
        help="average lines per contract (1 to 2)")
    parser.add_argument('--date', default='2026-03-01',
        help="reference date (contracts start on 1 March)")
    parser.add_argument('--workdir', default=os.path.join(HERE, 'out'))
    parser.add_argument('--only', choices=['stock', 'batch', 'preview',
            'workers'],
        help="run one phase; 'preview' runs only our preview, 'workers' "
        "only the runs of --workers")
    parser.add_argument('--world', choices=['sql', 'orm'], default='sql',
        help="build the contracts by bulk SQL (default) or the ORM")
    parser.add_argument('--fresh', action='store_true',
        help="contracts just run: the consumptions of the date are made "
        "by each phase (by default the world has them, as Tryton's daily "
        "cron would)")
    parser.add_argument('--reuse', action='store_true',
        help="keep the world bench_N of an earlier run")
    parser.add_argument('--workers', type=lambda v: [int(w)
            for w in v.split(',')],
        help="also run our generation by trytond-worker processes, e.g. "
        "'1,2' (PostgreSQL): one run per count, each compared with stock")
    parser.add_argument('--chunk', type=int,
        help="proposals per generation chunk (default: the module's)")
    parser.add_argument('-v', '--verbose', action='store_true')
    parser.add_argument('--profile', nargs='?', const='cpu',
        choices=['cpu', 'wall'],
        help="write a cProfile dump of each phase in the workdir, of CPU "
        "time (default) or wall time")
    return parser.parse_args()


def run_all(args, template):
    "{phase or wN: result} of each phase asked, each on its own clone."
    results = {}
    phases = [args.only] if args.only else ['stock', 'batch']
    for phase in [p for p in phases if p != 'workers']:
        database = f'{template}_{phase}'
        world.clone(template, database, args)
        results[phase] = run_phase(phase, database, args)
    for count in args.workers or []:
        database = f'{template}_w{count}'
        world.clone(template, database, args)
        results[f'w{count}'] = run_phase('batch', database, args, count)
    return results


def verdict(args, results):
    "Print the comparison; 0 when every run kept stock's accounting."
    if 'stock' in results and len(results) >= 2:
        same = True
        for name, result in results.items():
            if name == 'stock':
                continue
            print(f"--- ours: {name}")
            same &= result['accounting'] == results['stock']['accounting']
            report(args.n, results['stock'], result,
                result['accounting'] == results['stock']['accounting'])
        workers_report(results)
        return 0 if same else 1
    if args.workers:
        digests = sorted({r['accounting'] for r in results.values()})
        print(json.dumps(results))
        workers_report(results)
        print("same accounting: " + ("yes " + digests[0]
                if len(digests) == 1 else "NO"))
        return 0 if len(digests) == 1 else 1
    print(json.dumps(results))
    return 0


def main():
    args = arguments()
    os.makedirs(args.workdir, exist_ok=True)
    template = f'bench_{args.n}'
    if world.autovacuum(args) == 'off':
        print("warning: PostgreSQL's autovacuum is off: the tables the run "
            "fills keep the statistics of when they were empty and their "
            "foreign-key checks scan whole tables; run under "
            "PG_AUTOVACUUM=on scripts/with-postgresql", file=sys.stderr)
    if not (args.reuse and world.exists(template, args)):
        seconds = world.build(template, args)
        print(f"built {args.n} contracts ({args.world}) in {seconds:.0f} s",
            file=sys.stderr)
    return verdict(args, run_all(args, template))


if __name__ == '__main__':
    sys.exit(main())
