"""Two batches over the same contracts (B5, B6): warned at the preview,
named when one took the other's items, and a way back for the late one.

The standard world: six customers with one monthly contract each since
1 January 2026 (100 + 10 × i a month, 20 % VAT).
"""
import datetime as dt
from unittest import mock

import pytest

from proteus import Model
from trytond.exceptions import UserError, UserWarning

import billing_world as world

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


@pytest.fixture
def config():
    return world.standard()


def preview(config, batch, expect=None):
    "Preview, answering yes to the warnings; return their messages"
    messages = []
    while True:
        try:
            batch.click('preview')
            break
        except UserWarning as warning:
            messages.append(warning.message)
            world.skip_warning(config, warning)
    batch.reload()
    return messages


def invoiced_periods():
    Schedule = Model.get('sale.subscription.schedule')
    return sorted((s.subscription.id, s.billing_date)
        for s in Schedule.find([('state', '=', 'invoiced')]))


def test_b5_overlapping_previews_warned_named_and_previewed_again(config):
    february = world.new_batch("February", reference=FEB)
    assert preview(config, february) == []
    assert february.invoice_count == 6

    january = world.new_batch("January", reference=JAN)
    warning, = preview(config, january)
    assert warning.startswith(f'Warning, batch "{february.number}" '
        '(previewed on ')
    assert ("holds 6 of these invoices (Customer 1, Customer 2, "
        "Customer 3, Customer 4, Customer 5 …)") in warning
    january.click('generate')
    january.reload()
    assert (january.state, len(january.invoices)) == ('done', 6)

    february.click('generate')
    february.reload()
    assert february.state == 'failed' and not february.invoices
    assert february.message == (
        "6 invoices were not generated: part of their items were already "
        f"invoiced by {january.number} (Customer 1, Customer 2, Customer 3, "
        'Customer 4, Customer 5, Customer 6). Click "Preview" again: the new '
        "preview keeps only what is still to invoice.")

    # The way back: previewed again, it keeps February only
    preview(config, february)
    assert february.state == 'previewed'
    assert (february.invoice_count, str(february.untaxed_amount)) == (
        6, '810.00')
    february.click('generate')
    february.reload()
    assert (february.state, len(february.invoices)) == ('done', 6)
    assert len(invoiced_periods()) == 12
    assert len(set(invoiced_periods())) == 12


def test_b5_overlap_found_across_slices_of_sources(config):
    """The sources are looked up a slice at a time (100,000 contracts do
    not fit in one SQLite statement): the warning is the same."""
    february = world.new_batch("February", reference=FEB)
    preview(config, february)
    january = world.new_batch("January", reference=JAN)
    with mock.patch('trytond.modules.lot_facturation.batch.checks.'
            'SOURCE_SLICE', 2):
        warning, = preview(config, january)
    assert warning.startswith(f'Warning, batch "{february.number}" ')
    assert ("holds 6 of these invoices (Customer 1, Customer 2, "
        "Customer 3, Customer 4, Customer 5 …)") in warning


def test_b5_generated_today_names_the_batch_that_invoiced(config):
    late = world.new_batch("Late", reference=FEB)
    preview(config, late)
    first = world.new_batch("First", reference=FEB)
    preview(config, first)
    first.click('generate')
    late.click('generate')      # took nothing: done, it says by whom
    late.reload()
    assert late.state == 'done' and not late.invoices
    assert f'already invoiced by {first.number}' in late.message

    # Nothing left to invoice: said first, no warning about duplicates
    again = world.new_batch("Again", reference=FEB)
    with pytest.raises(UserError) as error:
        preview(config, again)
    assert 'Nothing to invoice' in error.value.message

    march = world.new_batch("March", reference=MAR)
    warning, = preview(config, march)
    assert warning.startswith(
        f'Warning, batch "{first.number}" was generated earlier today at')
    assert late.number not in warning
