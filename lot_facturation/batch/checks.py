# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Checks before a batch writes anything (B5).

Errors stop the preview with a translated message and leave the database as
it was; warnings (Tryton ``UserWarning``) may be overridden by the user.
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.tools import grouped_slice

from ..billing.ranges import ranges_overlap
from ..common.notices import local_datetime
from ..exceptions import BatchError, BatchWarning

SOURCE_SLICE = 1000


class BatchChecks:
    "Checks before a batch writes anything (B5)."
    __slots__ = ()

    def check_criteria(self):
        """Errors on the company and the invoice type (journal).

        Dates the form requires are enforced by Tryton's own required
        fields; the command line checks what it is given the same way.
        """
        if not self.company:
            raise BatchError(gettext('lot_facturation.msg_batch_no_company'))
        if not self.journal:
            raise BatchError(gettext('lot_facturation.msg_batch_no_journal'))
        if (self.journal.type != 'revenue'
                or (getattr(self.journal, 'company', None)
                    and self.journal.company != self.company)):
            raise BatchError(gettext(
                    'lot_facturation.msg_batch_unknown_journal',
                    journal=self.journal.rec_name))

    def check_dates(self, dates):
        "Each invoice date needs an open fiscal year and period."
        for date in sorted(set(dates)):
            self.check_period(date)
        if self.recording_mode == 'posted' and dates:
            self.check_posted_after(min(dates))

    def check_period(self, date):
        pool = Pool()
        FiscalYear = pool.get('account.fiscalyear')
        Period = pool.get('account.period')
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        fiscalyears = FiscalYear.search([
                ('company', '=', self.company.id),
                ('start_date', '<=', date),
                ('end_date', '>=', date),
                ], limit=1)
        if not fiscalyears:
            raise BatchError(gettext(
                    'lot_facturation.msg_batch_no_fiscalyear',
                    date=lang.strftime(date)))
        fiscalyear, = fiscalyears
        if fiscalyear.state != 'open':
            raise BatchError(gettext(
                    'lot_facturation.msg_batch_fiscalyear_closed',
                    date=lang.strftime(date), fiscalyear=fiscalyear.rec_name))
        periods = Period.search([
                ('fiscalyear', '=', fiscalyear.id),
                ('type', '=', 'standard'),
                ('start_date', '<=', date),
                ('end_date', '>=', date),
                ], limit=1)
        if not periods:
            raise BatchError(gettext(
                    'lot_facturation.msg_batch_no_period',
                    date=lang.strftime(date), fiscalyear=fiscalyear.rec_name))
        period, = periods
        if period.state != 'open':
            raise BatchError(gettext(
                    'lot_facturation.msg_batch_period_closed',
                    date=lang.strftime(date), period=period.rec_name))

    def check_posted_after(self, date):
        "Posting must follow the invoice dates of the numbering sequence."
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Lang = pool.get('ir.lang')
        later = Invoice.search([
                ('company', '=', self.company.id),
                ('type', '=', 'out'),
                ('journal', '=', self.journal.id),
                ('state', 'in', ['posted', 'paid']),
                ('invoice_date', '>', date),
                ], order=[('invoice_date', 'DESC')], limit=1)
        if later:
            invoice, = later
            raise BatchError(gettext(
                    'lot_facturation.msg_batch_posted_after',
                    date=Lang.get().strftime(date),
                    invoice=invoice.rec_name,
                    invoice_date=Lang.get().strftime(invoice.invoice_date)))

    def warn_unvalidated_charges(self):
        "Pending charges not yet validated (répartitions non estampillées)."
        pool = Pool()
        Charge = pool.get('account.invoice.pending_charge')
        Warning = pool.get('res.user.warning')
        kinds = [k for f, k in [('include_charges', 'charge'),
                ('include_interests', 'interest')] if getattr(self, f)]
        if not kinds:
            return
        charges = [c for c in Charge.search([
                    ('company', '=', self.company.id),
                    ('state', '=', 'draft'),
                    ('kind', 'in', kinds),
                    ('date', '<=', self.reference_date),
                    ]) if self.party_in_range(c.party.code)]
        if not charges:
            return
        key = Warning.format('lot_facturation_unvalidated_charges', charges)
        if Warning.check(key):
            names = '\n'.join(f'- {c.party.rec_name}: {c.rec_name}'
                for c in charges[:10])
            if len(charges) > 10:
                names += '\n…'
            raise BatchWarning(key, gettext(
                    'lot_facturation.msg_batch_unvalidated_charges',
                    count=len(charges), charges=names))

    def warn_generated_today(self):
        "Another batch generated today for an overlapping selection."
        pool = Pool()
        Warning = pool.get('res.user.warning')
        Lang = pool.get('ir.lang')
        earlier = self.overlapping_generated_today()
        if not earlier:
            return
        other = earlier[0]
        key = Warning.format(
            'lot_facturation_generated_today', [self, other])
        if Warning.check(key):
            at = other.generated_at
            raise BatchWarning(key, gettext(
                    'lot_facturation.msg_batch_generated_today',
                    batch=other.rec_name,
                    time=Lang.get().strftime(
                        local_datetime(at, self.company), '%H:%M'),
                    user=other.generated_by.rec_name if other.generated_by
                    else '?'))

    def overlapping_generated_today(self):
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        start = dt.datetime.combine(today, dt.time()) - dt.timedelta(days=1)
        Invoice = pool.get('account.invoice')
        candidates = self.search([
                ('company', '=', self.company.id),
                ('id', '!=', self.id),
                ('generated_at', '>=', start),
                ('state', 'in', ['running', 'done', 'failed']),
                ], order=[('generated_at', 'DESC')])
        # Only a batch that created invoices can be duplicated
        invoicing = {r['batch'] for r in Invoice.search_read([
                    ('batch', 'in', [b.id for b in candidates]),
                    ], fields_names=['batch'])}
        return [b for b in candidates
            if b.id in invoicing
            and local_datetime(b.generated_at, self.company).date() == today
            and self.overlaps(b)]

    @staticmethod
    def item_sources(proposals, keys=None):
        "{'schedule'|'consumption'|'charge': ids} of the proposals' items"
        keys = keys or {k: set() for k in ['schedule', 'consumption', 'charge']}
        for proposal in proposals:
            for values in proposal.item_values:
                for key in ['charge', 'consumption', 'schedule']:
                    if values.get(key):
                        keys[key].add(values[key])
                        break
        return keys

    def warn_previewed_elsewhere(self, keys):
        "Another open preview holds some of these items (item_sources)"
        pool = Pool()
        Item = pool.get('account.invoice.batch.item')
        Warning = pool.get('res.user.warning')
        Lang = pool.get('ir.lang')
        # SOURCE_SLICE ids a query: a preview of 100,000 contracts holds
        # more than SQLite takes in one statement
        slices = [(k, list(sub)) for k, v in keys.items() if v
            for sub in grouped_slice(sorted(v), SOURCE_SLICE)]
        domain = [
            ('proposal.batch', '!=', self.id),
            ('proposal.batch.state', '=', 'previewed'),
            ('proposal.batch.company', '=', self.company.id),
            ('proposal.invoice', '=', None),
            ('proposal.selected', '=', True),
            ('selected', '=', True),
            ]
        firsts = [i for k, sub in slices for i in Item.search(
                domain + [(k, 'in', sub)], order=[('id', 'ASC')], limit=1)]
        if not firsts:
            return
        other = min(firsts, key=lambda i: i.id).proposal.batch
        parties = sorted({i.proposal.party.rec_name
                for k, sub in slices for i in Item.search(domain + [
                        ('proposal.batch', '=', other.id), (k, 'in', sub)])})
        key = Warning.format('lot_facturation_previewed_elsewhere',
            [self, other])
        if Warning.check(key):
            names = ', '.join(parties[:5]) + (' …' if len(parties) > 5 else '')
            raise BatchWarning(key, gettext(
                    'lot_facturation.msg_batch_previewed_elsewhere',
                    batch=other.rec_name, count=len(parties), parties=names,
                    date=Lang.get().strftime(local_datetime(
                            other.previewed_at, self.company),
                        Lang.get().date + ' %H:%M'),
                    user=other.previewed_by.rec_name if other.previewed_by
                    else '?'))

    def overlaps(self, other):
        "Whether two batches may invoice the same items."
        kinds = ['include_schedules', 'include_charges', 'include_interests',
            'include_consumptions']
        if not any(getattr(self, k) and getattr(other, k) for k in kinds):
            return False

        def bounds(batch, low, high, attribute):
            low, high = getattr(batch, low), getattr(batch, high)
            return (getattr(low, attribute) if low else None,
                getattr(high, attribute) if high else None)
        for low, high, attribute in [
                ('party_from', 'party_to', 'code'),
                ('subscription_from', 'subscription_to', 'number')]:
            if not ranges_overlap(
                    *bounds(self, low, high, attribute),
                    *bounds(other, low, high, attribute)):
                return False
        if self.contract_types and other.contract_types:
            if not set(self.contract_types) & set(other.contract_types):
                return False
        return True
