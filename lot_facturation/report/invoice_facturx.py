# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The invoice as a Factur-X PDF (SPEC C1): printable from any posted
customer invoice; a ZIP of one file per invoice when several are asked.
Each XML passes the validation gate first: if any invoice is blocked,
nothing is printed and the error says, invoice by invoice, what to fix."""
import io
import zipfile

from trytond.pool import Pool
from trytond.report import Report

from ..exceptions import EInvoiceError


class InvoiceFacturXReport(Report):
    __name__ = 'lot_facturation.invoice_facturx'

    @classmethod
    def execute(cls, ids, data):
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        Invoice = pool.get('account.invoice')
        action, = ActionReport.search([
                ('report_name', '=', cls.__name__),
                ], limit=1)
        cls.check_access(action, action.model, ids)
        invoices = Invoice.browse(ids)
        checked = Invoice.check_structured(invoices)
        blocked = [i.blocked_message(checked[i.id]) for i in invoices
            if not checked[i.id].ok]
        if blocked:
            raise EInvoiceError('\n\n'.join(blocked))
        pdfs = Invoice.render_facturx(
            invoices, {i: c.xml for i, c in checked.items()})
        if len(invoices) == 1:
            invoice, = invoices
            return ('pdf', pdfs[invoice.id], False,
                'facturx-%s' % (invoice.number or invoice.id))
        content = io.BytesIO()
        with zipfile.ZipFile(content, 'w') as archive:
            for invoice in invoices:
                archive.writestr(
                    'facturx-%s.pdf' % (invoice.number or invoice.id),
                    pdfs[invoice.id])
        return ('zip', content.getvalue(), False,
            '%s-%s' % (action.name, len(ids)))
