# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Keeping schedules in step with their contracts (B1).

``Schedule.sync`` turns each contract's recurrence rules into schedule rows
(through the pure ``billing.schedules.plan``), links the consumptions that
exist to their schedule and refreshes states.  It runs when a contract is
run, put back to draft or closed, when Tryton generates consumptions, and
before every batch preview; it is idempotent.
"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..billing import schedules as rules

# Planned schedules are shown this far ahead (at least the next one).
HORIZON = dt.timedelta(days=92)
# Recurrence dates are expanded this far beyond the horizon to know the end
# of the last period and the billing date of the last consumptions.
LOOKAHEAD = dt.timedelta(days=800)
CHUNK = 200


def _as_datetime(date):
    return dt.datetime.combine(date, dt.time())


class SchedulePlanning:
    "Schedules planned from the contracts' recurrence rules (B1)."
    __slots__ = ()

    @classmethod
    def sync(cls, subscriptions, until=None):
        "Create, update or cancel the schedules of ``subscriptions``."
        pool = Pool()
        Date = pool.get('ir.date')
        Subscription = pool.get('sale.subscription')
        today = Date.today()
        until = max(until or today, today + HORIZON)
        dates_cache = {}
        touched = []
        for sub_ids in grouped_slice([int(s) for s in subscriptions], CHUNK):
            touched.extend(cls._sync_chunk(
                    Subscription.browse(list(sub_ids)), until, today,
                    dates_cache))
        cls.refresh_states(touched, today=today)

    @classmethod
    def _sync_chunk(cls, subscriptions, until, today, dates_cache):
        existing = defaultdict(dict)
        schedules = cls.search([
                ('subscription', 'in', [s.id for s in subscriptions]),
                ], order=[])
        for schedule in schedules:
            existing[schedule.subscription.id][schedule.billing_date] = (
                schedule)
        actuals = cls._actual_consumptions(subscriptions)
        to_create, to_write, links = [], [], []
        for subscription in subscriptions:
            invoice_dates, plans = cls._plan(
                subscription, until, actuals[subscription.id], dates_cache)
            current = existing[subscription.id]
            for plan in plans:
                values = cls._plan_values(subscription, plan, today)
                schedule = current.pop(plan.billing_date, None)
                if schedule is None:
                    to_create.append(values)
                else:
                    changes = cls._changes(schedule, values)
                    if changes:
                        to_write.extend(([schedule], changes))
            for schedule in current.values():
                if schedule.state in {'planned', 'due'}:
                    to_write.extend(([schedule], {'state': 'cancelled'}))
            links.append((subscription, invoice_dates))
        created = cls.create(to_create) if to_create else []
        if to_write:
            cls.write(*to_write)
        cls._link_consumptions(links, actuals)
        return schedules + created

    @staticmethod
    def _changes(schedule, values):
        changes = {}
        for name, value in values.items():
            if name == 'subscription':
                continue
            if name == 'state':
                if schedule.state == 'cancelled':
                    changes[name] = value
                continue
            if getattr(schedule, name) != value:
                changes[name] = value
        return changes

    @classmethod
    def _plan(cls, subscription, until, actuals, dates_cache):
        "Invoice dates and planned schedules of one contract."
        if subscription.state not in {'running', 'closed'}:
            return [], []
        start = subscription.invoice_start_date or subscription.start_date
        end = until + LOOKAHEAD
        invoice_dates = cls._dates(
            subscription.invoice_recurrence, start, end, dates_cache)
        line_rules, delays = [], {}
        for line in subscription.lines:
            delays[line.id] = line.consumption_delay or dt.timedelta()
            if not line.consumption_recurrence:
                continue
            line_rules.append(rules.LineRule(
                    id=line.id, start=line.start_date,
                    end=line.end_date or subscription.end_date,
                    dates=cls._dates(line.consumption_recurrence,
                        line.start_date, end, dates_cache),
                    quantity=Decimal(str(line.quantity or 0)),
                    unit_price=line.unit_price or Decimal(0),
                    delay=delays[line.id]))
        plans = rules.plan(line_rules, invoice_dates, until)
        cls._add_extra_consumptions(plans, actuals, delays, invoice_dates)
        return invoice_dates, plans

    @staticmethod
    def _add_extra_consumptions(plans, actuals, delays, invoice_dates):
        "Consumptions entered by hand (time entries) join their period."
        known = {(o.line, o.date) for p in plans for o in p.occurrences}
        by_date = {p.billing_date: p for p in plans}
        for row in actuals:
            if (row['line'], row['date']) in known:
                continue
            available = row['date'] + delays.get(row['line'], dt.timedelta())
            date = rules.billing_date(available, invoice_dates)
            if date is None:
                continue
            if date not in by_date:
                by_date[date] = rules.PlannedSchedule(date)
                plans.append(by_date[date])
            by_date[date].occurrences.append(rules.Occurrence(
                    row['line'], row['date'], row['date'], available,
                    Decimal(str(row['quantity'])), row['unit_price']))
        plans.sort(key=lambda p: p.billing_date)

    @staticmethod
    def _dates(recurrence, start, end, cache):
        key = (recurrence.id, start, end)
        if key not in cache:
            rruleset = recurrence.rruleset(start)
            cache[key] = tuple(d.date() for d in rruleset.between(
                    _as_datetime(start), _as_datetime(end), inc=True))
        return cache[key]

    @classmethod
    def _plan_values(cls, subscription, plan, today):
        rounding = subscription.currency.rounding
        return {
            'subscription': subscription.id,
            'billing_date': plan.billing_date,
            'period_start': plan.period_start,
            'period_end': plan.period_end,
            'description': cls.describe(cls.party_language(subscription),
                subscription.description or subscription.number or '',
                plan.period_start, plan.period_end),
            'untaxed_amount': plan.untaxed_amount(rounding),
            'occurrence_count': len(plan.occurrences),
            'state': rules.state(
                plan.billing_date, today, len(plan.occurrences), 0, 0),
            }

    @staticmethod
    def party_language(subscription):
        party = subscription.invoice_party or subscription.party
        return party.lang.code if party.lang else None

    @classmethod
    def describe(cls, code, label, start, end):
        "'label — du 01/03/2026 au 31/03/2026' in the language ``code``."
        Lang = Pool().get('ir.lang')
        if not (start and end):
            return label
        lang = Lang.get(code)
        return gettext('lot_facturation.msg_schedule_period', lang.code,
            label=label, start=lang.strftime(start), end=lang.strftime(end))

    @classmethod
    def _actual_consumptions(cls, subscriptions):
        pool = Pool()
        Consumption = pool.get('sale.subscription.line.consumption')
        SubscriptionLine = pool.get('sale.subscription.line')
        cursor = Transaction().connection.cursor()
        consumption = Consumption.__table__()
        line = SubscriptionLine.__table__()
        result = defaultdict(list)
        cursor.execute(*consumption.join(
                line, condition=consumption.line == line.id).select(
                consumption.id, line.subscription, consumption.line,
                consumption.date, consumption.quantity, line.unit_price,
                consumption.schedule,
                where=fields.SQL_OPERATORS['in'](
                    line.subscription, [s.id for s in subscriptions])))
        for (id_, subscription, line_id, date, quantity, unit_price,
                schedule) in cursor:
            result[subscription].append({
                    'id': id_, 'line': line_id, 'date': _date(date),
                    'quantity': quantity or 0,
                    'unit_price': Decimal(str(unit_price or 0)),
                    'schedule': schedule,
                    })
        return result

    @classmethod
    def _link_consumptions(cls, links, actuals):
        "Point each consumption to the schedule of its billing date."
        pool = Pool()
        Consumption = pool.get('sale.subscription.line.consumption')
        if not any(actuals[s.id] for s, _ in links):
            return
        # Plain SQL: the ORM would read every schedule field for 3 columns.
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        ids = {}
        for sub_ids in grouped_slice(
                [s.id for s, _ in links], 1000):
            cursor.execute(*table.select(
                    table.id, table.subscription, table.billing_date,
                    where=fields.SQL_OPERATORS['in'](
                        table.subscription, list(sub_ids))))
            for id_, subscription, billing_date in cursor:
                ids[subscription, _date(billing_date)] = id_
        targets = defaultdict(list)
        for subscription, invoice_dates in links:
            delays = {l.id: l.consumption_delay or dt.timedelta()
                for l in subscription.lines}
            for row in actuals[subscription.id]:
                date = rules.billing_date(
                    row['date'] + delays.get(row['line'], dt.timedelta()),
                    invoice_dates)
                target = ids.get((subscription.id, date))
                if target != row['schedule']:
                    targets[target].append(row['id'])
        Consumption.link_schedule(targets)


def _date(value):
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value
