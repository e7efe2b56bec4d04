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
from collections import defaultdict, namedtuple
from decimal import Decimal

from sql import Column
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..billing import schedules as rules
from ..common.multivalues import company_values

# Planned schedules are shown this far ahead (at least the next one).
HORIZON = dt.timedelta(days=92)
# Recurrence dates are expanded this far beyond the horizon to know the end
# of the last period and the billing date of the last consumptions.
LOOKAHEAD = dt.timedelta(days=800)
CHUNK = 1000
# Stands for the contract's label in a period description worded once.
LABEL = '\x00label\x00'


def _as_datetime(date):
    return dt.datetime.combine(date, dt.time())


class SchedulePlanning:
    "Schedules planned from the contracts' recurrence rules (B1)."
    __slots__ = ()

    @classmethod
    def sync(cls, subscriptions, until=None):
        """Create, update or cancel the schedules of ``subscriptions``.

        Contracts are read and schedules compared a chunk at a time with
        plain SQL (only the columns the plan needs): memory stays flat and
        the ORM only writes what changed.
        """
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        until = max(until or today, today + HORIZON)
        context = PlanContext()
        for sub_ids in grouped_slice(
                sorted({int(s) for s in subscriptions}), CHUNK):
            touched = cls._sync_chunk(list(sub_ids), until, today, context)
            cls.refresh_states(touched, today=today)

    @classmethod
    def _sync_chunk(cls, sub_ids, until, today, context):
        "Schedule ids of the contracts ``sub_ids`` once in step."
        contracts = context.contracts(sub_ids)
        existing, stored = defaultdict(dict), []
        for row in cls._schedule_rows(sub_ids):
            existing[row['subscription']][row['billing_date']] = row
            stored.append(row['id'])
        actuals = cls._actual_consumptions(sub_ids)
        to_create, changes, links = [], defaultdict(list), []
        for contract in contracts:
            invoice_dates, plans = cls._plan(
                contract, until, actuals[contract.id], context)
            current = existing[contract.id]
            for plan in plans:
                values = cls._plan_values(contract, plan, today, context)
                row = current.pop(plan.billing_date, None)
                if row is None:
                    to_create.append(values)
                else:
                    change = cls._changes(row, values)
                    if change:
                        changes[tuple(sorted(change.items()))].append(
                            row['id'])
            for row in current.values():
                if row['state'] in {'planned', 'due'}:
                    changes[(('state', 'cancelled'),)].append(row['id'])
            links.append((contract, invoice_dates))
        created = cls.create(to_create) if to_create else []
        to_write = []
        for change, ids in changes.items():
            to_write.extend((cls.browse(ids), dict(change)))
        if to_write:
            cls.write(*to_write)
        cls._link_consumptions(links, actuals)
        return stored + [s.id for s in created]

    @staticmethod
    def _changes(row, values):
        changes = {}
        for name, value in values.items():
            if name == 'subscription':
                continue
            if name == 'state':
                if row['state'] == 'cancelled':
                    changes[name] = value
                continue
            if row[name] != value:
                changes[name] = value
        return changes

    @classmethod
    def _schedule_rows(cls, sub_ids):
        "The stored schedules of the contracts, as dictionaries."
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        columns = ['id', 'subscription', 'billing_date', 'period_start',
            'period_end', 'description', 'untaxed_amount',
            'occurrence_count', 'state']
        cursor.execute(*table.select(
                *[Column(table, c) for c in columns],
                where=fields.SQL_OPERATORS['in'](table.subscription, sub_ids)))
        for row in cursor:
            row = dict(zip(columns, row))
            for name in ['billing_date', 'period_start', 'period_end']:
                row[name] = _date(row[name])
            if row['untaxed_amount'] is not None:
                row['untaxed_amount'] = Decimal(str(row['untaxed_amount']))
            yield row

    @classmethod
    def _plan(cls, contract, until, actuals, context):
        "Invoice dates and planned schedules of one contract."
        if contract.state not in {'running', 'closed'}:
            return [], []
        start = contract.invoice_start_date or contract.start_date
        end = until + LOOKAHEAD
        invoice_dates = context.dates(contract.invoice_recurrence, start, end)
        line_rules, delays = [], {}
        for line in contract.lines:
            delays[line.id] = line.delay
            if not line.recurrence:
                continue
            line_rules.append(rules.LineRule(
                    id=line.id, start=line.start_date,
                    end=line.end_date or contract.end_date,
                    dates=context.dates(line.recurrence, line.start_date, end),
                    quantity=line.quantity, unit_price=line.unit_price,
                    delay=line.delay))
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

    @classmethod
    def _plan_values(cls, contract, plan, today, context):
        return {
            'subscription': contract.id,
            'billing_date': plan.billing_date,
            'period_start': plan.period_start,
            'period_end': plan.period_end,
            'description': context.describe(contract.party,
                contract.label, plan.period_start, plan.period_end),
            'untaxed_amount': plan.untaxed_amount(
                context.rounding(contract.currency)),
            'occurrence_count': len(plan.occurrences),
            'state': rules.state(
                plan.billing_date, today, len(plan.occurrences), 0, 0),
            }

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
    def _actual_consumptions(cls, sub_ids):
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
                where=fields.SQL_OPERATORS['in'](line.subscription, sub_ids)))
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
        if not any(actuals[c.id] for c, _ in links):
            return
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        ids = {}
        cursor.execute(*table.select(
                table.id, table.subscription, table.billing_date,
                where=fields.SQL_OPERATORS['in'](
                    table.subscription, [c.id for c, _ in links])))
        for id_, subscription, billing_date in cursor:
            ids[subscription, _date(billing_date)] = id_
        targets = defaultdict(list)
        for contract, invoice_dates in links:
            delays = {l.id: l.delay for l in contract.lines}
            for row in actuals[contract.id]:
                date = rules.billing_date(
                    row['date'] + delays.get(row['line'], dt.timedelta()),
                    invoice_dates)
                target = ids.get((contract.id, date))
                if target != row['schedule']:
                    targets[target].append(row['id'])
        Consumption.link_schedule(targets)


Contract = namedtuple('Contract', ['id', 'state', 'start_date',
        'invoice_start_date', 'end_date', 'invoice_recurrence', 'label',
        'currency', 'party', 'lines'])
ContractLine = namedtuple('ContractLine', ['id', 'recurrence', 'start_date',
        'end_date', 'quantity', 'unit_price', 'delay'])


class PlanContext:
    """What the schedules of many contracts share, read once.

    Recurrence dates, currency roundings and period descriptions are the
    same for most contracts; customers' languages are read a chunk at a
    time.
    """

    def __init__(self):
        self._dates = {}
        self._rulesets = {}
        self._roundings = {}
        self._templates = {}
        self._languages = {}

    def contracts(self, sub_ids):
        "The contracts ``sub_ids`` with their lines, read with plain SQL."
        pool = Pool()
        Subscription = pool.get('sale.subscription')
        SubscriptionLine = pool.get('sale.subscription.line')
        cursor = Transaction().connection.cursor()
        line = SubscriptionLine.__table__()
        lines = defaultdict(list)
        cursor.execute(*line.select(line.id, line.subscription,
                line.consumption_recurrence, line.start_date, line.end_date,
                line.quantity, line.unit_price, line.consumption_delay,
                where=fields.SQL_OPERATORS['in'](line.subscription, sub_ids),
                order_by=[line.id]))
        for (id_, sub_id, recurrence, start, end, quantity, unit_price,
                delay) in cursor:
            lines[sub_id].append(ContractLine(id_, recurrence, _date(start),
                    _date(end), Decimal(str(quantity or 0)),
                    Decimal(str(unit_price or 0)), _delta(delay)))
        table = Subscription.__table__()
        cursor.execute(*table.select(table.id, table.state,
                table.start_date, table.invoice_start_date, table.end_date,
                table.invoice_recurrence, table.description, table.number,
                table.currency, Coalesce(table.invoice_party, table.party),
                where=fields.SQL_OPERATORS['in'](table.id, sub_ids),
                order_by=[table.id]))
        contracts = [Contract(i, state, _date(s), _date(invoice_start),
                _date(end), recurrence, description or number or '',
                currency, party, lines[i])
            for (i, state, s, invoice_start, end, recurrence, description,
                number, currency, party) in cursor]
        self._read_languages({c.party for c in contracts})
        return contracts

    def _read_languages(self, party_ids):
        "Each customer's language (a company-dependent value of Tryton)."
        self._languages = language_codes(party_ids)

    def dates(self, recurrence, start, end):
        "Dates of the rule set ``recurrence`` (an id) from start to end."
        key = (recurrence, start, end)
        if key not in self._dates:
            if recurrence not in self._rulesets:
                RuleSet = Pool().get(
                    'sale.subscription.recurrence.rule.set')
                self._rulesets[recurrence] = RuleSet(recurrence)
            rruleset = self._rulesets[recurrence].rruleset(start)
            self._dates[key] = tuple(d.date() for d in rruleset.between(
                    _as_datetime(start), _as_datetime(end), inc=True))
        return self._dates[key]

    def rounding(self, currency):
        if currency not in self._roundings:
            Currency = Pool().get('currency.currency')
            self._roundings[currency] = Currency(currency).rounding
        return self._roundings[currency]

    def describe(self, party, label, start, end):
        "The period worded in the customer's language, one gettext a period."
        code = self._languages.get(party)
        key = (code, start, end)
        if key not in self._templates:
            Schedule = Pool().get('sale.subscription.schedule')
            self._templates[key] = Schedule.describe(
                code, LABEL, start, end)
        return self._templates[key].replace(LABEL, label)


def language_codes(party_ids):
    "{party id: language code or None} in the context's company."
    pool = Pool()
    Party = pool.get('party.party')
    Lang = pool.get('ir.lang')
    langs = company_values(Party, 'lang', party_ids,
        Transaction().context.get('company'))
    codes = {l.id: l.code for l in Lang.browse(
            list({i for i in langs.values() if i}))}
    return {p: codes.get(l) for p, l in langs.items()}


def _date(value):
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _delta(value):
    "A consumption delay as SQLite (seconds) or PostgreSQL gives it."
    if value is None:
        return dt.timedelta()
    if isinstance(value, (int, float)):
        return dt.timedelta(seconds=value)
    return value
