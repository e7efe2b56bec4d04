#!/usr/bin/env python3
"""Benchmark: invoice PDFs per CPU-second, WeasyPrint against Typst (issue 14).

Creates N posted customer invoices (4 lines, 3 VAT rates, 20 business
customers) in a fresh SQLite test database, builds their InvoiceDocuments
once (French), then renders the same documents with both engines, in one
process:

- plain PDF; PDF/A-3b; PDF/A-3b + Factur-X (our incremental update, XML
  made once beforehand); PDF/A-3b + Factur-X + PAdES signature (pyHanko, a
  throwaway certificate) in the same update, as the Chorus export does;
  the same with pyHanko building every CMS (no template); signed in a
  second update; the factur-x library's own embedding
  (``generate_from_binary``, pypdf rewriting the PDF), with and without a
  signature of pyHanko's CMS each time: the way before;
- ``Report.render_pdfs`` end to end (Tryton reads + documents + PDF), by
  chunks of 20 as the send does, for each ``pdf_engine``;
- the CII XML of each invoice read alone (Tryton's e-document) against
  chunks of 20 invoices read together (the send);
- Typst ways of rendering many invoices: one reused compiler (the
  default), a new compiler per invoice, one document per 20 invoices split
  with pypdf.

Each row: 10 untimed invoices, then the median of 3 passes for Typst
(its figures move by 20 % from pass to pass on this shared machine), one
pass for WeasyPrint.  WeasyPrint's engine time includes the Genshi HTML
rendering of the template (part of that engine's cost); Typst's includes
the JSON.

Usage: .venv/bin/python bench/pdf_engines.py [N]       (default 200)
       .venv/bin/python bench/pdf_engines.py --look    (sample PDFs and
           PNGs of both engines in test-output/typst/)
"""
import dataclasses
import io
import itertools
import json
import os
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / 'tests'))
import conftest  # noqa: E402,F401  (sets DB_CACHE like the tests)

import facturx as factur_x_library  # noqa: E402
import pypdf  # noqa: E402
from pyhanko.sign import signers  # noqa: E402

import trytond.config as config  # noqa: E402
from trytond.modules.company.tests import set_company  # noqa: E402
from trytond.modules.lot_facturation.formats import (  # noqa: E402
    facturx, signature)
from trytond.modules.lot_facturation.formats.pdf import (  # noqa: E402
    html_to_pdf)
from trytond.modules.lot_facturation.formats import pdf_typst  # noqa: E402
from trytond.modules.lot_facturation.report import (  # noqa: E402
    invoice as invoice_report, invoice_typst)
from trytond.modules.lot_facturation.report.invoice_data import (  # noqa
    build_documents)
from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

from tools_certificate import PASSWORD, make_certificate  # noqa: E402
import tools_chorus  # noqa: E402
from tools_chorus import multi_vat_invoices  # noqa: E402
from tools_invoice_samples import english_product  # noqa: E402
from tools_send import committed_database, create_customer  # noqa: E402

OUT = HERE.parent / 'test-output' / 'typst'
CUSTOMERS = 20
VARIANT = 'pdf/a-3b'
SIGNATURE = signature.SignatureInfo(reason='Facture', name='Cabinet')
# passes of each Typst row (median kept); WeasyPrint's are too slow to repeat
REPEAT = {'typst': 3, 'weasyprint': 1}
WARM_UP = 10


def siren(i):
    "A SIREN passing the Luhn check, from i"
    digits = '%08d' % (730000000 // 10 + i * 7919)
    for last in '0123456789':
        number = digits + last
        total = sum(sum(divmod(int(d) * (1 + k % 2), 10))
            for k, d in enumerate(number))
        if total % 10 == 0:
            return number


def make_invoices(n):
    # The bench database is French: tools_chorus must find its unit
    tools_chorus.product = english_product
    customers = [create_customer("Client %02d SAS" % i, lang='fr',
            siren=siren(i)) for i in range(CUSTOMERS)]
    env, invoices = multi_vat_invoices(customers, count=n // CUSTOMERS)
    return env.company.id, [i.id for i in invoices]


class Engines:
    "Both engines' document → PDF steps, on prepared inputs"

    def __init__(self, invoices):
        Report = Pool().get('lot_facturation.invoice', type='report')
        self.documents = build_documents(invoices)
        self.xmls = [i.facturx_xml() for i in invoices]
        action = Report._action_report()
        base = super(invoice_report.InvoiceReport, Report).get_context(
            [], {}, {})
        self.html = lambda i: Report.render(action, dict(base,
                documents=[self.documents[i]], record=invoices[i],
                records=[invoices[i]]))
        self.typst = pdf_typst.renderer()
        self.labels = invoice_typst.labels(self.typst)
        p12, _ = make_certificate()
        self.signer = signature.load_signer(p12, PASSWORD)
        plain = self.signer
        self.cms_each_time = CmsEachTime(signing_cert=plain.signing_cert,
            signing_key=plain.signing_key, cert_registry=plain.cert_registry,
            signature_mechanism=plain.signature_mechanism)

    def pdf(self, engine, i, variant=None):
        if engine == 'weasyprint':
            return html_to_pdf(self.html(i), invoice_report.CSS_TEXT,
                variant=variant)
        return self.typst.render(self.documents[i], self.labels, variant)

    def facturx(self, engine, i):
        return facturx.embed(self.pdf(engine, i, VARIANT), self.xmls[i],
            title=self.documents[i].number, author='Cabinet Dupont')

    def facturx_rewritten(self, engine, i):
        "The factur-x library's own embedding (pypdf rewrites the PDF)"
        return factur_x_library.generate_from_binary(
            self.pdf(engine, i, VARIANT), self.xmls[i], flavor=facturx.FLAVOR,
            level=facturx.LEVEL, check_xsd=False, pdf_metadata={
                'author': 'Cabinet Dupont', 'title': self.documents[i].number,
                'keywords': 'Factur-X, facture', 'subject': ''})

    def signed(self, engine, i, signer=None):
        "Factur-X signed in the update that attaches the XML (the export)"
        return facturx.embed(self.pdf(engine, i, VARIANT), self.xmls[i],
            title=self.documents[i].number, author='Cabinet Dupont',
            signer=signer or self.signer, signature_info=SIGNATURE)

    def signed_after(self, engine, i, embed=None, signer=None):
        "Factur-X, then a second update that signs it"
        pdf = (embed or self.facturx)(engine, i)
        return signature.sign_pdf(pdf, signer or self.signer, SIGNATURE)


class CmsEachTime(signature._KeyOnceSigner):
    "pyHanko building every CMS with asn1crypto (no template)"
    async_sign = signers.SimpleSigner.async_sign


def use_engine(engine):
    "What ``[lot_facturation] pdf_engine`` in trytond.conf does"
    if not config.has_section('lot_facturation'):
        config.add_section('lot_facturation')
    config.set('lot_facturation', 'pdf_engine', engine)


def timed(func, count, repeat=1, new_pass=None):
    """Invoices per CPU-second and per second of func over range(count):
    a few untimed calls first (caches, lazy imports), then the median of
    repeat passes, each after new_pass()"""
    for i in range(max(count - WARM_UP, 0), count):
        func(i)  # the last ones: evicted from Typst's caches when reached
    passes = []
    for _ in range(repeat):
        if new_pass is not None:
            new_pass()
        start, cpu = time.perf_counter(), time.process_time()
        size = sum(len(func(i)) for i in range(count))
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        passes.append((cpu, wall, size))
    cpu, wall, size = sorted(passes)[len(passes) // 2]
    row = {'per_cpu_s': round(count / cpu, 1),
        'per_s': round(count / wall, 1), 'kb': round(size / count / 1024, 1)}
    if repeat > 1:
        row['passes_per_cpu_s'] = [round(count / c, 1) for c, _, _ in passes]
    return row


def engine_rows(ids):
    Invoice = Pool().get('account.invoice')
    engines = Engines(Invoice.browse(ids))
    n = len(ids)
    rows = {}
    steps = {
        'PDF': lambda e: lambda i: engines.pdf(e, i),
        'PDF/A-3b': lambda e: lambda i: engines.pdf(e, i, VARIANT),
        'PDF/A-3b + Factur-X': lambda e: lambda i: engines.facturx(e, i),
        'PDF/A-3b + Factur-X + signature':
        lambda e: lambda i: engines.signed(e, i),
        'PDF/A-3b + Factur-X + signature, pyHanko CMS each time':
        lambda e: lambda i: engines.signed(e, i, engines.cms_each_time),
        'PDF/A-3b + Factur-X, then signature (two updates)':
        lambda e: lambda i: engines.signed_after(e, i),
        'PDF/A-3b + Factur-X by the library\'s rewrite':
        lambda e: lambda i: engines.facturx_rewritten(e, i),
        'PDF/A-3b + Factur-X by the library\'s rewrite + signature, '
        'pyHanko CMS each time':
        lambda e: lambda i: engines.signed_after(e, i,
            engines.facturx_rewritten, engines.cms_each_time),
        }
    for name, step in steps.items():
        rows[name] = {e: timed(step(e), n, REPEAT[e])
            for e in ['weasyprint', 'typst']}
    rows['typst ways'] = typst_ways(engines, n)
    return rows


def typst_ways(engines, n):
    "Reused compiler, new compiler per invoice, batches of 20 split"
    renderer = engines.typst
    repeat = REPEAT['typst']
    ways = {'reused compiler': timed(
            lambda i: renderer.render(engines.documents[i], engines.labels,
                VARIANT), n, repeat)}

    def fresh(i):
        return pdf_typst.TypstRenderer().render(
            engines.documents[i], engines.labels, VARIANT)
    ways['new compiler per invoice'] = timed(fresh, n, repeat)

    passes = itertools.count()
    suffix = ['']

    def batch(i):
        "Numbered anew each pass: Typst would find the last pass in its cache"
        if i % 20:
            return b''
        documents = [dataclasses.replace(d, number=d.number + suffix[0])
            for d in engines.documents[i:i + 20]]
        pdf = renderer.render_batch(documents, engines.labels, VARIANT)
        return b''.join(split(pdf, len(documents)))

    def new_pass():
        suffix[0] = '-%d' % next(passes)
    ways['one document per 20 invoices, split'] = timed(
        batch, n, repeat, new_pass)
    return ways


def split(pdf, count):
    "The PDF of each invoice of a batch (pages evenly, as in this bench)"
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    per = len(reader.pages) // count
    parts = []
    for k in range(count):
        writer = pypdf.PdfWriter()
        for page in reader.pages[k * per:(k + 1) * per]:
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
        parts.append(out.getvalue())
    return parts


def render_pdfs_rows(ids):
    "Report.render_pdfs end to end, chunks of 20, each engine"
    Invoice = Pool().get('account.invoice')
    Report = Pool().get('lot_facturation.invoice', type='report')
    rows = {}
    for engine in ['weasyprint', 'typst']:
        use_engine(engine)

        def chunk(i):
            if i % 20:
                return b''
            pdfs = Report.render_pdfs(Invoice.browse(ids[i:i + 20]))
            return b''.join(pdfs.values())
        rows[engine] = timed(chunk, len(ids), REPEAT[engine])
    use_engine('weasyprint')
    return rows


def cii_rows(ids):
    """The CII XML (unchecked) per CPU-second: each invoice read alone, as
    Tryton's e-document does, against a send chunk of 20 read together"""
    Invoice = Pool().get('account.invoice')

    def alone(i):
        return Invoice(ids[i]).render_cii()

    def chunk(i):
        if i % 20:
            return b''
        xmls = Invoice.render_ciis(Invoice.browse(ids[i:i + 20]))
        return b''.join(xmls.values())

    def cold():
        "each pass reads the database again, as a send's transaction does"
        for cache in Transaction().cache.values():
            cache.clear()
    return {'invoice by invoice': timed(alone, len(ids), REPEAT['typst'],
            cold),
        'chunks of 20 read together': timed(chunk, len(ids),
            REPEAT['typst'], cold)}


def dump_data(samples):
    "The Typst data of each sample, to preview template edits without Tryton"
    renderer = pdf_typst.renderer()
    documents = build_documents(list(samples.values()))
    for name, document in zip(samples, documents):
        (OUT / ('%s.json' % name)).write_text(json.dumps({
                    'labels': invoice_typst.labels(renderer),
                    'documents': [pdf_typst.document_data(document)]},
                ensure_ascii=False, indent=1))


def look():
    "Both engines' PDFs and PNGs of the sample invoices"
    import pypdfium2
    from tools_invoice_samples import sample_invoices
    from tools_send import setup_company
    env = setup_company()
    Report = Pool().get('lot_facturation.invoice', type='report')
    OUT.mkdir(parents=True, exist_ok=True)
    with set_company(env.company):
        samples = sample_invoices(env)
        for engine in ['weasyprint', 'typst']:
            use_engine(engine)
            pdfs = Report.render_pdfs(list(samples.values()))
            if engine == 'typst':
                dump_data(samples)
            for name, invoice in samples.items():
                pdf = pdfs[invoice.id]
                (OUT / ('%s-%s.pdf' % (name, engine))).write_bytes(pdf)
                for k, page in enumerate(pypdfium2.PdfDocument(pdf), 1):
                    page.render(scale=1.5).to_pil().save(
                        OUT / ('%s-%s-p%d.png' % (name, engine, k)))
        use_engine('weasyprint')
    print('\n'.join(sorted(str(p) for p in OUT.glob('*.png'))))


def main():
    if '--look' in sys.argv:
        with committed_database() as run:
            run(look)
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    results = {'invoices': n}
    with committed_database() as run:
        started = time.perf_counter()
        company, ids = run(make_invoices, n)
        results['setup_s'] = round(time.perf_counter() - started, 1)
        results['load_average'] = os.getloadavg()[0]
        ctx = {'company': company}
        results['engines'] = run(engine_rows, ids,
            context=dict(ctx, language='fr'))
        results['render_pdfs'] = run(render_pdfs_rows, ids, context=ctx)
        results['cii'] = run(cii_rows, ids, context=dict(ctx, language='fr'))
        results['load_average_end'] = os.getloadavg()[0]
    out = HERE / 'out'
    out.mkdir(exist_ok=True)
    (out / 'pdf_engines.json').write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == '__main__':
    main()
