#!/usr/bin/env python3
"""Benchmark: French invoice PDFs and e-mails per second (SPEC S3).

Creates N posted customer invoices (2 lines, 20 % VAT) in a fresh SQLite
test database (restored from the tests' DB_CACHE), then measures on one
process (one core):

- our HTML -> PDF invoice (WeasyPrint, ``Report.render_pdfs``, bulk path);
- Tryton's stock invoice report (ODT, relatorio), first rendering;
- LibreOffice converting the stock ODT to PDF, when ``soffice`` exists,
  the way Tryton does it (one ``soffice --convert-to pdf`` per document);
- e-mails per second: ``Invoice.send`` end to end (claim, render, SMTP to
  a local aiosmtpd server, one commit per invoice, archive).

Usage: .venv/bin/python bench/render_send.py [N]   (default 500)
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / 'tests'))
import conftest  # noqa: E402,F401  (sets DB_CACHE like the tests)

from trytond.modules.company.tests import set_company  # noqa: E402
from trytond.pool import Pool  # noqa: E402

from smtp_sink import SMTPSink  # noqa: E402
from tools_send import (  # noqa: E402
    committed_database, create_customer, create_invoices, setup_company)

N = int(sys.argv[1]) if len(sys.argv) > 1 else 500
CUSTOMERS = 50


def make_invoices():
    env = setup_company()
    with set_company(env.company):
        customers = [create_customer(
                "Client %03d" % i, email='client%03d@example.com' % i,
                lang='fr', siren=None) for i in range(CUSTOMERS)]
        invoices = create_invoices(env, customers, count=N // CUSTOMERS)
    return env.company.id, [i.id for i in invoices]


def render_ours(ids):
    Invoice = Pool().get('account.invoice')
    Report = Pool().get('lot_facturation.invoice', type='report')
    start, cpu = time.perf_counter(), time.process_time()
    size = 0
    for i in range(0, len(ids), 20):  # the chunks of the send
        pdfs = Report.render_pdfs(Invoice.browse(ids[i:i + 20]))
        size += sum(map(len, pdfs.values()))
    return (time.perf_counter() - start, time.process_time() - cpu,
        size / len(ids))


def render_stock(ids, folder):
    Report = Pool().get('account.invoice', type='report')
    start, cpu = time.perf_counter(), time.process_time()
    for id_ in ids:
        ext, content, _, _ = Report.execute([id_], {})
        (folder / ('%s.%s' % (id_, ext))).write_bytes(bytes(content))
    return time.perf_counter() - start, time.process_time() - cpu


def convert_libreoffice(folder, count):
    soffice = shutil.which('soffice')
    if not soffice:
        return None
    files = sorted(folder.glob('*.odt'))[:count]
    out = folder / 'pdf'
    start = time.perf_counter()
    for path in files:  # Tryton's Report.convert: one process per document
        subprocess.run([soffice, '--headless', '--nolockcheck',
                '--nodefault', '--norestore', '--convert-to', 'pdf',
                '--outdir', str(out), str(path)], check=True,
            capture_output=True, timeout=300)
    return (time.perf_counter() - start) / len(files), len(files)


def send_all(ids):
    Invoice = Pool().get('account.invoice')
    Invoice.prepare_send(Invoice.browse(ids))


def send(ids):
    Invoice = Pool().get('account.invoice')
    start, cpu = time.perf_counter(), time.process_time()
    outcomes = Invoice.send(Invoice.browse(ids))
    return (time.perf_counter() - start, time.process_time() - cpu,
        sum(o.delivered for o in outcomes))


def main():
    results = {'invoices': N}
    folder = pathlib.Path(tempfile.mkdtemp(prefix='bench_send_'))
    with committed_database() as run, SMTPSink() as smtp:
        started = time.perf_counter()
        company, ids = run(make_invoices)
        results['setup_s'] = round(time.perf_counter() - started, 1)
        ctx = {'company': company}
        results['load_average'] = os.getloadavg()[0]
        seconds, cpu, size = run(render_ours, ids, context=ctx)
        results['ours_pdf_per_s'] = round(len(ids) / seconds, 1)
        results['ours_pdf_per_cpu_s'] = round(len(ids) / cpu, 1)
        results['ours_pdf_kb'] = round(size / 1024, 1)
        seconds, cpu = run(render_stock, ids, folder, context=ctx)
        results['stock_odt_per_s'] = round(len(ids) / seconds, 1)
        results['stock_odt_per_cpu_s'] = round(len(ids) / cpu, 1)
        converted = convert_libreoffice(folder, 10)
        if converted:
            per_doc, count = converted
            results['stock_odt_to_pdf_libreoffice_per_s'] = round(
                1 / per_doc, 2)
            results['libreoffice_documents'] = count
        else:
            results['stock_odt_to_pdf_libreoffice_per_s'] = None
        run(send_all, ids, context=ctx)
        seconds, cpu, sent = run(send, ids, context=ctx)
        results['emails_per_s'] = round(sent / seconds, 1)
        results['emails_per_cpu_s'] = round(sent / cpu, 1)
        results['emails_sent'] = sent
        results['smtp_received'] = len(smtp.messages)
    shutil.rmtree(folder, ignore_errors=True)
    out = HERE / 'out'
    out.mkdir(exist_ok=True)
    (out / 'render_send.json').write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == '__main__':
    main()
