# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Factur-X invoices: the French PDF (PDF/A-3) with its CII XML (SPEC C1).

``render_facturx`` is the bulk path used by the Chorus export: one
WeasyPrint pass per language group, then one XML per invoice.
"""
from trytond.i18n import gettext
from trytond.pool import Pool

from ..formats import facturx
from .edocument import FACTURX_TEMPLATE
from ..exceptions import ChorusError

PDF_VARIANT = 'pdf/a-3b'


class InvoiceFacturX:
    "Factur-X PDF and CII XML of posted customer invoices (C1)."
    __slots__ = ()

    def facturx_xml(self):
        "The CII XML (Factur-X EN 16931) of the posted customer invoice"
        pool = Pool()
        EDocument = pool.get('edocument.uncefact.invoice')
        if self.type != 'out' or self.state not in {'posted', 'paid'}:
            raise ChorusError(gettext(
                    'lot_facturation.msg_chorus_not_posted',
                    invoice=self.rec_name))
        xml = EDocument(self).render(FACTURX_TEMPLATE)
        try:
            facturx.check_xml(xml)
        except facturx.FacturXError as exception:
            raise ChorusError(gettext(
                    'lot_facturation.msg_chorus_facturx_invalid',
                    invoice=self.rec_name, error=str(exception)))
        return xml

    @classmethod
    def render_facturx(cls, invoices):
        "Return the Factur-X PDF bytes of each invoice by id"
        pool = Pool()
        Report = pool.get('lot_facturation.invoice', type='report')
        xmls = {i.id: i.facturx_xml() for i in invoices}
        pdfs = Report.render_pdfs(invoices, variant=PDF_VARIANT)
        result = {}
        for invoice in invoices:
            result[invoice.id] = facturx.embed(
                pdfs[invoice.id], xmls[invoice.id],
                title=gettext('lot_facturation.msg_chorus_pdf_title',
                    number=invoice.number),
                author=invoice.company.party.name,
                subject=invoice.party.name,
                lang=cls._facturx_lang(invoice))
        return result

    @staticmethod
    def _facturx_lang(invoice):
        lang = invoice.party.lang or invoice.company.party.lang
        code = lang.code if lang else 'fr'
        return code.replace('_', '-')
