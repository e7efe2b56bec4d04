# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Send the invoices of a batch by e-mail, in the background (SPEC S5).

Seed 000: "Envoyer les factures par courriel" on the batch: count of the
invoices to send, option to mark the e-mailed invoices as printed,
editable subject and body, then the processing runs in the queue.
"""
import datetime
import logging
from collections import Counter

from trytond.i18n import gettext
from trytond.model import ModelView
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from ..common.notices import summary, user_language
from ..common.runner import in_new_transaction
from .send_report import counts, error_lines

logger = logging.getLogger(__name__)
SEND_FROM = ('pending', 'ready')
PROGRESS_STEP = 20  # invoices sent between two updates of the progress


class Batch(metaclass=PoolMeta):
    __name__ = 'account.invoice.batch'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'send_invoices': {
                    'invisible': (~Eval('state').in_(['done', 'failed'])
                        | ~Eval('posted_invoice_count', 0)),
                    'icon': 'tryton-email',
                    'depends': ['state', 'posted_invoice_count'],
                    },
                })

    @classmethod
    @ModelView.button_action('lot_facturation.act_batch_send')
    def send_invoices(cls, batches):
        pass

    def invoices_to_send(self):
        "The posted invoices of the batch not sent nor kept internal"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        return Invoice.search([
                ('batch', '=', self.id),
                ('send_state', 'in', SEND_FROM),
                ] + Invoice.sendable_domain(), order=[('id', 'ASC')])

    @classmethod
    def send_batch_invoices(
            cls, batches, mark_printed=False, subject=None, body=None):
        """Prepare and send the invoices of the batches (queued task).

        The invoices are prepared in a committed transaction of their own
        before the send claims them.  Whatever happens, the batches say it
        and their user is notified: a task that fails in the background
        is otherwise only a line in the server's log."""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        batch_ids = [b.id for b in batches]
        with Transaction().set_context(language=user_language()):
            ids = [i.id for b in batches for i in b.invoices_to_send()]
            try:
                in_new_transaction(_prepare_pending, ids)
                outcomes = []
                for done, chunk in _steps(ids):
                    in_new_transaction(cls._send_progress, batch_ids, done,
                        len(ids))
                    outcomes.extend(Invoice.send(Invoice.browse(chunk),
                            mark_printed=mark_printed, subject=subject,
                            body=body))
                in_new_transaction(
                    cls._send_progress, batch_ids, len(ids), len(ids))
            except Exception as exception:
                logger.critical("batches %s: e-mail send stopped",
                    batch_ids, exc_info=True)
                in_new_transaction(
                    cls._report_send, batch_ids, ids, None, exception)
                raise
            logger.info("batches %s: %s invoices sent of %s",
                batch_ids, counts(outcomes)[0], len(ids))
            in_new_transaction(cls._report_send, batch_ids, ids, outcomes)
        return outcomes

    @classmethod
    def _send_progress(cls, batch_ids, done, total):
        for batch_id in batch_ids:
            cls.set_progress(batch_id, 'sending', done, total)

    @classmethod
    def _report_send(cls, batch_ids, invoice_ids, outcomes, exception=None):
        "The batch message and the notification of a batch e-mail send"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        batches = cls.browse(batch_ids)
        states = Counter(i.send_state for i in Invoice.browse(invoice_ids))
        if outcomes is None:
            sent, errors = states['sent'], 0
        else:
            sent, errors = counts(outcomes)
        lines = [gettext('lot_facturation.msg_send_batch_done',
                sent=sent, errors=errors, count=len(invoice_ids))]
        if exception is not None:
            lines.append(gettext('lot_facturation.msg_send_batch_stopped',
                    error=getattr(exception, 'message', None)
                    or str(exception) or exception.__class__.__name__,
                    ready=states['ready'] + states['pending']))
        if states['sending']:
            lines.append(gettext('lot_facturation.msg_send_batch_left_sending',
                    sending=states['sending']))
        lines.extend(error_lines(outcomes or []))
        if errors or states['sending']:
            lines.append(gettext('lot_facturation.msg_send_errors_advice'))
        values = {'message': '\n'.join(lines)}
        if exception is None:
            values.update(sent_by=Transaction().user or None,
                sent_at=datetime.datetime.now().replace(microsecond=0))
        cls.write(batches, values)
        failed = exception is not None or errors
        for batch in batches:
            cls.notify_user([batch],
                'tryton-warning' if failed else 'tryton-info',
                gettext('lot_facturation.msg_send_batch_failed_label'
                    if exception is not None
                    else 'lot_facturation.msg_send_batch_done_label',
                    batch=batch.rec_name),
                description=summary(lines))


def _steps(ids):
    "(invoices done so far, next invoices) along ids"
    for start in range(0, len(ids), PROGRESS_STEP):
        yield start, ids[start:start + PROGRESS_STEP]


def _prepare_pending(ids):
    Invoice = Pool().get('account.invoice')
    invoices = [i for i in Invoice.browse(ids) if i.send_state == 'pending']
    if invoices:
        Invoice.prepare_send(invoices)

