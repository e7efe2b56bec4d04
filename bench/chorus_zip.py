#!/usr/bin/env python3
"""Benchmark: memory of "Récupérer les factures à destination de Chorus"
(SPEC C3) for N invoices.

Builds N posted customer invoices (4 lines, 3 VAT rates, 50 customers) in a
SQLite database (file in a temporary folder, restored from the tests'
DB_CACHE), then runs ``Invoice.export_chorus`` (Factur-X rendering,
PAdES signature, streamed ZIP, exchanges, archive) in a fresh process for
a small (SMALL invoices) then a large selection (N other invoices), and
prints each one's peak RSS
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``), the RSS before the export,
the time and the ZIP size.

Usage: .venv/bin/python bench/chorus_zip.py [N [SMALL]]  (2000, 200)
"""
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
if 'DB_NAME' not in os.environ:
    os.environ['DB_NAME'] = 'bench_chorus'
    os.environ['TRYTOND_DATABASE__URI'] = 'sqlite://'
    os.environ['TRYTOND_DATABASE__PATH'] = tempfile.mkdtemp(
        prefix='bench-chorus-')
sys.path.insert(0, str(HERE.parent / 'tests'))
import conftest  # noqa: E402,F401  (sets DB_CACHE like the tests)

from trytond.modules.company.tests import set_company  # noqa: E402
from trytond.pool import Pool  # noqa: E402
from trytond.tests.test_tryton import (  # noqa: E402
    DB_NAME, activate_module, drop_db)
from trytond.transaction import Transaction  # noqa: E402

from tools_certificate import make_certificate  # noqa: E402
from tools_chorus import _invoice, product  # noqa: E402
from tools_send import create_customer, run, setup_company  # noqa: E402

CUSTOMERS = 50
POST_CHUNK = 100


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(n):
    Invoice = Pool().get('account.invoice')
    Configuration = Pool().get('account.configuration')
    env = setup_company()
    with set_company(env.company):
        customers = [create_customer("Client %03d" % i, channel='chorus',
                lang='fr') for i in range(CUSTOMERS)]
        consulting = product(env)
        ids = []
        for start in range(0, n, POST_CHUNK):
            invoices = [_invoice(env, customers[i % CUSTOMERS], consulting)
                for i in range(start, min(n, start + POST_CHUNK))]
            Invoice.save(invoices)
            Invoice.update_taxes(invoices)
            Invoice.post(invoices)
            Invoice.write(invoices, {'send_state': 'sent'})
            ids.extend(i.id for i in invoices)
        p12, _ = make_certificate()
        config = Configuration(1)
        config.signature_certificate = p12
        config.signature_password = 'S3cr3t-Certif!'
        config.save()
    return env.company.id, ids


def export(company, ids):
    Invoice = Pool().get('account.invoice')
    before = rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    with Transaction().set_context(company=company):
        export = Invoice.export_chorus(Invoice.browse(ids))
        size = os.path.getsize(_path(export))
    return {
        'invoices': len(ids), 'rss_before_mb': round(before),
        'peak_rss_mb': round(rss_mb()),
        'seconds': round(time.perf_counter() - start, 1),
        'cpu_seconds': round(time.process_time() - cpu, 1),
        'zip_mb': round(size / 1e6, 1),
        }


def _path(export):
    from trytond.filestore import filestore
    return filestore._filename(export.file_id, Transaction().database.name)


def child(company, ids):
    Pool(DB_NAME).init()
    print(json.dumps(run(export, company, ids, context={'company': company})))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    small = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    drop_db()
    activate_module('lot_facturation')
    start = time.perf_counter()
    company, ids = run(build, n + small)
    print("built %s invoices in %.0f s" % (n + small, time.perf_counter() - start),
        file=sys.stderr)
    try:
        for selection in [ids[:small], ids[small:]]:
            out = subprocess.run([sys.executable, __file__, '--child',
                    json.dumps([company, selection])],
                capture_output=True, text=True)
            if out.returncode:
                sys.exit(out.stderr)
            print(out.stdout.strip().splitlines()[-1])
    finally:
        drop_db()


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--child':
        company, ids = json.loads(sys.argv[2])
        child(company, ids)
    else:
        main()
