"""A batch posts its drafts in bulk with the values Tryton's posting writes:
gapless numbers in invoice-date order, number fields, tax identifiers,
amount caches, posted moves; what Tryton refuses stays refused (B6, B7).

Each test starts from the cached "standard world": six customers with one
monthly contract each since 1 January 2026 (100 + 10 × i a month, 20 % VAT).
"""
import datetime as dt
import re

import pytest

from proteus import Model
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

import billing_world as world

FEB = dt.date(2026, 2, 1)


@pytest.fixture
def config():
    return world.standard()


def generated_drafts(config):
    batch = world.new_batch(recording_mode='draft')
    world.click_yes(config, batch, 'preview')
    batch.click('generate')
    batch.reload()
    drafts = sorted(batch.invoices, key=lambda i: (i.invoice_date, i.id))
    assert [i.state for i in drafts] == ['draft'] * 6
    return batch, drafts


def stock_post(config, invoice):
    "Post one invoice the way a user does, with Tryton's own posting."
    world.click_yes(config, invoice, 'post')
    invoice.reload()


def batch_post(config, batch):
    with Transaction().start(DB_NAME, config.user, context=config.context):
        Batch = Pool().get('account.invoice.batch')
        return Batch.post_drafts(batch.id)


def posted_values(invoice):
    "What posting writes on an invoice, the number's own fields apart."
    move = invoice.move
    return {
        'state': invoice.state,
        'sequence': invoice.sequence,
        'sequence_type': invoice.sequence_type_cache,
        'tax_identifier': invoice.tax_identifier,
        'party_tax_identifier': invoice.party_tax_identifier
        == invoice.party.tax_identifier,
        'caches_are_amounts': (invoice.untaxed_amount_cache,
            invoice.tax_amount_cache, invoice.total_amount_cache) == (
            invoice.untaxed_amount, invoice.tax_amount,
            invoice.total_amount),
        'payment_means': len(invoice.payment_means),
        'move': (move.state, move.date, move.period.name, move.journal.code,
            move.origin == invoice, bool(move.number)),
        'lines': sorted(balances(move).items()),
        }


def balances(move):
    "Balance of a move per (account, maturity date)."
    result = {}
    for line in move.lines:
        key = (line.account.code, line.maturity_date)
        result[key] = result.get(key, 0) + line.debit - line.credit
    return result


def test_b7_bulk_posting_writes_what_tryton_writes(config):
    batch, drafts = generated_drafts(config)
    stock_post(config, drafts[0])
    errors, notices = batch_post(config, batch)
    assert (errors, notices) == ([], [])
    posted = [Model.get('account.invoice')(i.id) for i in drafts]
    first = int(re.sub(r'\D', '', posted[0].number))
    assert [i.number_digit for i in posted] == list(
        range(first, first + 6))
    for invoice in posted:
        assert invoice.number_alnum == re.sub(r'[\W_]', '', invoice.number)
        assert int(re.sub(r'\D', '', invoice.number)) == invoice.number_digit
    expected = posted_values(posted[0])
    assert expected['caches_are_amounts'] and expected['move'][0] == 'posted'
    for invoice, draft in zip(posted[1:], drafts[1:]):
        values = posted_values(invoice)
        lines = values.pop('lines')
        assert [k for k, _ in lines] == [k for k, _ in expected['lines']]
        assert sorted(amount for _, amount in lines) == sorted([
                draft.total_amount, -draft.tax_amount, -draft.untaxed_amount])
        assert values == {k: v for k, v in expected.items() if k != 'lines'}

def test_b7_bulk_posting_refuses_what_tryton_refuses(config):
    "A later invoice already numbered: the batch's earlier drafts wait."
    batch, drafts = generated_drafts(config)
    later = drafts[-1]
    later.invoice_date = FEB + dt.timedelta(days=14)
    later.save()
    stock_post(config, later)
    errors, notices = batch_post(config, batch)
    assert len(errors) == 5 and notices == []
    assert all(later.number in error for error in errors)
    states = {i.id: i.state for i in Model.get('account.invoice').find(
            [('batch', '=', batch.id)])}
    assert sorted(states.values()) == ['draft'] * 5 + ['posted']
