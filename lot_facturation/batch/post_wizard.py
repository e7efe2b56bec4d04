# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Post all draft invoices of a batch (estampiller toutes les factures en
édition), after confirming the invoice date (B7)."""
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard


class BatchPostStart(ModelView):
    __name__ = 'account.invoice.batch.post.start'

    invoice_date = fields.Date(
        "Invoice Date", required=True,
        help="The date of every invoice posted.")
    count = fields.Integer("Draft Invoices", readonly=True)


class BatchPost(Wizard):
    __name__ = 'account.invoice.batch.post'
    start = StateView('account.invoice.batch.post.start',
        'lot_facturation.batch_post_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Post", 'post', 'tryton-ok', default=True),
            ])
    post = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        domain = [
            ('batch', '=', self.record.id),
            ('state', '=', 'draft'),
            ]
        last = Invoice.search(
            domain, order=[('invoice_date', 'DESC')], limit=1)
        return {
            'invoice_date': (last[0].invoice_date if last else None)
            or self.record.reference_date,
            'count': Invoice.search_count(domain),
            }

    def transition_post(self):
        Batch = Pool().get('account.invoice.batch')
        Batch.__queue__.run_post([self.record], self.start.invoice_date)
        return 'end'
