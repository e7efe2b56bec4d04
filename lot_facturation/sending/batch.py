# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Send the invoices of a batch by e-mail, in the background (SPEC S5).

Seed 000: "Envoyer les factures par courriel" on the batch: count of the
invoices to send, option to mark the e-mailed invoices as printed,
editable subject and body, then the processing runs in the queue.
"""
import datetime
import logging

from trytond.i18n import gettext
from trytond.model import ModelView
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from ..common.runner import in_new_transaction

logger = logging.getLogger(__name__)
SEND_FROM = ('pending', 'ready')


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
        before the send claims them; the batch is stamped last."""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        ids = [i.id for b in batches for i in b.invoices_to_send()]
        in_new_transaction(_prepare_pending, ids)
        outcomes = Invoice.send(Invoice.browse(ids),
            mark_printed=mark_printed, subject=subject, body=body)
        sent = sum(o.delivered for o in outcomes)
        logger.info("batches %s: %s invoices sent of %s",
            [b.id for b in batches], sent, len(ids))
        cls.write(list(batches), {
                'sent_by': Transaction().user or None,
                'sent_at': datetime.datetime.now().replace(microsecond=0),
                })
        _notify(sent, len(outcomes) - sent)
        return outcomes


def _prepare_pending(ids):
    Invoice = Pool().get('account.invoice')
    invoices = [i for i in Invoice.browse(ids) if i.send_state == 'pending']
    if invoices:
        Invoice.prepare_send(invoices)


def _notify(sent, errors):
    pool = Pool()
    Notification = pool.get('res.notification')
    user = Transaction().user
    if not user:
        return
    Notification(user=user, label=gettext(
            'lot_facturation.msg_send_batch_done_label'),
        description=gettext('lot_facturation.msg_send_batch_done',
            sent=sent, errors=errors)).save()
