# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Invoice documents to PDF with Typst (PyPI ``typst``), fast (issue 14).

WeasyPrint spends ~100 ms of CPU on a one-page invoice; Typst lays the same
invoice out in a few ms.  The template (``report/invoice.typ``) is an
ordinary Typst file an integrator can edit: it gets the documents as JSON
in ``sys.inputs`` (no Typst code is generated, so nothing is escaped by
hand).  One ``Compiler`` (its fonts and caches) is reused for every
invoice of the process.

Fonts are reproducible: only DejaVu Sans from Debian's ``fonts-dejavu-core``
(``/usr/share/fonts/truetype/dejavu``, the font of the HTML invoice) and the
fonts shipped inside the typst wheel are visible; system fonts are ignored
and nothing is downloaded.
"""
import dataclasses
import json
import os
import pathlib
import re
import sys
import threading

import typst

TEMPLATE = pathlib.Path(__file__).resolve().parent.parent / (
    'report/invoice.typ')
FONT_DIRS = ['/usr/share/fonts/truetype/dejavu']  # Debian fonts-dejavu-core
FONT_FAMILY = 'DejaVu Sans'
FONT_PACKAGE = 'fonts-dejavu-core'
# PDF/A-3b asks for no structure tags; with them the PDF is 50 % larger and
# the factur-x library (pypdf copying every object) 4x slower to embed
PDF_TAGS = False
PDF_STANDARDS = {'pdf/a-3b': 'a-3b', 'a-3b': 'a-3b'}
_PACKAGE = re.compile(r'"@[\w-]+/')  # "@preview/name:1.0"
_COMMENT_LINE = re.compile(r'^\s*//.*$', re.MULTILINE)
_LABEL = re.compile(r'\bl\("((?:[^"\\]|\\.)*)"\)')


class TypstPdfError(Exception):
    "The Typst template or its fonts cannot make the invoice PDF"


def template_labels(source):
    """The fixed English texts of a template: the arguments of its
    ``l("...")`` calls outside comment lines, to be translated by the
    caller"""
    code = _COMMENT_LINE.sub('', source)
    return sorted({json.loads('"%s"' % m) for m in _LABEL.findall(code)})


def document_data(document):
    "Plain JSON-able data of an InvoiceDocument (tuples become lists)"
    return dataclasses.asdict(document)


class TypstRenderer:
    """A compiled template and its fonts, reused for many invoices.

    Thread-safe (one compile at a time per renderer)."""

    def __init__(self, template=TEMPLATE, font_dirs=FONT_DIRS):
        self.template = pathlib.Path(template)
        source = self.template.read_text(encoding='utf-8')
        if _PACKAGE.search(source):
            raise TypstPdfError(
                '%s imports a Typst package: packages are downloaded, '
                'which invoices must never do' % self.template)
        self.labels = template_labels(source)
        fonts = typst.Fonts(include_system_fonts=False,
            include_embedded_fonts=True,
            font_paths=[d for d in font_dirs if pathlib.Path(d).is_dir()])
        if FONT_FAMILY not in fonts.families():
            raise TypstPdfError('font %s not found in %s: install the '
                'Debian package %s' % (FONT_FAMILY, font_dirs, FONT_PACKAGE))
        self._compiler = typst.Compiler(str(self.template),
            root=str(self.template.parent), font_paths=fonts,
            ignore_system_fonts=True)
        self._lock = threading.Lock()

    def render(self, document, labels=None, variant=None, title='',
            lang='fr'):
        """Return the PDF bytes of one InvoiceDocument (variant: 'pdf/a-3b'
        for Factur-X, else plain PDF; lang: ISO 639 code of its texts)"""
        return self.render_batch([document], labels, variant, title, lang)

    def render_batch(self, documents, labels=None, variant=None, title='',
            lang='fr'):
        """Return one PDF holding documents one after the other, each with
        its own page numbering"""
        data = {'labels': labels or {}, 'title': title or None,
            'lang': lang, 'documents': [document_data(d) for d in documents]}
        return self.compile_data(data, variant)

    def compile_data(self, data, variant=None):
        "Return the PDF of the template on data, the JSON-able dict"
        standards = []
        if variant:
            if variant not in PDF_STANDARDS:
                raise TypstPdfError('PDF variant %s not supported' % variant)
            standards = [PDF_STANDARDS[variant]]
        with self._lock:
            try:
                return self._compiler.compile(
                    sys_inputs={'data': json.dumps(data)},
                    pdf_standards=standards, pdf_tags=PDF_TAGS)
            except typst.TypstError as exception:
                raise TypstPdfError(str(exception)) from exception

    def render_many(self, documents, labels=None, variant=None, lang='fr'):
        "Return the PDF bytes of each document, in order"
        return [self.render(d, labels, variant, title=d.title + ' '
                + d.number, lang=lang) for d in documents]


_RENDERERS = {}


def renderer(template=TEMPLATE):
    """The renderer of template shared by the process (one per process:
    a compiler made before a fork is not used by the forked workers)"""
    key = (str(template), os.getpid())
    if key not in _RENDERERS:
        _RENDERERS[key] = TypstRenderer(template)
    return _RENDERERS[key]


def main(argv=None):
    """Preview a template by hand, without Tryton:
    python -m trytond.modules.lot_facturation.formats.pdf_typst \\
        data.json out.pdf [template.typ]
    data.json being {"labels": {...}, "documents": [...]}"""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) not in {2, 3}:
        print(main.__doc__, file=sys.stderr)
        return 2
    data = json.loads(pathlib.Path(argv[0]).read_text(encoding='utf-8'))
    renderer = TypstRenderer(argv[2] if len(argv) == 3 else TEMPLATE)
    pathlib.Path(argv[1]).write_bytes(
        renderer.compile_data(data, 'pdf/a-3b'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
