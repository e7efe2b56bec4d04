# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Preview: what a batch would invoice, stored as proposals (B4).

The preview first does what Tryton itself needs at the reference date
(consumptions, schedules), then prices the items with the pure billing
functions.  It creates no invoice; an error rolls everything back.
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..billing import items as core, proposals as pricing
from ..common.sql import browse_slices, search_ids
from ..exceptions import BatchError


class BatchPreview:
    "The preview stored as proposals (B4)."
    __slots__ = ()

    def do_preview(self):
        """Price the batch a chunk of customers at a time, in one transaction.

        Each chunk is collected, priced and stored before the next one is
        read: the memory of a preview does not grow with the contracts.
        """
        pool = Pool()
        SubscriptionLine = pool.get('sale.subscription.line')
        Schedule = pool.get('sale.subscription.schedule')
        self.check_criteria()
        if self.invoice_date_mode != 'schedule':
            self.check_dates([self.planned_invoice_date()])
        self.warn_unvalidated_charges()
        with Transaction().set_context(company=self.company.id):
            with Transaction().set_context(_lot_facturation_no_sync=True):
                SubscriptionLine.generate_consumption(
                    date=self.reference_date)
            contracts = self.selected_contracts()
            Schedule.sync([s for _, s in contracts],
                until=self.reference_date)
            self.clear_proposals()
            context = self.item_context(contracts)
            count, dates, sources = 0, set(), None
            for chunk in self.preview_chunks(contracts):
                proposals = self.price_items(chunk, context)
                sources = self.item_sources(proposals, sources)
                self.store_proposals(proposals)
                count += len(proposals)
                dates.update(p.header.invoice_date for p in proposals)
        if not count:
            raise BatchError(gettext(
                    'lot_facturation.msg_batch_nothing_to_invoice',
                    batch=self.rec_name))
        self.check_dates(dates)
        # Only once there is something to invoice: warnings about it
        self.warn_generated_today()
        self.warn_previewed_elsewhere(sources)
        self.mark_previewed()

    def planned_invoice_date(self):
        pool = Pool()
        Date = pool.get('ir.date')
        if self.invoice_date_mode == 'fixed':
            return self.invoice_date
        if self.invoice_date_mode == 'today':
            with Transaction().set_context(company=self.company.id):
                return Date.today()
        return self.reference_date

    def price_items(self, chunk, context):
        "Pure proposals of a chunk of customers, with their item values."
        pool = Pool()
        Configuration = pool.get('account.configuration')
        collected = self.collect_items(chunk, context)
        taxes = context.core_taxes()
        values_by_ref, items = {}, []
        for values, pure in collected:
            tax_ids = pure.pop('tax_ids')
            item = core.Item(**pure, taxes=tuple(taxes[i] for i in tax_ids))
            values_by_ref[item.ref] = values
            items.append(item)
        tax_rounding = Configuration(1).get_multivalue(
            'tax_rounding', company=self.company.id)
        proposals = pricing.build_proposals(
            items, self.grouping, self.line_grouping, self.description_mode,
            context.describe,
            {c.id: c.rounding for c in context.currencies(items)},
            {self.company.id: tax_rounding})
        for proposal in proposals:
            proposal.item_values = [values_by_ref[i.ref]
                for i in proposal.items]
        return proposals

    def clear_proposals(self):
        "The previous preview's proposals go (not those already invoiced)."
        Proposal = Pool().get('account.invoice.batch.proposal')
        for proposals in browse_slices(Proposal, search_ids(Proposal, [
                        ('batch', '=', self.id),
                        ('invoice', '=', None),
                        ])):
            Proposal.delete(proposals)

    def store_proposals(self, proposals):
        "Store ``proposals`` and their items: one create for each model."
        pool = Pool()
        Proposal = pool.get('account.invoice.batch.proposal')
        Item = pool.get('account.invoice.batch.item')
        if not proposals:
            return
        vlist = []
        for proposal in proposals:
            header = proposal.header
            values = {
                'batch': self.id,
                'party': header.party,
                'invoice_address': header.invoice_address,
                'currency': header.currency,
                'payment_term': header.payment_term,
                'account': header.account,
                'journal': header.journal,
                'sepa_mandate': header.sepa_mandate,
                'invoice_date': header.invoice_date,
                'chorus_service_code': header.chorus_service_code,
                'chorus_engagement': header.chorus_engagement,
                }
            values.update(Proposal.values_from(proposal))
            vlist.append(values)
        created = Proposal.create(vlist)
        Item.create([dict(values, proposal=record.id)
                for record, proposal in zip(created, proposals)
                for values in proposal.item_values])

    def mark_previewed(self):
        self.previewed_by = Transaction().user
        self.previewed_at = dt.datetime.now()
        self.message = None
        self.progress = 0
        self.save()
