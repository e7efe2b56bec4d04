#!/usr/bin/env python3
"""Benchmark: e-invoice validation gate time per invoice (issue 10, F1).

Builds N distinct valid French CII invoices (``tests/tools_cii.py``: 1 to
MAX_LINES lines, VAT 20/10/5.5/2.1 %), compiles the stylesheets, then
validates each invoice with the whole gate (Factur-X XSD + CEN EN 16931,
Factur-X and BR-FR schematrons) and prints, per invoice, the wall and CPU
time (CPU = ``time.process_time()``: every thread of the process, Saxon's
garbage collector included), then the time of each stage on one invoice.

Options:
  --original     compile the stylesheets as shipped (no rewrites) to
                 compare with the default (idle walks dropped, Factur-X
                 code lists parsed once)
  --threads T    validate from T threads at once (one process)
  --processes P  validate from P forked processes (one gate each)
  --lines L      at most L lines per invoice (default 8)

Usage: .venv/bin/python bench/validation.py [N] [options]   (N = 500)
"""
import argparse
import multiprocessing
import pathlib
import random
import statistics
import sys
import threading
import time
from dataclasses import replace
from decimal import Decimal

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / 'tests'))

from lxml import etree  # noqa: E402

from tools_cii import Line, cii_xml, sample_invoice  # noqa: E402
from trytond.modules.lot_facturation.validation import (  # noqa: E402
    gate, schematron)

RATES = [Decimal('20'), Decimal('10'), Decimal('5.5'), Decimal('2.1')]


def invoices(count, max_lines, seed=10):
    "count distinct valid invoices (numbers, lines, prices, rates)"
    rng = random.Random(seed)
    base = sample_invoice()
    result = []
    for index in range(count):
        lines = [Line("Prestation %d" % n,
                Decimal(rng.randint(1, 40)) / rng.choice([1, 2, 4]),
                Decimal(rng.randint(100, 200000)) / 100, rng.choice(RATES))
            for n in range(rng.randint(1, max_lines))]
        result.append(cii_xml(replace(base,
                    number='F2026-%05d' % index, lines=lines)))
    return result


def original_stylesheets():
    "Replace the gate's schematrons by the files compiled as shipped"
    gate.SCHEMATRONS = tuple(schematron.Schematron(s.name, s.path,
            default_rule=s.default_rule, optimise=False)
        for s in gate.SCHEMATRONS)


def compile_all():
    timings = {}
    for item in gate.SCHEMATRONS:
        start = time.perf_counter()
        item.compile()
        timings[item.name] = time.perf_counter() - start
    gate.warm_up()
    return timings


def validate_all(documents):
    "Validate each document; return (wall, cpu) per document"
    timings = []
    for xml in documents:
        wall, cpu = time.perf_counter(), time.process_time()
        report = gate.validate(xml)
        timings.append((time.perf_counter() - wall,
                time.process_time() - cpu))
        assert report.ok, (report.fatal_rules(), xml[:200])
    return timings


def stages(xml, repeat=50):
    "Mean milliseconds of each stage of the gate on one invoice"
    tree = etree.fromstring(xml)
    document = schematron.parse(xml)
    steps = [('XSD (lxml)', lambda: gate._Xsd.findings(tree)),
        ('parse for Saxon', lambda: schematron.parse(xml))]
    for item in gate.SCHEMATRONS:
        svrl = item.svrl(document)
        steps.append(('%s transform' % item.name,
                lambda item=item: item.svrl(document)))
        steps.append(('%s SVRL -> findings' % item.name,
                lambda item=item, svrl=svrl: item.findings(svrl)))
    result = []
    with schematron.attached():
        for name, step in steps:
            step()
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(repeat):
                step()
            result.append((name, (time.perf_counter() - wall) / repeat,
                    (time.process_time() - cpu) / repeat))
    return result


def in_threads(documents, count):
    "Wall time to validate all documents split over count threads"
    parts = [documents[i::count] for i in range(count)]
    threads = [threading.Thread(target=validate_all, args=(part,))
        for part in parts]
    wall, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - wall, time.process_time() - cpu


def _child(part, barrier, results):
    "Compile, warm up, wait for the others, then validate part"
    compile_all()
    validate_all(part[:5])
    barrier.wait()
    wall, cpu = time.perf_counter(), time.process_time()
    validate_all(part)
    results.put((time.perf_counter() - wall, time.process_time() - cpu))


def in_processes(documents, count):
    """(wall, CPU) to validate all documents split over count forked
    processes, compilation excluded: they start together"""
    context = multiprocessing.get_context('fork')
    barrier = context.Barrier(count)
    queue = context.Queue()
    children = [context.Process(target=_child,
            args=(documents[i::count], barrier, queue))
        for i in range(count)]
    for child in children:
        child.start()
    results = [queue.get() for _ in children]
    for child in children:
        child.join()
    return max(r[0] for r in results), sum(r[1] for r in results)


def ms(seconds):
    return '%.1f' % (seconds * 1000)


def report(timings, label):
    walls = sorted(t[0] for t in timings)
    cpus = sorted(t[1] for t in timings)
    print('%s: %d invoices, per invoice: wall mean %s ms (p50 %s, p95 %s), '
        'CPU mean %s ms (p50 %s, p95 %s)' % (label, len(timings),
            ms(statistics.mean(walls)), ms(walls[len(walls) // 2]),
            ms(walls[int(len(walls) * .95)]), ms(statistics.mean(cpus)),
            ms(cpus[len(cpus) // 2]), ms(cpus[int(len(cpus) * .95)])))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('count', type=int, nargs='?', default=500)
    parser.add_argument('--original', action='store_true')
    parser.add_argument('--threads', type=int, default=0)
    parser.add_argument('--processes', type=int, default=0)
    parser.add_argument('--lines', type=int, default=8)
    args = parser.parse_args()
    documents = invoices(args.count, args.lines)
    print('invoices: %d, %d-%d kB' % (len(documents),
            min(map(len, documents)) // 1024,
            max(map(len, documents)) // 1024))
    if args.original:
        original_stylesheets()
    if args.processes:
        wall, cpu = in_processes(documents, args.processes)
        print('%d processes: %s invoices/s, CPU %s ms per invoice' % (
                args.processes, '%.0f' % (len(documents) / wall),
                ms(cpu / len(documents))))
        return
    for name, seconds in compile_all().items():
        print('compile %s: %s ms' % (name, ms(seconds)))
    validate_all(documents[:20])  # warm up
    if args.threads:
        wall, cpu = in_threads(documents, args.threads)
        print('%d threads: %s invoices/s, CPU %s ms per invoice' % (
                args.threads, '%.0f' % (len(documents) / wall),
                ms(cpu / len(documents))))
        return
    report(validate_all(documents), 'gate (%s stylesheets)' % (
            'original' if args.original else 'rewritten'))
    median = sorted(documents, key=len)[len(documents) // 2]
    print('stages, on the median invoice (%d lines, %d kB):' % (
            median.count(b'<ram:IncludedSupplyChainTradeLineItem>'),
            len(median) // 1024))
    for name, wall, cpu in stages(median):
        print('  %-28s wall %s ms, CPU %s ms' % (name, ms(wall), ms(cpu)))


if __name__ == '__main__':
    main()
