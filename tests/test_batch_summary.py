"""E3: the batch details in seed 002's terms and its filters.

Seed 002 ("Détails du lot"): invoices to create, unbilled tickets, hours
worked, billable amount, tax (taxable contracts only), total; the contract
list shows the total and the selected balance and is filtered by contract
type, taxable contracts, customer, period and balance.
"""
import datetime as dt
import pathlib
from decimal import Decimal

import polib
import pytest

from proteus import Model
from trytond.exceptions import UserError

import billing_world as world

FR_PO = (pathlib.Path(__file__).parent.parent
    / 'lot_facturation' / 'locale' / 'fr.po')
# The labels of seed 002, as the accountants know them; its "solde total"
# and "solde sélectionné" are amounts to invoice, not account balances:
# they are named so (their help quotes the seed's words).
SEED_002 = {
    'field:account.invoice.batch,invoice_count:': "Factures à créer",
    'field:account.invoice.batch,ticket_count:': "Tickets non facturés",
    'field:account.invoice.batch,hours:': "Heures travaillées",
    'field:account.invoice.batch,untaxed_amount:': "Montant facturable",
    'field:account.invoice.batch,tax_amount:': "Taxe",
    'field:account.invoice.batch,total_amount:': "Total",
    'field:account.invoice.batch.proposal,party:': "Client",
    'field:account.invoice.batch.proposal,subscriptions:': "Contrats",
    'field:account.invoice.batch.proposal,balance:': "Dû HT",
    'help:account.invoice.batch.proposal,balance:': "Montant hors taxe de "
        "tous les éléments dus de cette facture, sélectionnés ou non (le "
        "«\xa0solde total\xa0» du contrat).",
    'field:account.invoice.batch.proposal,selected_balance:':
        "À facturer HT",
    'field:account.invoice.batch,contract_types:': "Types de contrat",
    'field:account.invoice.batch,taxable_only:':
        "Contrats taxables uniquement",
    'field:account.invoice.batch,schedule_month:': "Mois",
    'field:account.invoice.batch,balance_min:':
        "Montant facturable (minimum)",
    'field:account.invoice.batch,balance_max:':
        "Montant facturable (maximum)",
    }


@pytest.fixture
def config():
    return world.standard()


def e3_world():
    """Beside the six taxable maintenance contracts (110.00 to 160.00 a
    month): "Delta" has a non-taxable support contract of type "Régie"
    with 3.5 hours logged in January (two tickets)."""
    Type = Model.get('sale.subscription.type')
    Consumption = Model.get('sale.subscription.line.consumption')
    regie = Type(name="Régie")
    regie.save()
    monthly, = Model.get('sale.subscription.recurrence.rule.set').find([])
    support = world.service("Support", '60', None, unit='Hour')
    delta = world.customer("Delta", code='C010')
    contract = world.contract(delta, dt.date(2026, 1, 1), monthly,
        [(support, 0, '60.00')], taxable=False, contract_type=regie)
    for day, hours in [(12, 1.5), (20, 2.0)]:
        Consumption(line=contract.lines[0], quantity=hours,
            date=dt.date(2026, 1, day)).save()
    return delta, regie


def summary(batch):
    return (batch.invoice_count, batch.ticket_count, batch.hours,
        batch.untaxed_amount, batch.tax_amount, batch.total_amount)


def balances(batch):
    return sorted((p.party.code, p.balance, p.selected_balance)
        for p in batch.proposals)


def test_e3_labels_are_seed_002_terms():
    entries = {e.msgctxt: e for e in polib.pofile(str(FR_PO))}
    for context, french in SEED_002.items():
        assert entries[context].msgstr == french, context


def test_e3_batch_details(config):
    e3_world()
    batch = world.new_batch(reference=dt.date(2026, 1, 31))
    batch.click('preview')
    # 6 maintenance invoices (810.00 + 20 % VAT) and Delta's 3.5 hours at
    # 60.00 (210.00, not taxable: no tax).
    assert summary(batch) == (7, 2, Decimal('3.50'), Decimal('1020.00'),
        Decimal('162.00'), Decimal('1182.00'))
    assert balances(batch) == [
        ('C001', Decimal('110.00'), Decimal('110.00')),
        ('C002', Decimal('120.00'), Decimal('120.00')),
        ('C003', Decimal('130.00'), Decimal('130.00')),
        ('C004', Decimal('140.00'), Decimal('140.00')),
        ('C005', Decimal('150.00'), Decimal('150.00')),
        ('C006', Decimal('160.00'), Decimal('160.00')),
        ('C010', Decimal('210.00'), Decimal('210.00')),
        ]


def test_e3_unselected_items_change_selected_balance_only(config):
    delta, _ = e3_world()
    batch = world.new_batch(reference=dt.date(2026, 1, 31))
    batch.click('preview')
    proposal, = [p for p in batch.proposals if p.party == delta]
    ticket = proposal.items[0]
    ticket.selected = False
    ticket.save()
    proposal.reload()
    assert (proposal.balance, proposal.selected_balance) == (
        Decimal('210.00'), Decimal('120.00'))
    first, = [p for p in batch.proposals if p.party.code == 'C001']
    first.selected = False
    first.save()
    batch.reload()
    first.reload()
    assert (first.balance, first.selected_balance) == (
        Decimal('110.00'), Decimal('0'))
    assert summary(batch) == (6, 1, Decimal('2.00'), Decimal('820.00'),
        Decimal('140.00'), Decimal('960.00'))


def test_e3_exclusion_totals_follow_before_save(config):
    "Leaving an invoice out changes the batch details at once"
    batch = world.new_batch()
    batch.click('preview')
    assert summary(batch)[:1] + summary(batch)[3:] == (
        6, Decimal('1620.00'), Decimal('324.00'), Decimal('1944.00'))
    first = batch.proposals[0]
    first.selected = False
    assert (first.selected_balance, first.selected_tax_amount,
        first.selected_total_amount) == (0, 0, 0)
    assert first.balance == first.untaxed_amount == Decimal('220.00')
    assert summary(batch)[:1] + summary(batch)[3:] == (
        5, Decimal('1400.00'), Decimal('280.00'), Decimal('1680.00'))
    first.selected = True
    assert summary(batch)[0] == 6
    first.selected = False
    batch.save()
    batch.reload()
    assert summary(batch)[:1] + summary(batch)[3:] == (
        5, Decimal('1400.00'), Decimal('280.00'), Decimal('1680.00'))


def test_e3_balance_filter(config):
    e3_world()
    batch = world.new_batch(reference=dt.date(2026, 1, 31),
        balance_min=Decimal('130'), balance_max=Decimal('150'))
    batch.click('preview')
    assert [code for code, *_ in balances(batch)] == ['C003', 'C004', 'C005']
    assert summary(batch) == (3, 0, None, Decimal('420.00'),
        Decimal('84.00'), Decimal('504.00'))
    batch.click('draft')
    batch.balance_max = None
    batch.save()
    batch.click('preview')
    assert [code for code, *_ in balances(batch)] == [
        'C003', 'C004', 'C005', 'C006', 'C010']


def test_e3_balance_filter_errors(config):
    batch = world.new_batch(reference=dt.date(2026, 1, 31),
        balance_min=Decimal('200'), balance_max=Decimal('100'))
    with pytest.raises(UserError) as error:
        batch.click('preview')
    assert error.value.message == (
        'The minimum balance (200) of batch "%s" is above its maximum '
        'balance (100).' % batch.number)
    batch.balance_max = None
    batch.balance_min = Decimal('1000')
    batch.save()
    with pytest.raises(UserError) as error:
        batch.click('preview')
    assert 'Nothing to invoice' in error.value.message
    batch.reload()
    assert (batch.state, len(batch.proposals)) == ('draft', 0)


def test_e3_filters_contract_type_taxable_customer_month(config):
    delta, regie = e3_world()
    batch = world.new_batch(reference=dt.date(2026, 2, 28))
    batch.contract_types.append(regie)
    batch.save()
    batch.click('preview')
    assert summary(batch) == (1, 2, Decimal('3.50'), Decimal('210.00'),
        Decimal('0'), Decimal('210.00'))

    taxable = world.new_batch(reference=dt.date(2026, 2, 28),
        taxable_only=True, schedule_month='02', schedule_year=2026)
    taxable.click('preview')
    # February only: one month of maintenance each, no ticket of Delta.
    assert summary(taxable) == (6, 0, None, Decimal('810.00'),
        Decimal('162.00'), Decimal('972.00'))

    Party = Model.get('party.party')
    c2, = Party.find([('code', '=', 'C002')])
    c3, = Party.find([('code', '=', 'C003')])
    customers = world.new_batch(reference=dt.date(2026, 1, 31),
        party_from=c2, party_to=c3)
    customers.click('preview')
    assert [code for code, *_ in balances(customers)] == ['C002', 'C003']
    assert summary(customers) == (2, 0, None, Decimal('250.00'),
        Decimal('50.00'), Decimal('300.00'))


def test_b4_criteria_summed_up_on_the_preview(config):
    "The preview tab recalls what was selected: date, grouping, ranges"
    delta, regie = e3_world()
    Party = Model.get('party.party')
    c2, = Party.find([('code', '=', 'C002')])
    batch = world.new_batch(reference=dt.date(2026, 1, 31),
        party_from=c2, include_interests=False)
    batch.contract_types.append(regie)
    batch.save()
    assert batch.criteria_summary == (
        "Reference date 01/31/2026 · One invoice per contract · Recurring "
        "Contract Schedules, Pending Charges, Consumptions (time entries) · "
        "%s – … · Régie" % c2.rec_name)
