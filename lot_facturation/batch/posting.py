# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Posting a batch's draft invoices, and undoing a batch (B6, B7).

Invoices are posted by Tryton's own ``account.invoice.post``, in chunks, in
invoice-date order (the numbering is gapless and dated).  A chunk that fails
is posted again invoice by invoice so that one bad invoice is reported
without stopping the others.  A chunk waits its turn for the strict
sequence another transaction holds (the runner's bounded lock wait); after
the wait, posting stops with a message and the batch can be run again.
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..common.notices import summary, user_language
from ..common.runner import ChunkRunner, Superseded, in_new_transaction
from ..common.sql import browse_slices, search_ids
from ..exceptions import LockWaitError

POST_CHUNK_SIZE = 100


class BatchPosting:
    "Posting a batch's drafts and undoing a batch (B6, B7)."
    __slots__ = ()

    @classmethod
    def post_drafts(cls, batch_id, invoice_date=None, runner=None):
        """Post the draft invoices of the batch.

        ``invoice_date`` (B7 confirmation) replaces the date of the drafts.
        Returns (errors, notices): invoices that failed to post, and
        invoices kept in draft on purpose (SEPA mandate missing).
        """
        runner = runner or ChunkRunner()
        ids, notices = runner(cls._postable_invoices, batch_id, invoice_date)
        errors = []
        done = 0
        runner(cls.set_progress, batch_id, 'posting', done, len(ids))
        for chunk in cls._post_chunks(ids):
            try:
                errors.extend(cls._post_or_split(runner, chunk))
            except LockWaitError as error:
                if not runner.commits:
                    raise
                errors.append(gettext('lot_facturation.msg_batch_post_lock',
                        error=error.message,
                        count=runner(cls._draft_count, batch_id)))
                break
            done += len(chunk)
            runner(cls.set_progress, batch_id, 'posting', done, len(ids))
        runner(cls._posted, batch_id)
        return errors, notices

    @classmethod
    def _post_or_split(cls, runner, chunk):
        "Post a chunk; when it fails, each of its invoices alone."
        try:
            runner(cls._post_chunk, chunk)
            return []
        except (Superseded, LockWaitError):
            raise
        except Exception:
            if not runner.commits:
                raise
        errors = []
        for invoice_id in chunk:
            try:
                runner(cls._post_chunk, [invoice_id])
            except (Superseded, LockWaitError):
                raise
            except Exception as error:
                errors.append(runner(cls._post_error, invoice_id, error))
        return errors

    @classmethod
    def _draft_count(cls, batch_id):
        Invoice = Pool().get('account.invoice')
        return Invoice.search_count([
                ('batch', '=', batch_id), ('state', '=', 'draft')])

    @staticmethod
    def _post_chunks(ids):
        "A first chunk of one invoice learns the locks posting needs."
        if ids:
            yield ids[:1]
        for chunk in grouped_slice(ids[1:], POST_CHUNK_SIZE):
            yield list(chunk)

    @classmethod
    def _postable_invoices(cls, batch_id, invoice_date):
        "Drafts in posting order, 1,000 at a time; those without mandate apart."
        pool = Pool()
        Invoice = pool.get('account.invoice')
        ids = search_ids(Invoice, [
                ('batch', '=', batch_id),
                ('state', '=', 'draft'),
                ], order=[('invoice_date', 'ASC'), ('id', 'ASC')])
        postable, errors = [], []
        for sub_ids in grouped_slice(ids, 1000):
            drafts = Invoice.browse(sub_ids)
            if invoice_date:
                to_date = [i for i in drafts if i.invoice_date != invoice_date]
                if to_date:
                    Invoice.write(to_date, {'invoice_date': invoice_date})
            errors.extend(i.mandate_missing_message()
                for i in drafts if i.mandate_missing)
            postable.extend(i.id for i in drafts if not i.mandate_missing)
        return postable, errors

    @classmethod
    def _post_chunk(cls, invoice_ids):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        # Records keep the context they are read in: their saves must skip
        # the recomputation of the taxes too.
        with Transaction().set_context(
                _skip_warnings=True, _lot_facturation_posting=True):
            Invoice.post(Invoice.browse(invoice_ids))

    @classmethod
    def _post_error(cls, invoice_id, error):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        message = getattr(error, 'message', None) or str(error)
        return gettext('lot_facturation.msg_batch_post_error',
            invoice=Invoice(invoice_id).label, error=message)

    @classmethod
    def _posted(cls, batch_id):
        batch = cls(batch_id)
        batch.posted_by = Transaction().user
        batch.posted_at = dt.datetime.now()
        batch.save()

    @classmethod
    def run_post(cls, batches, invoice_date=None):
        "Queued by the post-all wizard: post and report (B7)."
        with Transaction().set_context(language=user_language()):
            for batch in batches:
                errors, notices = cls.post_drafts(batch.id, invoice_date)
                in_new_transaction(
                    cls._report_post, batch.id, errors + notices)

    @classmethod
    def _report_post(cls, batch_id, errors):
        batch = cls(batch_id)
        label = gettext('lot_facturation.msg_batch_post_done',
            batch=batch.rec_name)
        if errors:
            batch.message = '\n'.join(errors)
            batch.save()
        cls.notify_user([batch], 'tryton-info', label,
            description=summary(errors),
            user=(batch.posted_by or batch.generated_by).id
            if (batch.posted_by or batch.generated_by) else None)

    def undo(self):
        "Cancel: delete the draft invoices; their schedules are due again."
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Proposal = pool.get('account.invoice.batch.proposal')
        posted = Invoice.search([
                ('batch', '=', self.id),
                ('state', 'not in', ['draft', 'cancelled']),
                ], order=[('id', 'ASC')], limit=1)
        if posted:
            raise AccessError(gettext(
                    'lot_facturation.msg_batch_cancel_posted',
                    batch=self.rec_name, invoice=posted[0].rec_name,
                    count=Invoice.search_count([
                            ('batch', '=', self.id),
                            ('state', 'not in', ['draft', 'cancelled']),
                            ])))
        for invoices in browse_slices(Invoice,
                search_ids(Invoice, [('batch', '=', self.id)])):
            Invoice.delete(invoices)
        for proposals in browse_slices(Proposal,
                search_ids(Proposal, [('batch', '=', self.id)])):
            Proposal.write(proposals, {
                    'invoice': None, 'outcome': 'pending', 'selected': True})
        self.progress = 0
        self.message = None
        self.save()

    @classmethod
    def remove_invoices(cls, invoices):
        """Take draft invoices out of their batch (B6).

        The invoice is deleted, its schedules and charges are due again and
        its proposal is unselected so that re-running the batch does not
        create it again.
        """
        pool = Pool()
        Invoice = pool.get('account.invoice')
        not_draft = [i for i in invoices if i.state != 'draft']
        if not_draft:
            raise AccessError(gettext(
                    'lot_facturation.msg_batch_remove_draft',
                    invoice=not_draft[0].rec_name))
        Invoice.delete(invoices)
