# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Wizard "Importer un retour Chorus Pro" (SPEC C4): the return file of the
EDI flow updates each invoice's exchange log and Chorus Pro status."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard


class ChorusReturnStart(ModelView):
    __name__ = 'account.invoice.chorus_return.start'

    file = fields.Binary("Return File", required=True, filename='file_name',
        help="CSV file: numero_facture;statut;date;message.")
    file_name = fields.Char("File Name")


class ChorusReturnResult(ModelView):
    __name__ = 'account.invoice.chorus_return.result'

    message = fields.Text("Result", readonly=True)


class ChorusReturn(Wizard):
    __name__ = 'account.invoice.chorus_return'

    start = StateView('account.invoice.chorus_return.start',
        'lot_facturation.chorus_return_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    result = StateView('account.invoice.chorus_return.result',
        'lot_facturation.chorus_return_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_import_(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Company = pool.get('company.company')
        company = Company(Transaction().context['company'])
        exchanges = Invoice.import_chorus_return(
            bytes(self.start.file), company)
        self.result.message = gettext(
            'lot_facturation.msg_chorus_return_done',
            count=len(exchanges),
            invoices=len({e.invoice for e in exchanges}))
        return 'result'

    def default_result(self, fields):
        return {'message': self.result.message}
