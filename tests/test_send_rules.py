"Pure rules of the send processing (seed 003's table, S4 dates)."
import datetime

import pytest

from trytond.modules.lot_facturation.billing import send_rules as rules


@pytest.mark.parametrize('processing, defaults', [
        ('prepare', ['pending']),
        ('hold', ['ready']),
        ('keep_internal', ['pending', 'ready']),
        ('requeue', ['internal']),
        ('send', ['ready']),
        ('chorus', ['sent']),
        ])
def test_s2_default_states_of_seed_003(processing, defaults):
    assert list(rules.PROCESSINGS[processing].default_states) == defaults


def test_s2_print_types_select_every_state_and_filter_printed():
    for name in ['print', 'print_bills', 'preview', 'export_print']:
        processing = rules.PROCESSINGS[name]
        assert set(processing.selectable_states) == set(rules.ALL_STATES)
        assert processing.print_filters
    assert not rules.PROCESSINGS['send'].print_filters
    assert rules.PROCESSINGS['print'].marks_printed
    assert not rules.PROCESSINGS['preview'].marks_printed


def test_s2_states_outside_the_processing_are_ignored():
    assert rules.allowed_states('send', ['ready', 'pending', 'sent']) == [
        'ready']


@pytest.mark.parametrize('source, target, allowed', [
        ('pending', 'ready', True),
        ('ready', 'pending', True),
        ('internal', 'pending', True),
        ('pending', 'internal', True),
        ('ready', 'internal', True),
        ('sent', 'pending', False),
        ('sent', 'internal', False),
        ('internal', 'ready', False),
        ('sending', 'ready', False),
        ])
def test_s1_moves(source, target, allowed):
    assert rules.can_move(source, target) is allowed


def test_s4_dates():
    today = datetime.date(2026, 2, 28)
    assert rules.is_month_end(today)
    assert not rules.is_month_end(datetime.date(2024, 2, 28))
    assert rules.auto_send_cutoff(today, 3) == datetime.date(2026, 2, 25)
    assert rules.auto_send_cutoff(today, None) is None
    assert rules.should_auto_send_today(today, True)
    assert not rules.should_auto_send_today(
        datetime.date(2026, 2, 27), True)
    assert rules.should_auto_send_today(datetime.date(2026, 2, 27), False)


def test_s3_portal_and_chorus_dematerialise():
    assert rules.is_dematerialized('portal')
    assert rules.is_dematerialized('chorus')
    assert not rules.is_dematerialized('email')
    assert not rules.is_dematerialized('paper')
