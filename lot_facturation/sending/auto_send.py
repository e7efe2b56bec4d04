# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The nightly job sending the ready invoices (SPEC S4).

``NB_JOURS_AVANT_ENVOI_FACTURES`` (``days_before_auto_send``) is a company
setting: an invoice is sent once it was created that many days ago.
"""
import datetime
import logging

from trytond.pool import Pool
from trytond.transaction import Transaction

from ..billing import send_rules as rules

logger = logging.getLogger(__name__)


class InvoiceAutoSend:
    "The nightly sending of ready invoices (S4)."
    __slots__ = ()

    @classmethod
    def send_ready_invoices(cls, date=None):
        """Send the ready invoices created at least the configured number
        of days ago (NB_JOURS_AVANT_ENVOI_FACTURES), per company.

        A cron record created before the companies has none attached and
        runs without a company in its context: then every company is
        processed (each only if its parameter is set)."""
        pool = Pool()
        Company = pool.get('company.company')
        company_id = Transaction().context.get('company')
        if company_id:
            company_ids = [company_id]
        else:
            company_ids = [c.id for c in Company.search([])]
        outcomes = []
        for company_id in company_ids:
            with Transaction().set_context(company=company_id):
                invoices = cls._auto_send_invoices(company_id, date)
                if invoices:
                    outcomes.extend(cls.send(invoices))
        return outcomes

    @classmethod
    def _auto_send_invoices(cls, company_id, date=None):
        pool = Pool()
        Configuration = pool.get('account.configuration')
        Date = pool.get('ir.date')
        config = Configuration(1)
        today = date or Date.today()
        days = config.get_multivalue(
            'days_before_auto_send', company=company_id)
        month_end_only = config.get_multivalue(
            'auto_send_month_end_only', company=company_id)
        cutoff = rules.auto_send_cutoff(today, days)
        if cutoff is None:
            logger.info("company %s: NB_JOURS_AVANT_ENVOI_FACTURES not set, "
                "no automatic sending", company_id)
            return []
        if not rules.should_auto_send_today(today, month_end_only):
            return []
        created_before = datetime.datetime.combine(
            cutoff + datetime.timedelta(days=1), datetime.time())
        return cls.search([
                ('company', '=', company_id),
                ('send_state', '=', 'ready'),
                ('create_date', '<', created_before),
                ] + cls.sendable_domain(), order=[('id', 'ASC')])
