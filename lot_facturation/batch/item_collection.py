# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""What a batch would invoice: its items, read in bulk from the database.

Each item comes with the values it is stored with in the preview and the
pure ``billing.items.Item`` the pricing functions use; both are built here
and only here.  The preview works a chunk of customers at a time (an
invoice never has two customers): contracts, lines, schedules and
consumptions are read with plain SQL, only the columns the items need.
"""
import datetime as dt
from collections import defaultdict, namedtuple
from decimal import Decimal

from sql import Null
from sql.conditionals import Coalesce

from trytond.model import fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..billing.ranges import in_range
from .item_context import ItemContext

SOURCE_KINDS = {
    'include_charges': 'charge',
    'include_interests': 'interest',
    }
# Contracts priced and stored together: enough to amortise the queries,
# few enough to keep the memory of a preview flat.
CHUNK = 500

ContractRow = namedtuple('ContractRow', ['id', 'party', 'invoice_address',
        'currency', 'payment_term', 'taxable', 'service_code', 'engagement'])
LineRow = namedtuple('LineRow', ['id', 'subscription', 'product',
        'unit_price', 'unit'])
ScheduleRow = namedtuple('ScheduleRow', ['id', 'subscription',
        'billing_date', 'period_start', 'period_end'])


class BatchItems:
    "What a batch would invoice, read in bulk (B2, B4)."
    __slots__ = ()

    def selected_subscriptions(self):
        "Contracts matching the criteria (B2), as ids."
        return [s for _, s in self.selected_contracts()]

    def selected_contracts(self):
        "(customer id, contract id) matching the criteria (B2), sorted."
        pool = Pool()
        Subscription = pool.get('sale.subscription')
        Party = pool.get('party.party')
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
        query = Subscription.search(domain, order=[], query=True)
        table = Subscription.__table__()
        party = Party.__table__()
        customer = Coalesce(table.invoice_party, table.party)
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.join(party, condition=party.id == customer
                ).select(table.id, table.number, customer, party.code,
                where=table.id.in_(query)))
        low = self.subscription_from.number if self.subscription_from else None
        high = self.subscription_to.number if self.subscription_to else None
        return sorted((p, i) for i, number, p, code in cursor
            if in_range(number, low, high) and self.party_in_range(code))

    def party_in_range(self, code):
        low = self.party_from.code if self.party_from else None
        high = self.party_to.code if self.party_to else None
        return in_range(code, low, high)

    def preview_chunks(self, contracts):
        """Lists of (customer, [contract ids]) of about CHUNK contracts, by
        customer id; customers with charges but no contract included."""
        by_party = defaultdict(list)
        for party, subscription in contracts:
            by_party[party].append(subscription)
        for party in self._charge_parties():
            by_party.setdefault(party, [])
        chunk, size = [], 0
        for party in sorted(by_party):
            chunk.append((party, by_party.pop(party)))
            size += max(1, len(chunk[-1][1]))
            if size >= CHUNK:
                yield chunk
                chunk, size = [], 0
        if chunk:
            yield chunk

    def item_context(self, contracts):
        "The caches shared by every chunk of one preview."
        context = ItemContext(self)
        context.selected = {s for _, s in contracts}
        return context

    def collect_items(self, chunk, context):
        """Items of a chunk of customers (``preview_chunks``).

        Each item is a pair (stored item values, keyword arguments of the pure
        item with ``tax_ids`` in place of taxes).
        """
        context.start_chunk([p for p, _ in chunk])
        sub_ids = [s for _, subs in chunk for s in subs]
        result = []
        if sub_ids:
            contracts = _contract_rows(sub_ids)
            if self.include_schedules:
                result.extend(
                    self._schedule_items(sub_ids, contracts, context))
            if self.include_consumptions:
                result.extend(
                    self._time_entry_items(sub_ids, contracts, context))
        kinds = [k for f, k in SOURCE_KINDS.items() if getattr(self, f)]
        if kinds:
            result.extend(self._charge_items(
                    kinds, [p for p, _ in chunk], context))
        return result

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

    def _schedule_items(self, sub_ids, contracts, context):
        pool = Pool()
        Schedule = pool.get('sale.subscription.schedule')
        schedules = _schedule_rows(Schedule.search(
                self._schedule_domain(sub_ids), order=[], query=True))
        rows = _uninvoiced_consumptions(list(schedules), recurring=True)
        by_key = defaultdict(list)
        for row in rows:
            by_key[row['schedule'], row['line']].append(row)
        lines = _line_rows({line for _, line in by_key})
        result = []
        for (schedule_id, line_id), consumptions in by_key.items():
            schedule = schedules[schedule_id]
            result.append(context.item(
                    kind='schedule', contract=contracts[schedule.subscription],
                    line=lines[line_id], schedule=schedule,
                    quantity=sum((Decimal(str(c['quantity']))
                            for c in consumptions), Decimal(0)),
                    consumption_count=len(consumptions),
                    period=(schedule.period_start, schedule.period_end),
                    date=schedule.billing_date))
        return result

    def _time_entry_items(self, sub_ids, contracts, context):
        rows = _uninvoiced_consumptions(
            None, recurring=False, subscriptions=sub_ids,
            until=self.reference_date)
        schedule_ids = list({r['schedule'] for r in rows if r['schedule']})
        schedules = _schedule_rows(schedule_ids) if schedule_ids else {}
        lines = _line_rows({r['line'] for r in rows})
        result = []
        for row in rows:
            line = lines[row['line']]
            schedule = schedules.get(row['schedule'])
            result.append(context.item(
                    kind='consumption', contract=contracts[line.subscription],
                    line=line, schedule=schedule, consumption=row['id'],
                    quantity=Decimal(str(row['quantity'])),
                    consumption_count=1, period=(row['date'], row['date']),
                    date=schedule.billing_date if schedule else row['date']))
        return result

    def _charge_domain(self, kinds):
        return [
            ('company', '=', self.company.id),
            ('state', '=', 'validated'),
            ('invoice_line', '=', None),
            ('kind', 'in', kinds),
            ('date', '<=', self.reference_date),
            ]

    def _charge_parties(self):
        "Customers with a charge the batch may invoice."
        pool = Pool()
        Charge = pool.get('account.invoice.pending_charge')
        kinds = [k for f, k in SOURCE_KINDS.items() if getattr(self, f)]
        if not kinds:
            return set()
        table = Charge.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.party, where=table.id.in_(
                    Charge.search(self._charge_domain(kinds), order=[],
                        query=True)),
                group_by=[table.party]))
        return {p for p, in cursor}

    def _charge_items(self, kinds, party_ids, context):
        pool = Pool()
        Charge = pool.get('account.invoice.pending_charge')
        charges = Charge.search(self._charge_domain(kinds) + [
                ('party', 'in', party_ids),
                ], order=[('date', 'ASC'), ('id', 'ASC')])
        restricted = bool(self.subscription_from or self.subscription_to
            or self.contract_types or self.taxable_only)
        result = []
        for charge in charges:
            if not self.party_in_range(charge.party.code):
                continue
            if (charge.subscription
                    and charge.subscription.id not in context.selected):
                if restricted:
                    continue
            elif restricted and not charge.subscription:
                continue
            result.append(context.charge_item(charge))
        return result


def _contract_rows(sub_ids):
    "{id: ContractRow} of the contracts, what their items need."
    Subscription = Pool().get('sale.subscription')
    table = Subscription.__table__()
    cursor = Transaction().connection.cursor()
    result = {}
    for ids in grouped_slice(sub_ids, 1000):
        cursor.execute(*table.select(table.id,
                Coalesce(table.invoice_party, table.party),
                table.invoice_address, table.currency, table.payment_term,
                table.taxable, table.chorus_service_code,
                table.chorus_engagement,
                where=fields.SQL_OPERATORS['in'](table.id, list(ids))))
        for row in cursor:
            result[row[0]] = ContractRow(
                *row[:5], bool(row[5]), row[6] or None, row[7] or None)
    return result


def _line_rows(line_ids):
    "{id: LineRow} of contract lines, with the product of their service."
    pool = Pool()
    SubscriptionLine = pool.get('sale.subscription.line')
    Service = pool.get('sale.subscription.service')
    line = SubscriptionLine.__table__()
    service = Service.__table__()
    cursor = Transaction().connection.cursor()
    result = {}
    for ids in grouped_slice(list(line_ids), 1000):
        cursor.execute(*line.join(service,
                condition=line.service == service.id).select(
                line.id, line.subscription, service.product,
                line.unit_price, line.unit,
                where=fields.SQL_OPERATORS['in'](line.id, list(ids))))
        for id_, sub, product, unit_price, unit in cursor:
            result[id_] = LineRow(id_, sub, product,
                Decimal(str(unit_price)) if unit_price is not None
                else Decimal(0), unit)
    return result


def _schedule_rows(ids):
    "{id: ScheduleRow} of schedule ids (a list or a query of ids)."
    Schedule = Pool().get('sale.subscription.schedule')
    table = Schedule.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(table.id, table.subscription,
            table.billing_date, table.period_start, table.period_end,
            where=(fields.SQL_OPERATORS['in'](table.id, ids)
                if isinstance(ids, list) else table.id.in_(ids))))
    return {r[0]: ScheduleRow(r[0], r[1], *(_date(d) for d in r[2:]))
        for r in cursor}


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
            result.append({'id': id_, 'schedule': schedule, 'line': line_id,
                    'date': _date(date), 'quantity': quantity or 0})
    return result


def _date(value):
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value
