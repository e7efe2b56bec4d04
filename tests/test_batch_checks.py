"""B5: every error a batch can meet says why in English and French, and
changes nothing (no proposal, no consumption, the batch stays a draft)."""
import datetime as dt
import pathlib

import polib
import pytest

from proteus import Model
from trytond.exceptions import UserError

import billing_world as world

FR_PO = (pathlib.Path(__file__).parent.parent
    / 'lot_facturation' / 'locale' / 'fr.po')
B5_MESSAGES = [
    'msg_batch_no_company', 'msg_batch_unknown_company',
    'msg_batch_no_journal', 'msg_batch_unknown_journal',
    'msg_batch_invalid_date', 'msg_batch_no_fiscalyear',
    'msg_batch_fiscalyear_closed', 'msg_batch_no_period',
    'msg_batch_period_closed', 'msg_batch_posted_after',
    'msg_batch_nothing_to_invoice', 'msg_batch_unvalidated_charges',
    'msg_batch_generated_today', 'msg_batch_skipped',
    'msg_problem_mandate_missing', 'msg_invoice_mandate_missing',
    ]


@pytest.fixture
def config():
    return world.standard()


def consumptions():
    return len(Model.get('sale.subscription.line.consumption').find([]))


def assert_refused(batch, text):
    "Preview fails with ``text`` and leaves everything as it was."
    before = consumptions()
    with pytest.raises(UserError) as error:
        batch.click('preview')
    assert text in error.value.message, error.value.message
    batch.reload()
    assert batch.state == 'draft'
    assert not batch.proposals
    assert consumptions() == before
    return error.value.message


def test_b5_messages_are_translated_in_french():
    entries = {e.msgctxt: e for e in polib.pofile(str(FR_PO))}
    for message in B5_MESSAGES:
        entry = entries[f'model:ir.message,text:{message}']
        assert entry.msgstr and entry.msgstr != entry.msgid, message
        assert 'fuzzy' not in entry.flags, message


def test_b5_no_invoice_type(config):
    batch = world.new_batch()
    batch.journal = None
    batch.save()
    assert_refused(batch, "No invoice type is set")


def test_b5_no_fiscal_year(config):
    batch = world.new_batch(
        invoice_date_mode="fixed", invoice_date=dt.date(2024, 6, 1))
    assert_refused(batch, "No fiscal year is defined for the date 06/01/2024")


def test_b5_closed_period(config):
    Period = Model.get('account.period')
    february, = Period.find([
            ('start_date', '=', dt.date(2026, 2, 1)),
            ('type', '=', 'standard')])
    february.click('close')
    batch = world.new_batch()
    assert_refused(batch,
        'The date 02/01/2026 is in period "2026-02" which is closed.')


def test_b5_closed_fiscal_year(config):
    FiscalYear = Model.get('account.fiscalyear')
    Period = Model.get('account.period')
    fiscalyear, = FiscalYear.find([])
    Period.click(fiscalyear.periods, 'close')
    fiscalyear.click('close')
    batch = world.new_batch()
    message = assert_refused(batch, 'The date 02/01/2026 is in fiscal year')
    assert 'which is not open' in message


def test_b5_fixed_invoice_date_without_period(config):
    batch = world.new_batch(invoice_date_mode='fixed',
        invoice_date=dt.date(2027, 1, 15))
    assert_refused(batch, "No fiscal year is defined for the date 01/15/2027")


def test_b5_nothing_to_invoice(config):
    Party = Model.get('party.party')
    nobody = Party(name="Nobody", code='C999')
    nobody.save()
    batch = world.new_batch(party_from=nobody, party_to=nobody)
    assert_refused(batch, 'Nothing to invoice for the selection of batch')


def test_b5_posting_before_a_posted_invoice(config):
    later = world.new_batch("March", reference=dt.date(2026, 3, 1),
        recording_mode='posted', include_schedules=True)
    later.click('preview')
    later.click('generate')
    batch = world.new_batch(recording_mode='posted')
    message = assert_refused(batch, 'Invoices cannot be posted on 02/01/2026')
    assert 'is already posted on 03/01/2026' in message
