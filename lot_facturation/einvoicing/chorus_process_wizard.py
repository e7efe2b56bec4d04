# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Processing "Récupérer les factures à destination de Chorus" (SPEC C3) of
the wizard "Imprimer ou traiter les factures client".

Selects the sent (or ready) invoices not yet exported to Chorus Pro, builds
the ZIP of their signed Factur-X PDFs and shows the export, whose file the
user downloads (and which the EDI connector finds in the outbox, C4).
"""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval


class ProcessStart(metaclass=PoolMeta):
    __name__ = 'account.invoice.process.start'

    def domain(self):
        domain = super().domain()
        if self.processing == 'chorus':
            domain.append(('chorus_export', '=', None))
        return domain


class ProcessResult(metaclass=PoolMeta):
    __name__ = 'account.invoice.process.result'

    chorus_export = fields.Many2One(
        'account.invoice.chorus_export', "Chorus Export", readonly=True,
        states={'invisible': ~Eval('chorus_export')})
    chorus_file = fields.Function(fields.Binary(
            "ZIP File", filename='chorus_file_name',
            states={'invisible': ~Eval('chorus_export')}),
        'on_change_with_chorus_file')
    chorus_file_name = fields.Function(
        fields.Char("ZIP File Name"), 'on_change_with_chorus_file_name')

    @fields.depends('chorus_export')
    def on_change_with_chorus_file(self, name=None):
        return self.chorus_export.file if self.chorus_export else None

    @fields.depends('chorus_export')
    def on_change_with_chorus_file_name(self, name=None):
        return self.chorus_export.file_name if self.chorus_export else None


class Process(metaclass=PoolMeta):
    __name__ = 'account.invoice.process'

    def process_chorus(self, invoices):
        Invoice = Pool().get('account.invoice')
        export = Invoice.export_chorus(invoices)
        self.result.chorus_export = export
        self.result.message = '\n\n'.join(filter(None, [gettext(
                    'lot_facturation.msg_chorus_export_done',
                    count=export.invoice_count, file=export.file_name),
                export.blocked]))
        return 'result'

    def default_result(self, fields):
        values = super().default_result(fields)
        export = getattr(self.result, 'chorus_export', None)
        if export:
            values['chorus_export'] = export.id
        return values
