# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Batches run without a person: the nightly task and the command line (B8).

A batch marked *scheduled* is a template: the cron
``account.invoice.batch|run_scheduled`` copies it with today's reference date
and runs the copy headless (preview, generation, posting if asked), like
Sage's FUNAUTINVC task; it first finishes the stalled batches of the
company (``lease.py``).  The command line launches a batch in one
transaction (created, previewed, numbered, started: a refused batch leaves
nothing behind), then generates it chunk by chunk.
"""

from trytond.model import fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from ..exceptions import BatchError
from ..common.runner import in_new_transaction


class BatchHeadless:
    "Batches run by the scheduled task and the command line (B8)."
    __slots__ = ()

    scheduled = fields.Boolean(
        "Run Automatically",
        states={'readonly': Eval('state') != 'draft'},
        help="Use this batch as a template: the scheduled task copies it "
        "every time it runs, with that day's reference date, and generates "
        "the copy.")
    template = fields.Many2One(
        'account.invoice.batch', "Template", readonly=True,
        ondelete='SET NULL')

    @classmethod
    def default_scheduled(cls):
        return False

    @classmethod
    def copy(cls, batches, default=None):
        default = default.copy() if default else {}
        default.setdefault('scheduled', False)
        default.setdefault('template')
        return super().copy(batches, default=default)

    @classmethod
    def run_scheduled(cls):
        "Cron: run a copy of every scheduled template of the company."
        pool = Pool()
        Date = pool.get('ir.date')
        company = Transaction().context.get('company')
        cls.resume_stalled()
        templates = cls.search([
                ('scheduled', '=', True),
                ('state', '=', 'draft'),
                ('company', '=', company),
                ])
        for template in templates:
            batch_id = in_new_transaction(
                cls._copy_template, template.id, Date.today())
            cls.run_headless(batch_id)

    @classmethod
    def _copy_template(cls, template_id, date):
        template = cls(template_id)
        batch, = cls.copy([template], default={
                'reference_date': date,
                'name': f'{template.name} {date.isoformat()}',
                'template': template.id,
                })
        return batch.id

    @classmethod
    def run_headless(cls, batch_id, on_progress=None, force=False):
        """Preview then generate a batch; return it after the run.

        Without ``force`` a warning stops the run (it is recorded on the
        batch); errors are recorded the same way.
        """
        try:
            in_new_transaction(cls._headless_preview, batch_id, force)
        except BatchError as error:
            in_new_transaction(cls._headless_failed, batch_id, error.message)
            return in_new_transaction(cls._state, batch_id)
        except Exception as error:
            message = getattr(error, 'message', str(error))
            in_new_transaction(cls._headless_failed, batch_id, message)
            return in_new_transaction(cls._state, batch_id)
        token = in_new_transaction(cls._mark_running, batch_id)
        cls.run_generation(
            [batch_id], on_progress=on_progress, token=token)
        return in_new_transaction(cls._state, batch_id)

    @classmethod
    def launch(cls, values, force=False):
        """Create, preview, number and start a batch in one transaction.

        Return (batch id, lease token).  A refusal (error, or warning
        without ``force``) rolls everything back: no draft batch stays and
        no batch number is used.
        """
        with Transaction().set_context(
                _skip_warnings=force, _lot_facturation_number_later=True):
            batch, = cls.create([values])
            cls.preview([batch])
        cls.set_number([batch])
        cls.run([batch])
        return batch.id, cls(batch.id).run_token

    @classmethod
    def _headless_preview(cls, batch_id, force):
        with Transaction().set_context(_skip_warnings=force):
            cls.preview(cls.browse([batch_id]))

    @classmethod
    def _headless_failed(cls, batch_id, message):
        batch = cls(batch_id)
        batch.message = message
        batch.save()

    @classmethod
    def _mark_running(cls, batch_id):
        batch = cls(batch_id)
        cls.run([batch])
        return cls(batch_id).run_token

    @classmethod
    def _state(cls, batch_id):
        batch = cls(batch_id)
        return {
            'state': batch.state, 'number': batch.number,
            'message': batch.message,
            'invoices': len(batch.invoices),
            'draft': batch.draft_invoice_count,
            'untaxed_amount': batch.untaxed_amount,
            'tax_amount': batch.tax_amount,
            'total_amount': batch.total_amount,
            'currency': batch.company.currency.code,
            }
