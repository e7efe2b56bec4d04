"""Batches never invoice twice, whatever happens (B1, B6, B8).

Each test starts from the cached "standard world": six customers with one
monthly contract each since 1 January 2026 (100 + 10 × i a month, 20 % VAT).
"""
import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest

from proteus import Model, Wizard
from trytond.exceptions import UserError, UserWarning
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

import billing_world as world

FEB = dt.date(2026, 2, 1)


@pytest.fixture
def config():
    return world.standard()


def invoices():
    return Model.get('account.invoice').find([('type', '=', 'out')])


def invoiced_periods():
    "(contract, billing date) of every invoiced schedule."
    Schedule = Model.get('sale.subscription.schedule')
    return sorted((s.subscription.id, s.billing_date)
        for s in Schedule.find([('state', '=', 'invoiced')]))


def preview(config, batch):
    world.click_yes(config, batch, 'preview')
    batch.reload()


def run_again(config, batch):
    "Run the generation of a batch again, as its queued task does."
    with Transaction().start(DB_NAME, config.user,
            context=config.context):
        Batch = Pool().get('account.invoice.batch')
        Batch.run_generation(Batch.browse([batch.id]))
    batch.reload()


def consumption_lines():
    "Invoice line of each consumption: a consumption is billed once."
    Consumption = Model.get('sale.subscription.line.consumption')
    return [c.invoice_line for c in Consumption.find([])]


def test_b6_run_twice_creates_nothing_more(config):
    batch = world.new_batch()
    preview(config, batch)
    batch.click('generate')
    batch.reload()
    assert (batch.state, len(invoices())) == ('done', 6)
    run_again(config, batch)
    assert len(invoices()) == 6
    assert len(invoiced_periods()) == 12


def test_b6_overlapping_batches_one_after_the_other(config):
    first = world.new_batch("First")
    second = world.new_batch("Second")
    preview(config, first)
    preview(config, second)
    assert second.total_amount == first.total_amount == Decimal('1944.00')
    first.click('generate')
    second.click('generate')
    second.reload()
    first.reload()
    assert len(invoices()) == 6
    # Running the second again would change nothing: it is done, and says
    # who invoiced its items.
    assert second.state == 'done'
    assert {p.outcome for p in second.proposals} == {'changed'}
    assert second.message == ('6 invoices were not generated: already '
        f'invoiced by {first.number} (Customer 1, Customer 2, Customer 3, '
        'Customer 4, Customer 5, Customer 6).')
    lines = consumption_lines()
    assert all(lines) and len(set(lines)) == len(lines) == 12


def test_b6_second_batch_warns_generated_today(config):
    first = world.new_batch("First")
    preview(config, first)
    first.click('generate')
    again = world.new_batch("Again", reference=dt.date(2026, 3, 1))
    with pytest.raises(UserWarning) as warning:
        again.click('preview')
    assert 'was generated earlier today at' in warning.value.message
    assert 'by Administrator' in warning.value.message
    again.reload()
    assert again.state == 'draft' and not again.proposals


def test_b6_failure_in_a_chunk_keeps_earlier_chunks(config):
    batch = world.new_batch()
    preview(config, batch)
    expected = batch.total_amount
    pool = Pool(DB_NAME)
    Proposal = pool.get('account.invoice.batch.proposal')
    create = Proposal.create_invoices.__func__
    calls = []

    def failing(cls, proposals):
        calls.append(len(proposals))
        if len(calls) == 2:
            raise RuntimeError("server died in chunk 2")
        return create(cls, proposals)
    with mock.patch('trytond.modules.lot_facturation.batch.'
                'generation.CHUNK_SIZE', 2), \
            mock.patch.object(Proposal, 'create_invoices',
                classmethod(failing)):
        batch.click('generate')
    batch.reload()
    assert batch.state == 'failed'
    assert 'server died in chunk 2' in batch.message
    assert len(invoices()) == 4
    assert batch.progress == pytest.approx(67)
    batch.click('generate')
    batch.reload()
    assert batch.state == 'done' and batch.progress == 100
    assert len(invoices()) == 6
    assert sum(i.total_amount for i in invoices()) == expected


def test_b6_cancel_makes_schedules_due_again(config):
    batch = world.new_batch()
    preview(config, batch)
    batch.click('generate')
    assert len(invoiced_periods()) == 12
    batch.click('cancel')
    batch.reload()
    assert batch.state == 'cancelled'
    assert invoices() == [] and invoiced_periods() == []
    batch.click('draft')
    preview(config, batch)
    assert batch.total_amount == Decimal('1944.00')
    batch.click('generate')
    assert len(invoices()) == 6


def test_b6_removed_invoice_is_not_recreated(config):
    batch = world.new_batch()
    preview(config, batch)
    batch.click('generate')
    batch.reload()
    first = sorted(batch.invoices, key=lambda i: i.party.name)[0]
    remove = Wizard('account.invoice.batch.remove_invoice', [first])
    batch.reload()
    assert len(batch.invoices) == 5
    assert len(invoiced_periods()) == 10
    run_again(config, batch)
    assert len(invoices()) == 5
    assert remove.state == 'end'


def test_b6_cancel_refused_with_posted_invoices(config):
    batch = world.new_batch(recording_mode='posted')
    preview(config, batch)
    batch.click('generate')
    batch.reload()
    assert {i.state for i in batch.invoices} == {'posted'}
    with pytest.raises(UserError) as error:
        batch.click('cancel')
    assert 'invoices, such as' in error.value.message
    batch.reload()
    assert batch.state == 'done' and len(batch.invoices) == 6


def consume(date):
    "Tryton's daily consumption job, run for ``date``."
    create = Wizard('sale.subscription.line.consumption.create')
    create.form.date = date
    create.execute('create_')


def test_b1_stock_first_then_batch(config):
    consume(dt.date(2026, 1, 1))
    create = Wizard('sale.subscription.create_invoice')
    create.form.date = dt.date(2026, 1, 1)
    create.execute('create_')
    assert len(invoices()) == 6
    batch = world.new_batch()
    preview(config, batch)
    assert batch.invoice_count == 6
    assert batch.total_amount == Decimal('972.00')
    batch.click('generate')
    assert len(invoices()) == 12
    lines = consumption_lines()
    assert len(set(lines)) == len(lines) == 12


def test_b1_batch_first_then_stock(config):
    batch = world.new_batch()
    preview(config, batch)
    batch.click('generate')
    create = Wizard('sale.subscription.create_invoice')
    create.form.date = FEB
    create.execute('create_')
    assert len(invoices()) == 6
    consume(dt.date(2026, 3, 1))
    create = Wizard('sale.subscription.create_invoice')
    create.form.date = dt.date(2026, 3, 1)
    create.execute('create_')
    assert len(invoices()) == 12
    lines = consumption_lines()
    assert all(lines) and len(set(lines)) == len(lines)


def test_b1_no_consumption_ahead_of_the_reference_date(config):
    "Each preview runs Tryton's consumption job; none goes past its date."
    Consumption = Model.get('sale.subscription.line.consumption')
    for name in ["First", "Second", "Third"]:
        preview(config, world.new_batch(name))
    assert sorted({c.date for c in Consumption.find([])}) == [
        dt.date(2026, 1, 1), FEB]
    assert len(Consumption.find([])) == 12


def test_b5_posted_mode_keeps_invoices_without_mandate_in_draft(config):
    "SDD without mandate: created, flagged, left in draft; the batch ends."
    Term = Model.get('account.invoice.payment_term')
    Subscription = Model.get('sale.subscription')
    sdd = world.payment_term("SEPA", direct_debit=True)
    contract, = Subscription.find([('party.name', '=', "Customer 3")])
    contract.click('draft')
    contract.payment_term = Term(sdd.id)
    contract.click('quote')
    contract.click('run')
    batch = world.new_batch(recording_mode='posted')
    preview(config, batch)
    flagged, = [p for p in batch.proposals if p.status == 'warning']
    assert flagged.party.name == "Customer 3"
    batch.click('generate')
    batch.reload()
    assert batch.state == 'done'
    states = {i.party.name: i.state for i in batch.invoices}
    assert states.pop("Customer 3") == 'draft'
    assert set(states.values()) == {'posted'}
    assert 'has no validated mandate' in batch.message
    draft, = [i for i in batch.invoices if i.state == 'draft']
    assert draft.mandate_missing
    with pytest.raises(UserError) as error:
        draft.click('post')
    assert 'has no validated mandate' in error.value.message


def test_b7_tax_changed_after_preview_stops_generation(config):
    """The VAT rate changed between preview and generation: nothing is
    invoiced at a rate the user did not see; previewed again, it is."""
    Tax = Model.get('account.tax')
    batch = world.new_batch()
    preview(config, batch)
    assert batch.tax_amount == Decimal('324.00')  # 20 % of 1,620.00
    vat, = Tax.find([('name', '=', "VAT 20%")])
    vat.rate = Decimal('.196')
    vat.save()
    batch.click('generate')
    batch.reload()
    assert batch.state == 'failed'
    assert 'amounts changed since the preview' in batch.message
    assert 'Customer 1' in batch.message
    assert invoices() == []
    preview(config, batch)
    assert batch.tax_amount == Decimal('317.52')
    batch.click('generate')
    batch.reload()
    assert batch.state == 'done'
    assert sum(i.tax_amount for i in invoices()) == Decimal('317.52')


def test_b6_consumption_taken_while_generating_stops_the_chunk(config):
    """Someone else links a contract's consumption between the batch's
    check and its claim: the chunk rolls back whole, the batch names the
    item; run again, every consumption is billed once."""
    batch = world.new_batch()
    preview(config, batch)
    other = typed_invoice('Customer 3')
    other_line = other.lines[0].id
    pool = Pool(DB_NAME)
    Consumption = pool.get('sale.subscription.line.consumption')
    free = Consumption.free_consumptions.__func__
    calls, taken, names = [], [], []

    def meanwhile(cls, items):
        result = free(cls, items)
        calls.append(len(items))
        if len(calls) == 2:  # the claim's read, after the check's
            # Tryton's own invoicing links one of them, as if committed
            # between this read and the claim.
            item = next(i for i in items
                if i.subscription.party.name == 'Customer 3')
            taken.extend(result[item.id])
            names.append(item.rec_name)
            table = cls.__table__()
            Transaction().connection.cursor().execute(*table.update(
                    [table.invoice_line], [other_line],
                    where=table.id.in_(taken)))
        return result
    with mock.patch.object(Consumption, 'free_consumptions',
            classmethod(meanwhile)):
        batch.click('generate')
    batch.reload()
    assert batch.state == 'failed'
    assert batch.message.endswith(
        f'Item "{names[0]}" has been invoiced by someone else in the '
        'meantime.'), batch.message
    assert len(taken) == 1
    assert len(invoices()) == 1  # the typed one: the chunk rolled back
    assert consumption_lines().count(None) == 12  # January and February
    batch.click('generate')
    batch.reload()
    assert batch.state == 'done'
    assert len(invoices()) == 7
    lines = consumption_lines()
    assert all(lines) and len(lines) == 12


def typed_invoice(name):
    "A customer invoice typed by hand, with one line."
    Party = Model.get('party.party')
    Product = Model.get('product.product')
    party, = Party.find([('name', '=', name)])
    invoice = Model.get('account.invoice')(type='out', party=party)
    line = invoice.lines.new()
    line.product, = Product.find([('name', '=', "Maintenance")])
    line.quantity = 1
    line.unit_price = Decimal('10.00')
    invoice.save()
    return invoice


def test_b7_taxes_tryton_computes_otherwise_stop_generation(config):
    """A module changes Tryton's tax computation after the preview: the
    chunk is not generated, the batch says what Tryton computes and what
    the preview showed; nothing is invoiced at amounts nobody saw."""
    batch = world.new_batch()
    preview(config, batch)
    pool = Pool(DB_NAME)
    Invoice = pool.get('account.invoice')
    compute = Invoice._compute_taxes

    def one_cent_more(self):
        for key, value in compute(self):
            yield key, dict(value, amount=value['amount'] + Decimal('0.01'))
    with mock.patch.object(Invoice, '_compute_taxes', one_cent_more):
        batch.click('generate')
    batch.reload()
    assert batch.state == 'failed'
    # Customer 1: January and February at 110.00, 20 % VAT
    assert batch.message == (
        'The taxes Tryton computes for the invoice of "Customer 1" '
        '(220.00 / 44.01) differ from the preview\'s (220.00 / 44.00): '
        'check the tax rules, then generate the batch again.')
    assert invoices() == []
    batch.click('generate')
    batch.reload()
    assert batch.state == 'done' and len(invoices()) == 6
