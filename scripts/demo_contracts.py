"""The running service contracts of the demo (sale.subscription), started
over the last months so that periods are due now.
"""
from dateutil.relativedelta import relativedelta

from proteus import Model

import demo_fixtures as fx
from demo_records import TODAY, get_or_new


def create_contract_types():
    "Contract types, when lot_facturation defines them (batch criteria)."
    if 'contract_type' not in Model.get('sale.subscription')._fields:
        return {}
    types = {}
    for code, name in fx.CONTRACT_TYPES.items():
        type_, created = get_or_new('sale.subscription.type',
            [('code', '=', code)], code=code, name=name)
        if created:
            type_.save()
        types[code] = type_
    return types


def contract_start(index, kind):
    "Start dates spread over the last months so that periods are due now."
    first_of_month = TODAY.replace(day=1)
    if kind == 'yearly_advance':
        months = 10 + index % 4   # anniversaries around now
    else:
        months = (index * 5) % 7  # 0 to 6 months ago
    return first_of_month - relativedelta(months=months)


def create_subscriptions(company, customers, services, rule_sets, types,
        public=None):
    "Running service contracts: monthly, quarterly, yearly; advance/arrears."
    Subscription = Model.get('sale.subscription')
    fields = Subscription._fields
    codes = list(customers)
    to_quote = []
    for index in range(fx.NUMBER_OF_CONTRACTS):
        reference = f'DEMO-{index + 1:03d}'
        if Subscription.find([('reference', '=', reference)], limit=1):
            continue
        kind, lines, description, type_code = fx.CONTRACTS[
            index % len(fx.CONTRACTS)]
        label, invoice_rec, consumption_rec, from_start = fx.KINDS[kind]
        party = customers[codes[index % len(codes)]]
        start = contract_start(index, kind)
        subscription = Subscription(party=party, reference=reference)
        subscription.description = f"{description} ({label})"
        subscription.start_date = start
        if from_start:
            subscription.invoice_start_date = start
        if index % 9 == 4:  # fixed-term contracts
            subscription.end_date = start + relativedelta(years=2, days=-1)
        subscription.invoice_recurrence = rule_sets[invoice_rec]
        if 'contract_type' in fields and types:
            subscription.contract_type = types[type_code]
        if reference in fx.EXEMPT_CONTRACTS:
            lines = [("FORM", 1)]
        for code, quantity in lines:
            line = subscription.lines.new()
            line.service = services[code]
            line.quantity = quantity
            line.consumption_recurrence = rule_sets[consumption_rec]
        subscription.save()
        to_quote.append(subscription)
    to_quote += create_public_subscriptions(
        public or {}, services, rule_sets)
    if to_quote:
        Subscription.click(to_quote, 'quote')
        Subscription.click(to_quote, 'run')
    return Subscription.find([('reference', 'like', 'DEMO-%')])


def create_public_subscriptions(customers, services, rule_sets):
    "The monthly contracts of the public entities (not yet saved ones)"
    Subscription = Model.get('sale.subscription')
    created = []
    for reference, code, lines, description in fx.PUBLIC_CONTRACTS:
        if Subscription.find([('reference', '=', reference)], limit=1):
            continue
        subscription = Subscription(party=customers[code],
            reference=reference, description=description)
        subscription.start_date = contract_start(0, 'monthly_advance')
        subscription.invoice_start_date = subscription.start_date
        subscription.invoice_recurrence = rule_sets['monthly_start']
        for service_code, quantity in lines:
            line = subscription.lines.new()
            line.service = services[service_code]
            line.quantity = quantity
            line.consumption_recurrence = rule_sets['monthly_start']
        subscription.save()
        created.append(subscription)
    return created
