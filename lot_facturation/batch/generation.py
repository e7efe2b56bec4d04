# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Generation: invoices from the stored preview, in committed chunks (B6).

Only here are invoices saved.  Each chunk locks its contracts (skipping and
reporting those another transaction holds), checks that what the preview
counted is still to invoice, saves its invoices in bulk and links every
source with a compare-and-set UPDATE: a consumption or a charge that is
already on an invoice line makes the chunk fail instead of invoicing twice.
Re-running or resuming a batch only looks at the proposals still without
invoice.  Every chunk renews the batch's lease (``lease.py``): a run whose
lease another run took over stops.
"""
import datetime as dt
import logging
from collections import defaultdict
from functools import partial


from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..common.notices import mail_user, summary, user_language
from ..common.runner import ChunkRunner, Superseded, run_inline
from ..common.sql import search_ids
from ..exceptions import BatchError
from .core_values import load_taxes

logger = logging.getLogger(__name__)
CHUNK_SIZE = 200


def message_of(error):
    "The text of an error, translated when it is a user error."
    return getattr(error, 'message', None) or str(error)


class BatchGeneration:
    "Invoices created from the preview in committed chunks (B6)."
    __slots__ = ()

    @classmethod
    def run_generation(cls, batches, commit=True, on_progress=None,
            token=None):
        """Generate (and post when asked) the pending invoices of batches.

        With ``commit`` each chunk is its own transaction holding the lease
        ``token`` of the batch (by default the one the batch holds now);
        without, all runs in the current transaction (unit tests).
        ``batches`` are records or ids.
        """
        for batch in batches:
            if not commit:
                with Transaction().set_context(language=user_language()):
                    cls._run_generation(int(batch), run_inline, on_progress)
                continue
            runner = ChunkRunner()
            runner.context['language'] = runner(user_language)
            token = token or runner(cls._run_token, int(batch))
            if token:
                runner.guard = partial(cls.hold_lease, int(batch), token)
            try:
                cls._run_generation(int(batch), runner, on_progress)
            except Superseded:
                logger.info("batch %s: another run took it over", batch)
            token = None

    @classmethod
    def _run_token(cls, batch_id):
        return cls(batch_id).run_token

    @classmethod
    def _run_generation(cls, batch_id, runner, on_progress):
        pending = runner(cls._pending_proposals, batch_id)
        errors = []
        done = 0
        for chunk in grouped_slice(pending, CHUNK_SIZE):
            chunk = list(chunk)
            try:
                runner(cls._generate_chunk, batch_id, chunk)
            except Superseded:
                raise
            except Exception as error:
                if not runner.commits:
                    raise
                logger.exception('batch %s: chunk failed', batch_id)
                errors.append(message_of(error))
                runner(cls._record_failure, batch_id, message_of(error))
            done += len(chunk)
            if on_progress:
                on_progress(done, len(pending))
        cls._post_and_finish(batch_id, runner, errors)

    @classmethod
    def _post_and_finish(cls, batch_id, runner, errors):
        "Once generated: post when asked and nothing failed, then report."
        notices = []
        if not errors and runner(cls._recording_mode, batch_id) == 'posted':
            post_errors, notices = cls.post_drafts(batch_id, runner=runner)
            errors = list(errors) + post_errors
        runner(cls._finish_generation, batch_id, errors, notices)

    @classmethod
    def _pending_proposals(cls, batch_id):
        pool = Pool()
        Proposal = pool.get('account.invoice.batch.proposal')
        return search_ids(Proposal, [
                ('batch', '=', batch_id),
                ('selected', '=', True),
                ('status', '!=', 'blocked'),
                ('invoice', '=', None),
                ], order=[('invoice_date', 'ASC'), ('id', 'ASC')])

    @classmethod
    def _recording_mode(cls, batch_id):
        return cls(batch_id).recording_mode

    @classmethod
    def _generate_chunk(cls, batch_id, proposal_ids):
        cls._generate_proposals(batch_id, proposal_ids)
        cls(batch_id).update_progress()

    @classmethod
    def _generate_proposals(cls, batch_id, proposal_ids):
        "The invoices of the proposals still to invoice, skipping the rest."
        pool = Pool()
        Proposal = pool.get('account.invoice.batch.proposal')
        batch = cls(batch_id)
        proposals = [p for p in Proposal.browse(proposal_ids)
            if not p.invoice and p.selected and p.status != 'blocked']
        with Transaction().set_context(company=batch.company.id):
            locked = Proposal.lock_contracts(proposals)
            changed = Proposal.changed_sources(
                [p for p in proposals if p not in locked])
            ready = [p for p in proposals
                if p not in locked and p not in changed]
            Proposal.create_invoices(ready)
        to_write = []
        for skipped, outcome in [(locked, 'locked'), (changed, 'changed')]:
            if skipped:
                to_write.extend([list(skipped), {'outcome': outcome}])
        if to_write:
            Proposal.write(*to_write)

    def update_progress(self):
        pool = Pool()
        Proposal = pool.get('account.invoice.batch.proposal')
        selected = Proposal.search_count([
                ('batch', '=', self.id),
                ('selected', '=', True),
                ('status', '!=', 'blocked'),
                ])
        invoiced = Proposal.search_count([
                ('batch', '=', self.id),
                ('invoice', '!=', None),
                ])
        self.progress = round(100 * invoiced / selected) if selected else 100
        self.save()

    @classmethod
    def _record_failure(cls, batch_id, message):
        batch = cls(batch_id)
        batch.message = '\n'.join(filter(None, [batch.message, message]))
        batch.save()

    @classmethod
    def _finish_generation(cls, batch_id, errors, notices=()):
        """The run ends: done, or failed when running again would help.

        Invoices another batch (or invoice) already made are reported with
        it and do not fail the batch: running it again would change nothing.
        """
        pool = Pool()
        Proposal = pool.get('account.invoice.batch.proposal')
        batch = cls(batch_id)
        skipped = Proposal.search([
                ('batch', '=', batch_id),
                ('outcome', 'in', ['locked', 'changed']),
                ('invoice', '=', None),
                ('selected', '=', True),
                ])
        changed = [p for p in skipped if p.outcome == 'changed']
        taken = Proposal.invoiced_elsewhere(changed)
        partly = Proposal.invoiced_elsewhere(
            [p for p in changed if p not in taken], every=False)
        messages = list(errors) + skipped_messages(
            [p for p in skipped if p.outcome == 'locked'],
            [p for p in changed if p not in taken and p not in partly]
            ) + taken_messages(partly, 'lot_facturation.msg_batch_partly_taken')
        batch.update_progress()
        batch.message = '\n'.join(
            messages + taken_messages(taken) + list(notices)) or None
        batch.save()
        cls.end_lease([batch])
        (cls.fail if messages else cls.done)([batch])
        batch.notify_generation()

    def notify_generation(self):
        "Tell whoever launched the batch that it ended (B6)."
        pool = Pool()
        User = pool.get('res.user')
        user = self.generated_by or User(Transaction().user)
        label = gettext(
            'lot_facturation.msg_batch_generation_done' if self.state == 'done'
            else 'lot_facturation.msg_batch_generation_failed',
            batch=self.rec_name)
        self.__class__.notify_user([self], 'tryton-info', label,
            description=summary((self.message or '').splitlines()),
            user=user.id)
        mail_user(user, label, self.message or label)


def _parties(proposals):
    return ', '.join(p.party.rec_name for p in proposals[:10])


def skipped_messages(locked, changed):
    "Why proposals were not generated, and what to do about it."
    messages = []
    if locked:
        messages.append(gettext('lot_facturation.msg_batch_skipped',
                count=len(locked), proposals=_parties(locked)))
    if changed:
        messages.append(gettext('lot_facturation.msg_batch_changed',
                count=len(changed), proposals=_parties(changed)))
    return messages


def taken_messages(taken, message='lot_facturation.msg_batch_taken'):
    "Proposals that another batch or invoice already billed: by whom."
    if not taken:
        return []
    proposals = sorted(taken, key=lambda p: p.id)
    others = sorted({o for p in proposals for o in taken[p]})
    return [gettext(message,
            count=len(proposals), others=', '.join(others[:10]),
            proposals=_parties(proposals))]


class ProposalGeneration:
    "A proposal becomes an invoice (B6)."
    __slots__ = ()

    @classmethod
    def lock_contracts(cls, proposals):
        "Proposals whose contracts another transaction holds (skipped)."
        pool = Pool()
        Subscription = pool.get('sale.subscription')
        transaction = Transaction()
        database = transaction.database
        by_contract = defaultdict(list)
        for proposal in proposals:
            for subscription in proposal.subscriptions:
                by_contract[subscription.id].append(proposal)
        if not by_contract or not database.has_select_for():
            return set()
        table = Subscription.__table__()
        cursor = transaction.connection.cursor()
        For = database.get_select_for_skip_locked()
        acquired = set()
        for sub_ids in grouped_slice(list(by_contract), 1000):
            cursor.execute(*table.select(table.id,
                    where=fields.SQL_OPERATORS['in'](table.id, sub_ids),
                    for_=For('UPDATE')))
            acquired.update(r[0] for r in cursor)
        return {p for c, ps in by_contract.items() if c not in acquired
            for p in ps}

    @classmethod
    def changed_sources(cls, proposals):
        "Proposals whose items are no longer what the preview counted."
        pool = Pool()
        Consumption = pool.get('sale.subscription.line.consumption')
        Charge = pool.get('account.invoice.pending_charge')
        counts = Consumption.uninvoiced_counts(
            [i for p in proposals for i in p.items if i.selected])
        charges = {c.id: c for c in Charge.browse([i.charge.id
                    for p in proposals for i in p.items
                    if i.selected and i.charge])}
        changed = set()
        for proposal in proposals:
            for item in proposal.items:
                if not item.selected:
                    continue
                if item.charge:
                    charge = charges[item.charge.id]
                    ok = (charge.state == 'validated'
                        and not charge.invoice_line)
                else:
                    ok = counts.get(item.id) == item.consumption_count
                if not ok:
                    changed.add(proposal)
        return changed

    @classmethod
    def invoiced_elsewhere(cls, proposals, every=True):
        """{proposal: batch numbers (or invoice numbers)} of the proposals
        whose every selected item (or, not every, one of them) is already
        on another invoice."""
        pool = Pool()
        Consumption = pool.get('sale.subscription.line.consumption')
        Charge = pool.get('account.invoice.pending_charge')
        items = [i for p in proposals for i in p.items if i.selected]
        by_key = defaultdict(set)
        for consumption in Consumption.search(['OR',
                    ('schedule', 'in', list({i.schedule.id for i in items
                                if i.schedule and not i.consumption})),
                    ('id', 'in', [i.consumption.id for i in items
                            if i.consumption]),
                    ]):
            if consumption.invoice_line:
                invoice = consumption.invoice_line.invoice
                by_key['schedule', consumption.schedule.id,
                    consumption.line.id].add(invoice)
                by_key['consumption', consumption.id].add(invoice)
        for charge in Charge.browse([i.charge.id for i in items if i.charge]):
            if charge.invoice_line:
                by_key['charge', charge.id].add(charge.invoice_line.invoice)
        result = {}
        for proposal in proposals:
            invoices = [by_key.get(i.core_ref()) for i in proposal.items
                if i.selected]
            if invoices and (all if every else any)(invoices):
                result[proposal] = {(i.batch.rec_name if i.batch
                        else i.rec_name) for s in invoices if s for i in s}
        return result

    @classmethod
    def create_invoices(cls, proposals):
        "Save the invoices of ``proposals`` in bulk and link their sources."
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        InvoiceTax = pool.get('account.invoice.tax')
        Item = pool.get('account.invoice.batch.item')
        if not proposals:
            return []
        taxes = load_taxes(pool.get('account.tax').browse(list({t
                        for p in proposals for i in p.items
                        for t in i.tax_id_list})))
        roundings = cls.tax_roundings(proposals)
        priced = [p.core_proposal(taxes, roundings) for p in proposals]
        moved = [p for p, q in zip(proposals, priced) if p.moved_since(q)]
        if moved:
            cls.write(moved, {'outcome': 'changed'})
            proposals, priced = _without(moved, proposals, priced)
            if not proposals:
                return []
        built = [p.build_invoice(q) for p, q in zip(proposals, priced)]
        invoices = [invoice for invoice, _ in built]
        Invoice.save(invoices)
        links = [(line, items) for _, lines in built for line, items in lines]
        InvoiceLine.save([line for line, _ in links])
        InvoiceTax.create(tax_values(invoices, priced))
        Item.link_sources(links)
        cls.write(*[arg for p, invoice in zip(proposals, invoices)
                for arg in ([p], {'invoice': invoice.id,
                        'outcome': 'invoiced'})])
        cls.advance_contracts(proposals)
        return invoices

    def moved_since(self, priced):
        "The amounts the preview showed are no longer what is due."
        return ((priced.untaxed_amount, priced.tax_amount)
            != (self.untaxed_amount, self.tax_amount))

    def build_invoice(self, priced):
        "An unsaved invoice and its lines with the items each line bills."
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        Item = pool.get('account.invoice.batch.item')
        batch = self.batch
        invoice = Invoice(
            company=batch.company, type='out', party=self.party,
            invoice_address=self.invoice_address, currency=self.currency,
            account=self.account, journal=self.journal,
            payment_term=self.payment_term, invoice_date=self.invoice_date,
            batch=batch, sepa_mandate=self.sepa_mandate,
            description=batch.name,
            chorus_service_code=self.chorus_service_code,
            chorus_engagement=self.chorus_engagement)
        items = {i.core_ref(): i for i in self.items}
        lines = []
        for sequence, draft in enumerate(priced.lines, 1):
            stored = [items[i.ref] for i in draft.items]
            first = stored[0]
            line = InvoiceLine(
                invoice=invoice, type='line', sequence=sequence,
                company=batch.company, currency=self.currency,
                product=first.product, unit=first.unit,
                quantity=float(draft.quantity), unit_price=draft.unit_price,
                description=draft.description, account=first.account,
                taxes=first.tax_id_list, origin=Item.line_origin(first))
            lines.append((line, stored))
        return invoice, lines

    @classmethod
    def advance_contracts(cls, proposals):
        "Move each contract's next invoice date past what was billed."
        pool = Pool()
        Subscription = pool.get('sale.subscription')
        billed = {}
        for proposal in proposals:
            for item in proposal.items:
                if item.selected and item.schedule:
                    key = item.subscription.id
                    billed[key] = max(billed.get(key, dt.date.min),
                        item.schedule.billing_date)
        subscriptions = Subscription.browse(list(billed))
        for subscription in subscriptions:
            date = billed[subscription.id]
            if subscription.state != 'running':
                continue
            while (subscription.next_invoice_date
                    and subscription.next_invoice_date <= date):
                subscription.next_invoice_date = (
                    subscription.compute_next_invoice_date())
        Subscription.save([s for s in subscriptions
                if s._values and 'next_invoice_date' in s._values])


def _without(moved, proposals, priced):
    kept = [(p, q) for p, q in zip(proposals, priced) if p not in moved]
    return [p for p, _ in kept], [q for _, q in kept]


def tax_values(invoices, priced):
    """Invoice taxes as Tryton computes them (``_compute_taxes``), once.

    Nothing the taxes depend on changes until posting (a user's change to a
    draft makes Tryton compute them again), so posting does not compute
    them a second time.  The preview's totals are the core's taxes: an
    invoice whose taxes differ stops the chunk.
    """
    Invoice = Pool().get('account.invoice')
    values = []
    for invoice, q in zip(Invoice.browse([i.id for i in invoices]), priced):
        computed = [value for _, value in invoice._compute_taxes()]
        tryton = sorted((int(v['account']), int(v['tax']), v['base'],
                v['amount']) for v in computed)
        core = sorted((t.account, t.tax, t.base, t.amount) for t in q.taxes)
        if tryton != core:
            raise BatchError(gettext('lot_facturation.msg_batch_taxes_differ',
                    party=invoice.party.rec_name,
                    tryton=_amounts(tryton), preview=_amounts(core)))
        values.extend(computed)
    return values


def _amounts(taxes):
    return ', '.join(f'{base} / {amount}' for _, _, base, amount in taxes)


class ItemGeneration:
    "An item links its sources to the invoice line it became (B6)."
    __slots__ = ()

    def line_origin(self):
        if self.charge:
            return self.charge
        return self.subscription_line

    @classmethod
    def link_sources(cls, links):
        """Point sources to their invoice line, only if still free.

        ``links`` is a list of (saved invoice line, items).  The chunk's
        sources are claimed together (one UPDATE per 500 rows); a source
        taken by someone else in the meantime raises: the chunk rolls back.
        """
        pool = Pool()
        Consumption = pool.get('sale.subscription.line.consumption')
        Charge = pool.get('account.invoice.pending_charge')
        Schedule = pool.get('sale.subscription.schedule')
        items = [(line.id, item) for line, items in links for item in items]
        assert all(i is not None and i >= 0 for i, _ in items), links
        free = Consumption.free_consumptions([i for _, i in items])
        rows = {}
        for line_id, item in items:
            if item.charge:
                rows[item] = ('charge', [item.charge.id], 1)
            else:
                rows[item] = ('consumption', free[item.id],
                    item.consumption_count)
        targets = {'charge': {}, 'consumption': {}}
        for line_id, item in items:
            kind, ids, expected = rows[item]
            if len(ids) != expected or targets[kind].keys() & set(ids):
                raise _source_taken(item)
            targets[kind].update((i, line_id) for i in ids)
        linked = {'charge': Charge.claim(targets['charge']),
            'consumption': Consumption.claim(targets['consumption'])}
        for line_id, item in items:
            kind, ids, _ = rows[item]
            if not linked[kind].issuperset(ids):
                raise _source_taken(item)
        Schedule.refresh_states({item.schedule.id for _, item in items
                if not item.charge and item.schedule})


def _source_taken(item):
    return BatchError(gettext(
            'lot_facturation.msg_batch_source_taken', item=item.rec_name))
