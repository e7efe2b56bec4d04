# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Claims of the send always end (SPEC S3).

A send claims invoices (``ready -> sending``, an exchange *in progress*)
before delivering them, and stamps an exchange ``handover_date`` just
before calling its transport.  A send that raises releases at once what it
claimed and did not hand over (``release_claims``).  When its process dies,
the next send (any of them: the wizard, the nightly job, a batch send)
finds the claims older than the lease (``[lot_facturation] send_lease``,
1,800 s by default), whatever the channel (e-mail, portal, Chorus Pro,
paper): not handed over -> exchange *error* « envoi interrompu » and the
invoice *ready* again; handed over -> exchange *to check*: the message may
have left, a person decides from the exchange, it is never resent blindly.
Both steps are compare-and-set on the exchange: a slow send that is still
alive and the recovery never both win.
"""
import datetime
import logging

from sql import Null

from trytond import config
from trytond.i18n import gettext
from trytond.pool import Pool

from ..common.sql import execute_update

logger = logging.getLogger(__name__)


def send_lease():
    "Seconds after which a claim whose send gave no news is taken back."
    return config.getint('lot_facturation', 'send_lease', default=1800)


class InvoiceClaims:
    "Claims of the send that always end (S3)."
    __slots__ = ()

    @classmethod
    def start_handover(cls, exchange_id):
        "Stamp the exchange before its transport is called, if still ours."
        pool = Pool()
        Exchange = pool.get('account.invoice.exchange')
        table = Exchange.__table__()
        return bool(execute_update(table.update(
                    [table.handover_date], [datetime.datetime.now()],
                    where=(table.id == exchange_id)
                    & (table.status == 'in_progress')
                    & (table.handover_date == Null)), Exchange))

    @classmethod
    def release_claims(cls, claimed, error):
        "The send raised: what it did not hand over is ready again."
        pool = Pool()
        Exchange = pool.get('account.invoice.exchange')
        exchanges = [e for e in Exchange.browse(list(claimed.values()))
            if e.status == 'in_progress' and not e.handover_date]
        message = getattr(error, 'message', None) or str(error)
        Exchange.set_status(exchanges, 'error', gettext(
                'lot_facturation.msg_exchange_send_aborted', error=message))
        cls.release_send([e.invoice for e in exchanges])

    @classmethod
    def recover_claims(cls):
        "Take back the claims of sends that died, older than the lease."
        pool = Pool()
        Exchange = pool.get('account.invoice.exchange')
        cutoff = Exchange.now() - datetime.timedelta(seconds=send_lease())
        stale = Exchange.search([
                ('status', '=', 'in_progress'),
                ('direction', '=', 'out'),
                ('date', '<', cutoff),
                ])
        handed = [e for e in stale if e.handover_date]
        untried = [e for e in stale if not e.handover_date]
        if stale:
            logger.warning("taking back %s claims of interrupted sends "
                "(%s handed over, to check)", len(stale), len(handed))
        Exchange.set_status(handed, 'to_check', gettext(
                'lot_facturation.msg_exchange_interrupted_handed'))
        Exchange.set_status(untried, 'error', gettext(
                'lot_facturation.msg_exchange_interrupted'))
        cls.release_send([e.invoice for e in untried])
