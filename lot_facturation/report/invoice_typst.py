# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The French invoice PDF through Typst (issue 14): same documents and same
translations as the HTML report, a few ms per invoice instead of ~100.

Selected by ``[lot_facturation] pdf_engine = typst`` in trytond.conf
(default ``weasyprint``).
"""

import trytond.config as config
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..formats import pdf_typst
from .invoice_data import build_documents, in_their_languages

REPORT_NAME = 'lot_facturation.invoice'
ENGINES = {'weasyprint', 'typst'}


def pdf_engine():
    "The engine of the invoice PDFs set in the configuration file"
    engine = config.get('lot_facturation', 'pdf_engine',
        default='weasyprint').strip().lower()
    return engine if engine in ENGINES else 'weasyprint'


def labels(renderer):
    """The template's fixed texts in the transaction's language, from the
    report translations of the HTML invoice (locale/fr.po)"""
    Translation = Pool().get('ir.translation')
    return {text: Translation.get_report(REPORT_NAME, text)
        for text in renderer.labels}


def iso_language(code):
    "ISO 639 code of a Tryton language code ('fr', 'pt_BR' → 'pt')"
    return (code or 'fr').split('_')[0].lower()


def render_pdfs(invoices, variant=None):
    """Return the PDF bytes of each invoice by id, each in its customer's
    language (variant: 'pdf/a-3b' for Factur-X)"""
    renderer = pdf_typst.renderer()
    result = {}
    for group in in_their_languages(invoices):
        texts = labels(renderer)
        pdfs = renderer.render_many(build_documents(group), texts,
            variant=variant, lang=iso_language(Transaction().language))
        result.update(zip((i.id for i in group), pdfs))
    return result
