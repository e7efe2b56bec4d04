# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""What a batch would invoice: its items, read in bulk from the database.

Each item comes with the values it is stored with in the preview and the
pure ``billing.items.Item`` the pricing functions use; both are built here
and only here.
"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sql import Null

from trytond.exceptions import UserError
from trytond.model import fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..billing import items as core
from ..billing.money import line_amount
from ..billing.ranges import in_range
from .core_values import encode_problems, load_taxes

SOURCE_KINDS = {
    'include_charges': 'charge',
    'include_interests': 'interest',
    }


class BatchItems:
    "What a batch would invoice, read in bulk (B2, B4)."
    __slots__ = ()

    def selected_subscriptions(self):
        "Contracts matching the criteria (B2), as ids."
        pool = Pool()
        Subscription = pool.get('sale.subscription')
        domain = [
            ('company', '=', self.company.id),
            ('state', 'in', ['running', 'closed']),
            ('start_date', '<=', self.reference_date),
            ]
        if self.contract_types:
            domain.append(
                ('contract_type', 'in', [t.id for t in self.contract_types]))
        if self.taxable_only:
            domain.append(('taxable', '=', True))
        rows = Subscription.search_read(domain, order=[], fields_names=[
                'number', 'party.code', 'invoice_party.code'])
        low = self.subscription_from.number if self.subscription_from else None
        high = self.subscription_to.number if self.subscription_to else None
        return [r['id'] for r in rows
            if in_range(r['number'], low, high)
            and self.party_in_range(
                (r.get('invoice_party.') or r.get('party.') or {}).get('code'))]

    def party_in_range(self, code):
        low = self.party_from.code if self.party_from else None
        high = self.party_to.code if self.party_to else None
        return in_range(code, low, high)

    def collect_items(self, subscription_ids):
        """Items for the criteria and the context that built them.

        Each item is a pair (stored item values, keyword arguments of the pure
        item with ``tax_ids`` in place of taxes).
        """
        context = ItemContext(self)
        result = []
        for sub_ids in grouped_slice(subscription_ids, 500):
            sub_ids = list(sub_ids)
            if self.include_schedules:
                result.extend(self._schedule_items(sub_ids, context))
            if self.include_consumptions:
                result.extend(self._time_entry_items(sub_ids, context))
        kinds = [k for f, k in SOURCE_KINDS.items() if getattr(self, f)]
        if kinds:
            result.extend(self._charge_items(kinds, subscription_ids, context))
        return result, context

    def _schedule_domain(self, sub_ids):
        domain = [
            ('subscription', 'in', sub_ids),
            ('state', 'in', ['planned', 'due']),
            ('billing_date', '<=', self.reference_date),
            ]
        if self.schedule_month:
            start = dt.date(self.schedule_year, int(self.schedule_month), 1)
            end = (start + dt.timedelta(days=32)).replace(day=1)
            domain += [
                ('billing_date', '>=', start),
                ('billing_date', '<', end),
                ]
        return domain

    def _schedule_items(self, sub_ids, context):
        pool = Pool()
        Schedule = pool.get('sale.subscription.schedule')
        schedules = Schedule.search(self._schedule_domain(sub_ids), order=[])
        rows = _uninvoiced_consumptions(
            [s.id for s in schedules], recurring=True)
        by_key = defaultdict(list)
        for row in rows:
            by_key[row['schedule'], row['line']].append(row)
        schedules = {s.id: s for s in schedules}
        context.prefetch_lines(line for _, line in by_key)
        result = []
        for (schedule_id, line_id), consumptions in by_key.items():
            schedule = schedules[schedule_id]
            line = context.line(line_id)
            result.append(context.item(
                    kind='schedule', subscription=schedule.subscription,
                    line=line, schedule=schedule,
                    quantity=sum((Decimal(str(c['quantity']))
                            for c in consumptions), Decimal(0)),
                    consumption_count=len(consumptions),
                    period=(schedule.period_start, schedule.period_end),
                    date=schedule.billing_date))
        return result

    def _time_entry_items(self, sub_ids, context):
        pool = Pool()
        Schedule = pool.get('sale.subscription.schedule')
        rows = _uninvoiced_consumptions(
            None, recurring=False, subscriptions=sub_ids,
            until=self.reference_date)
        schedules = {s.id: s for s in Schedule.browse(
                list({r['schedule'] for r in rows if r['schedule']}))}
        context.prefetch_lines(r['line'] for r in rows)
        result = []
        for row in rows:
            line = context.line(row['line'])
            schedule = schedules.get(row['schedule'])
            result.append(context.item(
                    kind='consumption', subscription=line.subscription,
                    line=line, schedule=schedule, consumption=row['id'],
                    quantity=Decimal(str(row['quantity'])),
                    consumption_count=1, period=(row['date'], row['date']),
                    date=schedule.billing_date if schedule else row['date']))
        return result

    def _charge_items(self, kinds, subscription_ids, context):
        pool = Pool()
        Charge = pool.get('account.invoice.pending_charge')
        charges = Charge.search([
                ('company', '=', self.company.id),
                ('state', '=', 'validated'),
                ('invoice_line', '=', None),
                ('kind', 'in', kinds),
                ('date', '<=', self.reference_date),
                ], order=[('date', 'ASC'), ('id', 'ASC')])
        restricted = bool(self.subscription_from or self.subscription_to
            or self.contract_types or self.taxable_only)
        selected = set(subscription_ids)
        context.prefetch_parties(c.party.id for c in charges)
        result = []
        for charge in charges:
            if not self.party_in_range(charge.party.code):
                continue
            if charge.subscription and charge.subscription.id not in selected:
                if restricted:
                    continue
            elif restricted and not charge.subscription:
                continue
            result.append(context.charge_item(charge))
        return result


def _uninvoiced_consumptions(schedule_ids, recurring, subscriptions=None,
        until=None):
    "Uninvoiced consumptions, of recurring lines or of time entries."
    pool = Pool()
    Consumption = pool.get('sale.subscription.line.consumption')
    SubscriptionLine = pool.get('sale.subscription.line')
    cursor = Transaction().connection.cursor()
    consumption = Consumption.__table__()
    line = SubscriptionLine.__table__()
    where = consumption.invoice_line == Null
    if recurring:
        where &= line.consumption_recurrence != Null
    else:
        where &= line.consumption_recurrence == Null
    if until:
        where &= consumption.date <= until
    result = []
    ids, column = ((schedule_ids, consumption.schedule)
        if schedule_ids is not None else (subscriptions, line.subscription))
    for sub_ids in grouped_slice(ids, 1000):
        cursor.execute(*consumption.join(
                line, condition=consumption.line == line.id).select(
                consumption.id, consumption.schedule, consumption.line,
                consumption.date, consumption.quantity,
                where=where & fields.SQL_OPERATORS['in'](column, sub_ids),
                order_by=[consumption.date, consumption.id]))
        for id_, schedule, line_id, date, quantity in cursor:
            if isinstance(date, str):
                date = dt.date.fromisoformat(date)
            result.append({'id': id_, 'schedule': schedule, 'line': line_id,
                    'date': date, 'quantity': quantity or 0})
    return result


class ItemContext:
    """Caches what items share: headers, accounts, taxes, labels.

    Everything is computed once per distinct key (party, product, date...),
    never once per item.
    """

    def __init__(self, batch):
        pool = Pool()
        self.batch = batch
        self.pool = pool
        self._lines = {}
        self._parties = {}
        self._headers = {}
        self._defaults = {}
        self._labels = {}
        self._roundings = {}
        self.tax_records = {}
        self.einvoice = {}  # what the e-invoice checks read once
        self.today = pool.get('ir.date').today()

    def prefetch_lines(self, line_ids):
        "Read contract lines in one browse list, not one by one."
        SubscriptionLine = self.pool.get('sale.subscription.line')
        missing = [i for i in set(line_ids) if i not in self._lines]
        for line in SubscriptionLine.browse(missing):
            self._lines[line.id] = line
        self.prefetch_parties(
            (l.subscription.invoice_party or l.subscription.party).id
            for l in self._lines.values())

    def prefetch_parties(self, party_ids):
        "Customers in one browse list, in the company's context."
        Party = self.pool.get('party.party')
        missing = [i for i in set(party_ids) if i not in self._parties]
        with Transaction().set_context(company=self.batch.company.id):
            for party in Party.browse(missing):
                self._parties[party.id] = party

    def line(self, line_id):
        if line_id not in self._lines:
            self.prefetch_lines([line_id])
        return self._lines[line_id]

    def invoice_date(self, date):
        mode = self.batch.invoice_date_mode
        if mode == 'schedule':
            return date
        if mode == 'today':
            return self.today
        if mode == 'fixed':
            return self.batch.invoice_date
        return self.batch.reference_date

    def header(self, party, address, currency, payment_term, date,
            references=(None, None)):
        """The homogeneity key of SPEC B3, and its problems; references:
        the Chorus Pro service code and engagement number"""
        key = (party.id, address.id if address else None, currency.id,
            payment_term.id if payment_term else None, date, references)
        if key not in self._headers:
            self._headers[key] = self._make_header(
                party, address, currency, payment_term, date, references)
        return self._headers[key]

    def _make_header(self, party, address, currency, payment_term, date,
            references):
        batch = self.batch
        problems = []
        self.prefetch_parties([party.id])
        party = self._parties[party.id]
        with Transaction().set_context(company=batch.company.id):
            try:
                account = party.account_receivable_used
            except UserError:
                account = None
        if not account:
            problems.append(core.Problem('missing_receivable_account',
                    core.BLOCKING, (('party', party.rec_name),)))
        if not address:
            problems.append(core.Problem('missing_invoice_address',
                    core.BLOCKING, (('party', party.rec_name),)))
        mandate = None
        if payment_term and payment_term.direct_debit:
            mandate = _validated_mandate(party, batch.company)
            if not mandate:
                problems.append(core.Problem('mandate_missing', core.WARNING,
                        (('party', party.rec_name),)))
        header = core.Header(
            company=batch.company.id, party=party.id,
            invoice_address=address.id if address else None,
            currency=currency.id,
            payment_term=payment_term.id if payment_term else None,
            account=account.id if account else None,
            journal=batch.journal.id, sepa_mandate=mandate.id if mandate
            else None, invoice_date=self.invoice_date(date),
            chorus_service_code=references[0],
            chorus_engagement=references[1])
        problems.extend(batch.einvoice_problems(self.einvoice, party,
                address, header.invoice_date, references))
        return header, tuple(problems)

    def defaults(self, product, party, address, date, taxable=True):
        "Revenue account and taxes as Tryton's invoice line would set them."
        key = (product.id, party.id, address.id if address else None, date,
            taxable)
        if key not in self._defaults:
            self._defaults[key] = self._line_defaults(
                product, party, address, date, taxable)
        return self._defaults[key]

    def _line_defaults(self, product, party, address, date, taxable):
        Invoice = self.pool.get('account.invoice')
        InvoiceLine = self.pool.get('account.invoice.line')
        batch = self.batch
        with Transaction().set_context(company=batch.company.id):
            invoice = Invoice(type='out', company=batch.company, party=party,
                invoice_address=address, invoice_date=date,
                currency=batch.company.currency)
            line = InvoiceLine(invoice=invoice, type='line', product=product,
                company=batch.company)
            try:
                line.on_change_product()
                account = line.account
            except UserError:
                account = None
        taxes = sorted(line.taxes or [], key=lambda t: (
                t.sequence is None, t.sequence or 0, t.id)) if taxable else []
        for tax in taxes:
            self.tax_records.setdefault(tax.id, tax)
        return account, tuple(t.id for t in taxes), line.unit

    def label(self, product, party):
        "The product's name translated in the customer's language."
        code = party.lang.code if party.lang else None
        key = (product.id, code)
        if key not in self._labels:
            with Transaction().set_context(language=code):
                Product = self.pool.get('product.product')
                self._labels[key] = Product(product.id).rec_name
        return self._labels[key]

    def core_taxes(self):
        return load_taxes(self.tax_records.values())

    def rounding(self, currency_id):
        Currency = self.pool.get('currency.currency')
        if currency_id not in self._roundings:
            self._roundings[currency_id] = Currency(currency_id).rounding
        return self._roundings[currency_id]

    def currencies(self, items):
        Currency = self.pool.get('currency.currency')
        return Currency.browse(list({i.header.currency for i in items}))

    def describe(self, party, label, start, end):
        "A merged period, worded in the customer's language."
        Party = self.pool.get('party.party')
        Schedule = self.pool.get('sale.subscription.schedule')
        party = Party(party)
        return Schedule.describe(
            party.lang.code if party.lang else None, label, start, end)

    def item(self, kind, subscription, line, schedule, quantity,
            consumption_count, period, date, consumption=None):
        party = subscription.invoice_party or subscription.party
        header, header_problems = self.header(
            party, subscription.invoice_address, subscription.currency,
            subscription.payment_term, date,
            subscription.chorus_references())
        product = line.service.product
        account, tax_ids, _ = self.defaults(product, party,
            subscription.invoice_address, header.invoice_date,
            subscription.taxable)
        label = self.label(product, party)
        return self._values(
            kind=kind, header=header, problems=header_problems,
            product=product, account=account, tax_ids=tax_ids, label=label,
            quantity=quantity, unit_price=line.unit_price or Decimal(0),
            unit=line.unit, subscription=subscription, line=line,
            schedule=schedule, consumption=consumption, charge=None,
            consumption_count=consumption_count, period=period, party=party)

    def charge_item(self, charge):
        party = charge.party
        subscription = charge.subscription
        address = (subscription.invoice_address if subscription
            else party.address_get(type='invoice'))
        payment_term = (subscription.payment_term if subscription
            else party.customer_payment_term)
        header, header_problems = self.header(
            party, address, charge.currency, payment_term, charge.date,
            subscription.chorus_references() if subscription else (
                party.chorus_service_code or None,
                party.chorus_engagement or None))
        account, tax_ids, _ = self.defaults(charge.product, party, address,
            header.invoice_date,
            subscription.taxable if subscription else True)
        label = charge.description or self.label(charge.product, party)
        return self._values(
            kind=charge.kind, header=header, problems=header_problems,
            product=charge.product, account=account, tax_ids=tax_ids,
            label=label, quantity=Decimal(str(charge.quantity)),
            unit_price=charge.unit_price, unit=charge.unit,
            subscription=subscription, line=None, schedule=None,
            consumption=None, charge=charge, consumption_count=0,
            period=(charge.period_start, charge.period_end), party=party)

    def _values(self, kind, header, problems, product, account, tax_ids,
            label, quantity, unit_price, unit, subscription, line, schedule,
            consumption, charge, consumption_count, period, party):
        problems = list(problems)
        if not account:
            problems.append(core.Problem('missing_revenue_account',
                    core.BLOCKING, (('product', product.rec_name),)))
        Schedule = self.pool.get('sale.subscription.schedule')
        code = party.lang.code if party.lang else None
        description = Schedule.describe(code, label, *period)
        hours = self.hours(unit, quantity)
        rounding = self.rounding(header.currency)
        values = {
            'kind': kind,
            'subscription': subscription.id if subscription else None,
            'schedule': schedule.id if schedule else None,
            'subscription_line': line.id if line else None,
            'consumption': consumption,
            'charge': charge.id if charge else None,
            'consumption_count': consumption_count,
            'product': product.id,
            'unit': unit.id if unit else None,
            'quantity': float(quantity),
            'unit_price': unit_price,
            'tax_ids': ','.join(map(str, tax_ids)) or None,
            'account': account.id if account else None,
            'label': label,
            'description': description,
            'period_start': period[0],
            'period_end': period[1],
            'hours': hours,
            'amount': line_amount(quantity, unit_price, rounding),
            'problems': encode_problems(problems),
            }
        ref = (('charge', charge.id) if charge
            else ('consumption', consumption) if consumption
            else ('schedule', schedule.id, line.id))
        pure = dict(ref=ref, kind=kind, header=header, quantity=quantity,
            unit_price=unit_price, tax_ids=tax_ids,
            subscription=values['subscription'], schedule=values['schedule'],
            origin=str(line) if line else None, product=product.id,
            unit=values['unit'], account=values['account'], label=label,
            description=description, period_start=period[0],
            period_end=period[1], hours=hours, problems=tuple(problems))
        return values, pure

    def hours(self, unit, quantity):
        "Hours worked, when the unit measures time (seed 002)."
        pool = self.pool
        ModelData = pool.get('ir.model.data')
        Uom = pool.get('product.uom')
        if not unit:
            return None
        time = ModelData.get_id('product', 'uom_cat_time')
        if unit.category.id != time:
            return None
        hour = Uom(ModelData.get_id('product', 'uom_hour'))
        return Decimal(str(Uom.compute_qty(unit, float(quantity), hour))
            ).quantize(Decimal('0.01'))


def _validated_mandate(party, company):
    for mandate in party.sepa_mandates:
        if mandate.company == company and mandate.state == 'validated':
            return mandate
    return None
