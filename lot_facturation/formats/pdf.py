# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""HTML to PDF with WeasyPrint, fast for many documents.

Parsing the stylesheet and loading the fonts cost more than laying out a
one-page invoice, so both are done once per process and reused: the
stylesheet is given to WeasyPrint as a parsed ``CSS`` object sharing one
``FontConfiguration``.  Remote resources are never fetched.
"""
import functools

import weasyprint
from weasyprint.text.fonts import FontConfiguration


def _no_fetch(url, *args, **kwargs):
    raise ValueError('lot_facturation invoices load no external resource')


@functools.lru_cache(maxsize=8)
def _stylesheet(css_text):
    font_config = FontConfiguration()
    css = weasyprint.CSS(
        string=css_text, font_config=font_config, url_fetcher=_no_fetch)
    return css, font_config


def html_to_pdf(html, css_text, variant=None):
    """Render one HTML document with the stylesheet into PDF bytes,
    as the PDF variant asked (e.g. 'pdf/a-3b' for Factur-X)"""
    css, font_config = _stylesheet(css_text)
    document = weasyprint.HTML(
        string=html, url_fetcher=_no_fetch).render(
        stylesheets=[css], font_config=font_config)
    if variant:
        return document.write_pdf(pdf_variant=variant)
    return document.write_pdf()
