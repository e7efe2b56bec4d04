# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Factur-X invoices: the French PDF (PDF/A-3) with its CII XML (SPEC C1).

``render_facturx`` is the bulk path used by the print and the Chorus
export: one WeasyPrint pass per language group, then one XML per invoice,
each through the validation gate (``structured.py``).
"""
from trytond.i18n import gettext
from trytond.pool import Pool

from ..formats import facturx
from ..exceptions import ChorusError

PDF_VARIANT = 'pdf/a-3b'


class InvoiceFacturX:
    "Factur-X PDF and CII XML of posted customer invoices (C1)."
    __slots__ = ()

    def facturx_xml(self):
        "The validated CII XML of the invoice: see structured_invoice()"
        return self.structured_invoice()

    def check_cii_renderable(self):
        "Raise ChorusError unless the invoice is a posted customer invoice"
        if self.type != 'out' or self.state not in {'posted', 'paid'}:
            raise ChorusError(gettext(
                    'lot_facturation.msg_chorus_not_posted',
                    invoice=self.rec_name))

    @classmethod
    def render_facturx(cls, invoices, xmls=None, sign=False):
        """Return the Factur-X PDF bytes of each invoice by id; xmls: their
        validated XML by id when the caller ran the gate already (else it
        runs here and raises EInvoiceError on the first blocked one); sign:
        signed with the company's certificate when it has one (C2), in the
        update that attaches the XML"""
        pool = Pool()
        Report = pool.get('lot_facturation.invoice', type='report')
        if xmls is None:
            xmls = cls.structured_invoices(invoices)
        signatures = cls.pdf_signatures(invoices) if sign else {}
        pdfs = Report.render_pdfs(invoices, variant=PDF_VARIANT)
        result = {}
        for invoice in invoices:
            signer, info = signatures.get(invoice.id, (None, None))
            result[invoice.id] = facturx.embed(
                pdfs[invoice.id], xmls[invoice.id],
                title=gettext('lot_facturation.msg_chorus_pdf_title',
                    number=invoice.number),
                author=invoice.company.party.name,
                subject=invoice.party.name,
                lang=cls._facturx_lang(invoice),
                signer=signer, signature_info=info)
        return result

    @staticmethod
    def _facturx_lang(invoice):
        lang = invoice.party.lang or invoice.company.party.lang
        code = lang.code if lang else 'fr'
        return code.replace('_', '-')
