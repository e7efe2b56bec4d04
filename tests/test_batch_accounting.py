"""Posting a batch produces exactly the accounting Tryton's own posting
produces (moves, taxes, receivables), invoice for invoice (B6, B7)."""
import datetime as dt

import pytest

from proteus import Model, Wizard

import billing_world as world

JAN = dt.date(2026, 1, 1)


@pytest.fixture
def config():
    return world.standard()


def twin_contract(code):
    """A customer with the same two-line contract (20 % and 10 % VAT) as
    its twin; created one at a time, since Tryton's own wizards invoice
    every running contract."""
    Service = Model.get('sale.subscription.service')
    monthly, = Model.get('sale.subscription.recurrence.rule.set').find([])
    maintenance, = Service.find([('product.name', '=', "Maintenance")])
    books = Service.find([('product.name', '=', "Books")])
    if books:
        books, = books
    else:
        low = world.vat('.10', "VAT 10%")
        books = world.service("Books", '9.99', low, recurrence=monthly)
    term, = Model.get('account.invoice.payment_term').find(
        [('name', '=', "30 days")])
    party = world.customer(f"Twin {code}", code=code, payment_term=term)
    world.contract(party, JAN, monthly,
        [(maintenance, 3, '33.33'), (books, 7, '9.99')], payment_term=term)
    return party


def accounting(invoice):
    "What the accountant's books show for an invoice, without its number."
    move = invoice.move
    return {
        'state': invoice.state,
        'amounts': (invoice.untaxed_amount, invoice.tax_amount,
            invoice.total_amount),
        'taxes': sorted((t.tax.name, t.base, t.amount, t.account.code)
            for t in invoice.taxes),
        'move': (move.state, move.date, move.period.name, move.journal.code),
        'lines': sorted((l.account.code, l.debit, l.credit,
                l.maturity_date, bool(l.party))
            for l in move.lines),
        'tax_lines': sorted((tl.tax.name, tl.type, tl.amount)
            for l in move.lines for tl in l.tax_lines),
        }


def test_b7_batch_posting_equals_tryton_posting(config):
    stock_party = twin_contract('X01')
    consume = Wizard('sale.subscription.line.consumption.create')
    consume.form.date = JAN
    consume.execute('create_')
    create = Wizard('sale.subscription.create_invoice')
    create.form.date = JAN
    create.execute('create_')
    Invoice = Model.get('account.invoice')
    stock_invoice, = Invoice.find([('party', '=', stock_party.id)])
    world.click_yes(config, stock_invoice, 'post')
    batch_party = twin_contract('Y01')
    batch = world.new_batch(reference=JAN, recording_mode='posted',
        party_from=batch_party, party_to=batch_party,
        description_mode='product')
    batch.click('preview')
    batch.click('generate')
    batch.reload()
    batch_invoice, = batch.invoices
    assert batch_invoice.number != stock_invoice.number
    assert accounting(batch_invoice) == accounting(stock_invoice)
    assert accounting(batch_invoice)['amounts'] == (
        batch.untaxed_amount, batch.tax_amount, batch.total_amount)
