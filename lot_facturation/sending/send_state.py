# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Send state and tracking of customer invoices (SPEC S1, S2).

pending (En attente) -> ready (Prêt) -> sent (Envoyé au destinataire);
internal (Conservé en interne) for invoices never sent to the customer.
``sending`` marks an invoice a send process has claimed (see
``invoice_delivery``).  A sent invoice can no longer be modified.
"""
import datetime

from trytond.i18n import gettext
from trytond.model import Index, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pyson import Eval
from trytond.transaction import Transaction

from ..billing import send_rules as rules
from ..exceptions import SendError
from .exchange import CHANNELS

SEND_STATES = [
    ('pending', "Pending"),
    ('ready', "Ready"),
    ('sending', "Sending"),
    ('sent', "Sent to Recipient"),
    ('internal', "Kept Internal"),
    ]
SEND_FIELDS = [
    'send_state', 'printed_date', 'printed_by', 'sent_date', 'sent_by',
    'dematerialized', 'send_channel', 'exchanges', 'send_token',
    ]
# Fields that Tryton lets change on a posted invoice but that the customer
# received: frozen once the invoice is sent
SENT_FROZEN_FIELDS = {'description', 'comment', 'reference', 'lines',
    'invoice_report_cache', 'invoice_report_format',
    'invoice_report_cache_id', 'invoice_report_revisions'}
SENDABLE_STATES = {'posted', 'paid'}
_customer = {
    'invisible': Eval('type') != 'out',
    }


class InvoiceSendState:
    "The send state and print/send tracking of customer invoices (S1)."
    __slots__ = ()

    send_state = fields.Selection(
        SEND_STATES, "Send State", required=True, readonly=True,
        states=_customer, sort=False)
    printed_date = fields.DateTime(
        "Print Date", readonly=True, states=_customer)
    printed_by = fields.Many2One(
        'res.user', "Printed By", readonly=True, states=_customer)
    sent_date = fields.DateTime("Send Date", readonly=True, states=_customer)
    sent_by = fields.Many2One(
        'res.user', "Sent By", readonly=True, states=_customer)
    dematerialized = fields.Boolean(
        "Dematerialized", readonly=True, states=_customer)
    send_channel = fields.Selection(
        [(None, '')] + CHANNELS, "Send Channel", readonly=True,
        states=_customer,
        help="How the invoice was delivered to the customer.")
    exchanges = fields.One2Many(
        'account.invoice.exchange', 'invoice', "Exchanges", readonly=True,
        states=_customer)
    send_token = fields.Char("Send Token", readonly=True)
    send_state_string = send_state.translated('send_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._check_modify_exclude |= set(SEND_FIELDS) | {'send_state'}
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.send_state, Index.Equality(cardinality='low'))),
                })
        cls._buttons.update({
                'prepare_send': {
                    'invisible': ((Eval('send_state') != 'pending')
                        | ~Eval('state').in_(['posted', 'paid'])
                        | (Eval('type') != 'out')),
                    'depends': ['send_state', 'state', 'type'],
                    },
                'hold_send': {
                    'invisible': ((Eval('send_state') != 'ready')
                        | (Eval('type') != 'out')),
                    'depends': ['send_state', 'type'],
                    },
                })

    @classmethod
    def default_send_state(cls):
        return 'pending'

    @classmethod
    def default_dematerialized(cls):
        return False

    @classmethod
    def copy(cls, invoices, default=None):
        default = default.copy() if default is not None else {}
        for name in SEND_FIELDS:
            default.setdefault(name, None)
        default['send_state'] = 'pending'
        default['dematerialized'] = False
        return super().copy(invoices, default=default)

    @classmethod
    def check_modification(cls, mode, invoices, values=None, external=False):
        super().check_modification(
            mode, invoices, values=values, external=external)
        if mode == 'write' and values.keys() & SENT_FROZEN_FIELDS:
            for invoice in invoices:
                if invoice.send_state == 'sent':
                    raise AccessError(gettext(
                            'lot_facturation.msg_send_invoice_sent_modify',
                            invoice=invoice.rec_name))

    @classmethod
    def move_send_state(cls, invoices, target):
        "Move invoices to the send state target or raise SendError"
        for invoice in invoices:
            if invoice.type != 'out' or invoice.state not in SENDABLE_STATES:
                raise SendError(gettext(
                        'lot_facturation.msg_send_not_posted_customer',
                        invoice=invoice.rec_name))
            if (invoice.send_state != target
                    and not rules.can_move(invoice.send_state, target)):
                raise SendError(gettext(
                        'lot_facturation.msg_send_wrong_state',
                        invoice=invoice.rec_name,
                        state=invoice.send_state_string))
        invoices = [i for i in invoices if i.send_state != target]
        if invoices:
            cls.write(invoices, {'send_state': target})

    @classmethod
    @ModelView.button
    def prepare_send(cls, invoices):
        cls.move_send_state(invoices, 'ready')

    @classmethod
    @ModelView.button
    def hold_send(cls, invoices):
        cls.move_send_state(invoices, 'pending')

    @classmethod
    def keep_internal(cls, invoices):
        cls.move_send_state(invoices, 'internal')

    @classmethod
    def requeue_send(cls, invoices):
        cls.move_send_state(invoices, 'pending')

    @classmethod
    def mark_printed(cls, invoices):
        "Record who printed the invoices and when"
        if invoices:
            cls.write(list(invoices), {
                    'printed_date': datetime.datetime.now().replace(
                        microsecond=0),
                    'printed_by': Transaction().user or None,
                    })

    @classmethod
    def sendable_domain(cls):
        "Domain of the customer invoices the send processing may touch"
        return [
            ('type', '=', 'out'),
            ('state', 'in', sorted(SENDABLE_STATES)),
            ]
