# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Exchange log of the invoices (suivi des échanges, SPEC S6).

One record per delivery attempt of an invoice through a channel.  An
exchange is *in progress* while a send works on its invoice.  It is *to
check* when the message may or may not have left: the connection to the
mail server broke after the message was handed over, or the send died
after handing it over (``sending/claims.py``).  Nothing resends it
automatically (at most once); a person checks the mail server's log for
its Message-ID and then marks it sent or gives the invoice back to the
next run (see ``resolve_sent`` and ``resolve_retry``).
"""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval

CHANNELS = [
    ('email', "E-mail"),
    ('portal', "Customer Portal"),
    ('chorus', "Chorus Pro"),
    ('export', "Export"),
    ('print', "Print"),
    ]
DIRECTIONS = [
    ('out', "Outgoing"),
    ('in', "Incoming"),
    ]
STATUSES = [
    ('in_progress', "In Progress"),
    ('to_check', "To Check"),
    ('pending', "Pending"),
    ('sent', "Sent"),
    ('accepted', "Accepted"),
    ('rejected', "Rejected"),
    ('error', "Error"),
    ]
# A person decides these: the message may or may not have left
UNRESOLVED = ['in_progress', 'to_check']


class Exchange(ModelSQL, ModelView):
    __name__ = 'account.invoice.exchange'

    invoice = fields.Many2One(
        'account.invoice', "Invoice", required=True, readonly=True,
        ondelete='CASCADE')
    company = fields.Function(
        fields.Many2One('company.company', "Company"),
        'get_invoice_field', searcher='search_invoice_field')
    party = fields.Function(
        fields.Many2One('party.party', "Customer",
            context={
                'company': Eval('company', -1),
                },
            depends=['company']),
        'get_invoice_field', searcher='search_invoice_field')
    channel = fields.Selection(CHANNELS, "Channel", required=True,
        readonly=True)
    direction = fields.Selection(DIRECTIONS, "Direction", required=True,
        readonly=True)
    status = fields.Selection(STATUSES, "Status", required=True,
        readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    recipients = fields.Char("Recipients", readonly=True)
    message = fields.Text("Message", readonly=True)
    message_id = fields.Char("Message-ID", readonly=True,
        help="The identifier of the e-mail, to find it in the mail "
        "server's log.")
    handover_date = fields.Timestamp("Handed Over", readonly=True,
        help="When the message was handed to the mail server: an "
        "interrupted send after this may have delivered it.")
    report = fields.Binary(
        "Report", readonly=True, filename='report_name',
        file_id='report_id')
    report_id = fields.Char("Report ID", readonly=True)
    report_name = fields.Char("Report Name", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('invoice')
        cls._order.insert(0, ('date', 'DESC'))
        cls._order.insert(1, ('id', 'DESC'))
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.status, Index.Equality(cardinality='low')),
                    where=t.status.in_(UNRESOLVED)),
                })
        cls._buttons.update({
                'resolve_sent': {
                    'invisible': ~Eval('status').in_(UNRESOLVED),
                    'depends': ['status'],
                    },
                'resolve_retry': {
                    'invisible': ~Eval('status').in_(UNRESOLVED),
                    'depends': ['status'],
                    },
                })

    @classmethod
    def default_direction(cls):
        return 'out'

    def get_rec_name(self, name):
        return '%s - %s' % (self.invoice.rec_name, self.date)

    @classmethod
    def get_invoice_field(cls, exchanges, name):
        return {e.id: getattr(e.invoice, name).id for e in exchanges}

    @classmethod
    def search_invoice_field(cls, name, clause):
        return [('invoice.' + clause[0], *clause[1:])]

    @classmethod
    def check_modification(cls, mode, exchanges, values=None,
            external=False):
        super().check_modification(
            mode, exchanges, values=values, external=external)
        if mode == 'delete' and external:
            raise AccessError(gettext('lot_facturation.msg_exchange_delete'))

    @classmethod
    @ModelView.button
    def resolve_sent(cls, exchanges):
        "The message was delivered: the invoice is sent"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        exchanges = [e for e in exchanges if e.status in UNRESOLVED]
        cls.set_status(exchanges, 'sent',
            gettext('lot_facturation.msg_exchange_resolved_sent'))
        Invoice.finish_send([e.invoice for e in exchanges], exchanges)

    @classmethod
    @ModelView.button
    def resolve_retry(cls, exchanges):
        "The message was not delivered: the next run sends it again"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        exchanges = [e for e in exchanges if e.status in UNRESOLVED]
        cls.set_status(exchanges, 'error',
            gettext('lot_facturation.msg_exchange_resolved_retry'))
        Invoice.release_send([e.invoice for e in exchanges])

    @classmethod
    def set_status(cls, exchanges, status, message, **values):
        """The outcome of exchanges: the one place their status changes.

        An exchange is created *in progress* (or with its final status when
        nothing can fail after it) and ends here once, with what happened.
        """
        if exchanges:
            cls.write(list(exchanges), dict(
                    values, status=status, message=message))

    @staticmethod
    def now():
        import datetime
        return datetime.datetime.now().replace(microsecond=0)
