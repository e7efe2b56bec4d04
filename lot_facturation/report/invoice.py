# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""French customer invoice as PDF: HTML template + WeasyPrint (SPEC S3).

Registered as its own report on ``account.invoice`` beside Tryton's stock
ODT invoice.  ``render_pdfs`` is the bulk path of the send processing: one
template, one stylesheet and one font set for all the invoices.
"""
import io
import pathlib

import pypdf

from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

from ..formats.pdf import html_to_pdf
from . import invoice_typst
from .invoice_data import (
    build_documents, in_their_languages, invoice_language)

CSS_TEXT = (pathlib.Path(__file__).parent / 'invoice.css').read_text()


class InvoiceReport(Report):
    __name__ = 'lot_facturation.invoice'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        context = super().get_context(records, header, data)
        invoices = Invoice.browse([r.id for r in records])
        context['documents'] = build_documents(invoices)
        return context

    @classmethod
    def execute(cls, ids, data):
        """One PDF for many invoices (to print them), unless data asks
        for a ZIP of one PDF per invoice (``zip``)"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        if len(ids) > 1 and not data.get('zip'):
            return cls._execute_combined(ids, data)
        # Render in the customer's language
        invoices = Invoice.browse(ids[:1])
        language = invoice_language(invoices[0]) if invoices else None
        with Transaction().set_context(
                language=language or Transaction().language):
            return super().execute(ids, data)

    @classmethod
    def convert(cls, report, data, **kwargs):
        if (report.template_extension == 'html'
                and report.extension == 'pdf'):
            return 'pdf', html_to_pdf(data, CSS_TEXT)
        return super().convert(report, data, **kwargs)

    @classmethod
    def _execute(cls, records, header, data, action):
        if invoice_typst.pdf_engine() != 'typst':
            return super()._execute(records, header, data, action)
        invoices = Pool().get('account.invoice').browse(
            [r.id for r in records])
        pdfs = cls.render_pdfs(invoices)
        return 'pdf', _concatenate([pdfs[i.id] for i in invoices])

    @classmethod
    def _action_report(cls):
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        action, = ActionReport.search([
                ('report_name', '=', cls.__name__),
                ], limit=1)
        return action

    @classmethod
    def _execute_combined(cls, ids, data):
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        Invoice = pool.get('account.invoice')
        if data.get('action_id') is not None:
            action = ActionReport(data['action_id'])
        else:
            action = cls._action_report()
        cls.check_access(action, action.model, ids)
        pdfs = cls.render_pdfs(Invoice.browse(ids))
        return ('pdf', _concatenate([pdfs[i] for i in ids]),
            bool(action.direct_print),
            '%s-%s' % (action.name, len(ids)))

    @classmethod
    def render_pdfs(cls, invoices, variant=None):
        """Return the PDF bytes of each invoice by id, in bulk (variant:
        the PDF variant, e.g. 'pdf/a-3b')"""
        if invoice_typst.pdf_engine() == 'typst':
            return invoice_typst.render_pdfs(invoices, variant=variant)
        action = cls._action_report()
        result = {}
        for group in in_their_languages(invoices):
            documents = build_documents(group)
            base = super(InvoiceReport, cls).get_context([], {}, {})
            for invoice, document in zip(group, documents):
                context = dict(base, documents=[document],
                    record=invoice, records=[invoice])
                html = cls.render(action, context)
                result[invoice.id] = html_to_pdf(
                    html, CSS_TEXT, variant=variant)
        return result

    @classmethod
    def filename(cls, invoice):
        return 'facture-%s.pdf' % (invoice.number or invoice.id)


def _concatenate(pdfs):
    "One PDF of the pages of pdfs, in order"
    if len(pdfs) == 1:
        return pdfs[0]
    writer = pypdf.PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
    content = io.BytesIO()
    writer.write(content)
    return content.getvalue()
