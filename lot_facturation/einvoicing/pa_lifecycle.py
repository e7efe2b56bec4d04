# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Lifecycle statuses of the invoices sent through the PA (SPEC P5).

A cron (and the invoice's button) fetches the status messages (CDAR) the
PA received since the last fetch and records each one once as an incoming
exchange of its invoice (code, date, reason), found by number and the
company's SIREN; the invoice shows its latest status.  A rejected (213)
or refused (210) invoice says why and what to do: a credit note, then a
new invoice.  The same message fetched twice is recorded once (its key).
"""
import datetime as dt
import logging

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval

from ..billing import send_rules
from ..transports import pa
from .pa_send import pa_client

logger = logging.getLogger(__name__)
FIRST_FETCH_DAYS = 30


def _naive(moment):
    "A UTC moment as Tryton stores it (naive)"
    if moment is not None and moment.tzinfo:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment


class InvoicePALifecycle:
    "The PA's lifecycle statuses of customer invoices (P5)."
    __slots__ = ()
    pa_status = fields.Selection(
        [(None, '')] + send_rules.PA_STATUSES, "PA Status", readonly=True,
        help="The latest lifecycle status the Approved Platform reported.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._check_modify_exclude.add('pa_status')
        cls._buttons.update({
                'fetch_pa_statuses': {
                    'invisible': Eval('send_channel') != 'pa',
                    'depends': ['send_channel'],
                    },
                })

    @classmethod
    @ModelView.button
    def fetch_pa_statuses(cls, invoices):
        cls.fetch_pa_statuses_of({i.company for i in invoices})

    @classmethod
    def fetch_pa_statuses_cron(cls):
        "Cron: every company with a PA"
        Company = Pool().get('company.company')
        cls.fetch_pa_statuses_of(Company.search([]))

    @classmethod
    def fetch_pa_statuses_of(cls, companies):
        """Record the statuses each company's PA received; return how many
        new ones"""
        Configuration = Pool().get('account.configuration')
        count = 0
        for company in companies:
            config = Configuration.get_pa_config(company)
            if config is None:
                continue
            try:
                statuses = pa_client(config).statuses(
                    cls._pa_status_since(company))
            except pa.PAError:
                logger.warning("PA statuses of %s not fetched",
                    company.rec_name, exc_info=True)
                continue
            count += cls._record_pa_statuses(company, statuses)
        return count

    @classmethod
    def _pa_status_since(cls, company):
        Exchange = Pool().get('account.invoice.exchange')
        last = Exchange.search([
                ('invoice.company', '=', company.id), ('channel', '=', 'pa'),
                ('direction', '=', 'in'), ('pa_received_at', '!=', None),
                ], order=[('pa_received_at', 'DESC')], limit=1)
        if last:
            return last[0].pa_received_at - dt.timedelta(minutes=5)
        return dt.datetime.now() - dt.timedelta(days=FIRST_FETCH_DAYS)

    @classmethod
    def _record_pa_statuses(cls, company, statuses):
        pool = Pool()
        Exchange = pool.get('account.invoice.exchange')
        siren = company.party.siren.code_compact if company.party.siren \
            else ''
        statuses = [s for s in statuses if not s.error
            and s.code in send_rules.PA_STATUS_CODES
            and (not s.seller_siren or s.seller_siren == siren)]
        keys = {s.key for s in statuses}
        known = {e.pa_status_key for e in Exchange.search([
                    ('pa_status_key', 'in', sorted(keys))])} if keys else set()
        invoices = {i.number: i for i in cls.search([
                    ('company', '=', company.id), ('type', '=', 'out'),
                    ('number', 'in', sorted({s.invoice_number
                                for s in statuses})),
                    ])} if statuses else {}
        labels = dict(cls.fields_get(['pa_status'])['pa_status']['selection'])
        exchanges, latest = [], {}
        for status in statuses:
            invoice = invoices.get(status.invoice_number)
            if status.key in known or invoice is None:
                continue
            known.add(status.key)
            exchanges.append(
                cls._pa_status_exchange(invoice, status, labels))
            latest[invoice] = status.code
        Exchange.save(exchanges)
        for invoice, code in latest.items():
            invoice.pa_status = code
        cls.save(list(latest))
        return len(exchanges)

    @staticmethod
    def _pa_status_exchange(invoice, status, labels):
        Exchange = Pool().get('account.invoice.exchange')
        label = labels.get(status.code, status.code)
        reason = ' - '.join(filter(None, (status.reason_code, status.reason,
                    status.comment)))
        key = ('lot_facturation.msg_pa_status_rejected'
            if status.code in send_rules.PA_REJECTIONS
            else 'lot_facturation.msg_pa_status')
        date, received = _naive(status.date or status.received_at), _naive(
            status.received_at)
        return Exchange(invoice=invoice, channel='pa', direction='in',
            status=send_rules.pa_exchange_status(status.code),
            date=(date or Exchange.now()).replace(microsecond=0),
            message=gettext(key, code=status.code, label=label,
                reason=reason or '-'),
            pa_flow_id=status.flow_id, pa_status_code=status.code,
            pa_status_key=status.key[:250], pa_received_at=received)
