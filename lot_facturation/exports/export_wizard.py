# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Wizard "Exporter les factures" (SPEC E2, seed 002): from selected
invoices or from batches, to CSV, QuickBooks (Online CSV, Desktop IIF) or
Xero; the exported invoices become *Exported*."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard

from ..exceptions import ExportError
from .accounting_export import EXPORTABLE_STATES

FORMATS = [
    ('csv', "CSV"),
    ('qbo', "QuickBooks Online (CSV)"),
    ('iif', "QuickBooks Desktop (IIF)"),
    ('xero', "Xero (CSV)"),
    ]


class ExportStart(ModelView):
    __name__ = 'account.invoice.accounting_export.start'

    format = fields.Selection(FORMATS, "Format", required=True, sort=False)
    count = fields.Integer("Invoices to Export", readonly=True)

    @classmethod
    def default_format(cls):
        return 'csv'


class ExportResult(ModelView):
    __name__ = 'account.invoice.accounting_export.result'

    file = fields.Binary("File", filename='file_name', readonly=True)
    file_name = fields.Char("File Name", readonly=True)
    message = fields.Text("Result", readonly=True)


class Export(Wizard):
    __name__ = 'account.invoice.accounting_export'

    start = StateView('account.invoice.accounting_export.start',
        'lot_facturation.accounting_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView('account.invoice.accounting_export.result',
        'lot_facturation.accounting_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def invoices(self):
        "The posted customer invoices of the selection or of the batches"
        if self.model and self.model.__name__ == 'account.invoice.batch':
            invoices = [i for b in self.records for i in b.invoices]
        elif self.model and self.model.__name__ == 'account.invoice':
            invoices = list(self.records)
        else:
            invoices = []
        return [i for i in invoices
            if i.type == 'out' and i.state in EXPORTABLE_STATES]

    def default_start(self, fields):
        return {'count': len(self.invoices())}

    def transition_export(self):
        Invoice = Pool().get('account.invoice')
        invoices = self.invoices()
        if not invoices:
            raise ExportError(gettext('lot_facturation.msg_export_no_invoice'))
        filename, data = Invoice.export_accounting(
            invoices, self.start.format)
        self.result.file = data
        self.result.file_name = filename
        self.result.message = gettext('lot_facturation.msg_export_done',
            count=len(invoices), file=filename)
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'file_name': self.result.file_name,
            'message': self.result.message,
            }
