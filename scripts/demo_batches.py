"""Batch invoicing demo data: pending charges and two invoice batches.

Last month's batch is generated and posted, so the demo shows invoices and
schedules already invoiced; this month's batch is previewed and waits for
the accountant.  Idempotent: records are found by their subject or
description before being created.
"""
import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from proteus import Model

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
    "août", "septembre", "octobre", "novembre", "décembre"]
# (customer code, description, service code, quantity, unit price, validated)
CHARGES = [
    ("C0002", "Déplacement sur site", "SUPPORT", 1, Decimal('85.00'), True),
    ("C0007", "Intervention urgente hors contrat", "SUPPORT", 3,
        Decimal('85.00'), True),
    ("C0011", "Frais de mise en service", "MAINT", 1, Decimal('150.00'),
        False),
    ("C0016", "Migration de messagerie", "SUPPORT", 6, Decimal('85.00'),
        False),
    ]


def month_name(date):
    return f"{MONTHS[date.month - 1]} {date.year}"


def skip_warnings(config, func):
    "Answer yes to Tryton warnings, as the accountant of seed 000 does."
    from trytond.exceptions import UserWarning
    Warning = Model.get('res.user.warning')
    while True:
        try:
            return func()
        except UserWarning as warning:
            # What the web client calls: any user may answer a warning
            Warning.skip(warning.name, False, config.context)


def create_charges(company, today):
    Charge = Model.get('account.invoice.pending_charge')
    Party = Model.get('party.party')
    Service = Model.get('sale.subscription.service')
    for code, description, service, quantity, price, validated in CHARGES:
        if Charge.find([('description', '=', description)]):
            continue
        party, = Party.find([('code', '=', code)])
        product = [s.product for s in Service.find([])
            if s.product.code == service][0]
        charge = Charge(party=party, product=product, quantity=quantity,
            unit_price=price, description=description,
            date=today.replace(day=1) - relativedelta(days=5))
        charge.save()
        if validated:
            charge.click('validate_charge')


def create_batch(name, reference, journal, **values):
    Batch = Model.get('account.invoice.batch')
    batches = Batch.find([('name', '=', name)])
    if batches:
        return batches[0], False
    batch = Batch(name=name, reference_date=reference, journal=journal,
        **values)
    batch.save()
    return batch, True


def create_batches(config, today):
    Journal = Model.get('account.journal')
    journal, = Journal.find([('type', '=', 'revenue')], limit=1)
    last = today.replace(day=1) - relativedelta(months=1)
    batch, created = create_batch(
        f"Facturation mensuelle {month_name(last)}", last, journal,
        recording_mode='posted', include_charges=False,
        include_interests=False)
    # By state, not by creation: a run stopped half way is completed
    if batch.state == 'draft':
        skip_warnings(config, lambda: batch.click('preview'))
    if batch.state == 'previewed':
        batch.click('generate')
    current = today.replace(day=1)
    batch, created = create_batch(
        f"Facturation mensuelle {month_name(current)}", current, journal,
        grouping='party')
    if batch.state == 'draft':
        skip_warnings(config, lambda: batch.click('preview'))


def as_user(config, login, func, *args):
    "Run func as the user login: the batches are the accountant's own"
    from proteus import config as pconfig
    user_config = pconfig.set_trytond(config.database_name, user=login)
    try:
        return func(user_config, *args)
    finally:
        pconfig.set_trytond(config.database_name, user='admin')


def create_lot_facturation_data(config, company, today=None):
    today = today or dt.date.today()
    import demo_send
    create_charges(company, today)
    as_user(config, 'comptable', create_batches, today)
    demo_send.send_on_paper(config, skip_warnings)
    import demo_pa
    demo_pa.configure_and_send(config, skip_warnings)
