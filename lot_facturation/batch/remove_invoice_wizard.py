# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"Take draft invoices out of their batch; their items are due again (B6)."
from trytond.pool import Pool
from trytond.wizard import StateTransition, Wizard


class BatchRemoveInvoice(Wizard):
    __name__ = 'account.invoice.batch.remove_invoice'
    start = StateTransition()

    def transition_start(self):
        Batch = Pool().get('account.invoice.batch')
        Batch.remove_invoices(self.records)
        return 'end'

    def end(self):
        return 'reload'
