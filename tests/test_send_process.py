"""Wizard "Imprimer ou traiter les factures client" (S2), nightly sending
(S4) and exchanges left in progress (S6)."""
import datetime

import pytest

from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.transaction import Transaction

from test_send import DURAND, MARTIN, read
from tools_send import (
    committed_database, create_customer, create_invoices, prepare,
    process_wizard, setup_company)


def posted_invoices(customers, count=1, bill_of_exchange=None):
    "Posted (pending) invoices: return (company id, invoice ids)"
    env = setup_company()
    with set_company(env.company):
        if bill_of_exchange:
            env.payment_term.bill_of_exchange = bill_of_exchange
            env.payment_term.save()
        invoices = create_invoices(env, [create_customer(*args, **kwargs)
                for args, kwargs in customers], count=count)
    return env.company.id, [i.id for i in invoices]


def states(ids):
    return [r['send_state'] for r in read(ids)]


def test_s2_defaults_follow_seed_003():
    with committed_database() as run:
        def defaults():
            Start = Pool().get('account.invoice.process.start')
            values = Start.default_get(list(Start._fields))
            start = Start(processing='send')
            start.on_change_processing()
            return values, list(start.send_states)
        values, send_states = run(defaults)
        assert values['processing'] == 'print'
        assert values['without_print_date'] is True
        assert values['without_dematerialization'] is True
        assert send_states == ['ready']


def test_s2_walk_prepare_hold_internal_requeue():
    "Seed 003: prepare -> hold -> keep internal -> put back -> prepare"
    with committed_database() as run:
        company, ids = prepare(posted_invoices, [MARTIN, DURAND])
        ctx = {'company': company}
        run(process_wizard, 'prepare', ids[:1], context=ctx)  # on a selection
        assert run(states, ids) == ['ready', 'pending']
        run(process_wizard, 'prepare', context=ctx)  # from the menu: every match
        assert run(states, ids) == ['ready', 'ready']
        run(process_wizard, 'hold', ids[1:], context=ctx)
        assert run(states, ids) == ['ready', 'pending']
        run(process_wizard, 'keep_internal', context=ctx)
        assert run(states, ids) == ['internal', 'internal']
        run(process_wizard, 'requeue', ids[:1], context=ctx)
        assert run(states, ids) == ['pending', 'internal']
        with pytest.raises(Exception, match='Aucune facture'):
            run(process_wizard, 'hold', context=ctx)  # nothing is ready


def _printed(ids):
    Invoice = Pool().get('account.invoice')
    return [(bool(i.printed_date), i.printed_by and i.printed_by.id)
        for i in Invoice.browse(ids)]


def test_s2_print_updates_print_date_preview_does_not():
    with committed_database() as run:
        company, ids = prepare(posted_invoices, [MARTIN, DURAND])
        ctx = {'company': company}
        result = run(process_wizard, 'preview', context=ctx)
        (_, data), = result['actions']
        assert sorted(data['ids']) == sorted(ids)
        assert run(_printed, ids) == [(False, None), (False, None)]
        result = run(process_wizard, 'print', ids[:1], context=ctx)
        (_, data), = result['actions']
        assert data['ids'] == ids[:1]
        assert run(_printed, ids) == [(True, 1), (False, None)]
        # Printed invoices are left out by default ...
        (_, data), = run(process_wizard, 'print', context=ctx)['actions']
        assert data['ids'] == ids[1:]
        # ... unless asked
        (_, data), = run(process_wizard, 'preview', None,
            {'without_print_date': False}, context=ctx)['actions']
        assert sorted(data['ids']) == sorted(ids)


def _render(ids):
    Report = Pool().get('lot_facturation.invoice', type='report')
    return Report.execute(ids, {})


def test_s2_print_many_invoices_as_one_pdf():
    import io
    import pypdf
    with committed_database() as run:
        company, ids = prepare(posted_invoices, [MARTIN, DURAND])
        ext, content, _, name = run(_render, ids, context={'company': company})
        assert ext == 'pdf'
        assert len(pypdf.PdfReader(io.BytesIO(content)).pages) == 2


def test_s2_print_bills_only_bill_of_exchange():
    with committed_database() as run:
        company, ids = prepare(posted_invoices, [MARTIN], 1, 'lcr')
        ctx = {'company': company}
        (_, data), = run(process_wizard, 'print_bills', context=ctx)['actions']
        assert data['ids'] == ids

        def without_bill():
            PaymentTerm = Pool().get('account.invoice.payment_term')
            PaymentTerm.write(PaymentTerm.search([]),
                {'bill_of_exchange': None})
        run(without_bill)
        with pytest.raises(Exception, match='traite'):
            run(process_wizard, 'print_bills', None, {'without_print_date': False},
                context=ctx)


def test_s2_send_asks_confirmation(smtp_server):
    from trytond.exceptions import UserWarning
    with committed_database() as run:
        company, ids = prepare(posted_invoices, [MARTIN])
        ctx = {'company': company}
        run(process_wizard, 'prepare', context=ctx)
        with pytest.raises(UserWarning, match="l'envoi de 1 facture\\(s\\) "
                "au destinataire est définitif"):
            run(process_wizard, 'send', context=dict(ctx, _skip_warnings=False))
        assert run(states, ids) == ['ready']
        result = run(process_wizard, 'send', context=ctx)
        assert result['view']['state'] == 'result'
        assert run(states, ids) == ['sent']
        assert len(smtp_server.messages) == 1


def test_s2_chorus_retrieves_the_sent_chorus_invoices():
    "The extension point is filled by C3 (tests/test_chorus_export.py)"
    with committed_database() as run:
        company, ids = prepare(posted_invoices, [(("Ministère",),
                    {'channel': 'chorus'})])
        run(_prepare, ids)
        assert run(_send, ids, context={'company': company}) == ['pending']
        result = run(process_wizard, 'chorus', None, {'without_print_date': False},
            context={'company': company})
        assert result['view']['defaults']['chorus_export']


# --- S4: the nightly job ---

def _configure(days, month_end_only=False):
    Configuration = Pool().get('account.configuration')
    config = Configuration(1)
    config.days_before_auto_send = days
    config.auto_send_month_end_only = month_end_only
    config.save()


def _age(ids, days):
    "Pretend the invoices were created days ago"
    Invoice = Pool().get('account.invoice')
    table = Invoice.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.update([table.create_date],
            [datetime.datetime.now() - datetime.timedelta(days=days)],
            where=table.id.in_(ids)))


def _prepare(ids):
    Invoice = Pool().get('account.invoice')
    Invoice.prepare_send(Invoice.browse(ids))


def _nightly(date=None):
    Invoice = Pool().get('account.invoice')
    return sorted(o.invoice for o in Invoice.send_ready_invoices(date=date))


def _run_cron():
    pool = Pool()
    Cron = pool.get('ir.cron')
    ModelData = pool.get('ir.model.data')
    cron = Cron(ModelData.get_id('lot_facturation', 'cron_send_ready_invoices'))
    assert not cron.active and not cron.companies
    Cron.run_once([cron])


def test_s4_nightly_sends_ready_invoices_older_than_n_days(smtp_server):
    with committed_database() as run:
        company, ids = prepare(posted_invoices, [MARTIN, DURAND], 2)
        old, recent = ids[:2], ids[2:3]  # ids[3] stays pending
        run(_prepare, old + recent)
        run(_age, old, 5)
        run(_age, recent, 2)
        assert run(_nightly) == []  # NB_JOURS_AVANT_ENVOI_FACTURES unset
        run(_configure, 3, context={'company': company})
        # The cron record came before the company: it has none and the
        # job processes every company
        run(_run_cron)
        assert run(states, ids) == ['sent', 'sent', 'ready', 'pending']
        assert len(smtp_server.messages) == 2


def test_s4_nightly_month_end_only(smtp_server):
    with committed_database() as run:
        company, ids = prepare(posted_invoices, [MARTIN])
        run(_prepare, ids)
        run(_configure, 0, True, context={'company': company})
        ctx = {'company': company}
        today = datetime.date.today()
        month_end = (today.replace(day=1) + datetime.timedelta(days=62)
            ).replace(day=1) - datetime.timedelta(days=1)  # next month's
        day_before = month_end - datetime.timedelta(days=1)
        assert run(_nightly, day_before, context=ctx) == []
        assert run(_nightly, month_end, context=ctx) == ids
        assert run(states, ids) == ['sent']


# --- S6: an exchange left in progress ---

def _claim(ids):
    "What a send does before the process dies: claim only"
    Invoice = Pool().get('account.invoice')
    return Invoice._claim_send(ids)


def _exchanges(ids):
    Exchange = Pool().get('account.invoice.exchange')
    return Exchange.search([('invoice', 'in', ids)], order=[('id', 'ASC')])


def _resolve(ids, button):
    Exchange = Pool().get('account.invoice.exchange')
    exchanges = [e for e in _exchanges(ids) if e.status == 'in_progress']
    getattr(Exchange, button)(exchanges)


def _exchange_states(ids):
    return [(e.status, bool(e.message_id)) for e in _exchanges(ids)]


def _send(ids):
    Invoice = Pool().get('account.invoice')
    return [o.status for o in Invoice.send(Invoice.browse(ids))]


def test_s6_exchange_in_progress_is_never_resent(smtp_server):
    with committed_database() as run:
        company, ids = prepare(posted_invoices, [MARTIN, DURAND])
        ctx = {'company': company}
        run(_prepare, ids)
        run(_claim, ids)  # then the process "dies"
        assert run(states, ids) == ['sending', 'sending']
        assert run(_exchange_states, ids) == [('in_progress', True)] * 2
        assert run(_send, ids, context=ctx) == []  # at most once
        assert smtp_server.messages == []
        # A person checked the mail server's log
        run(_resolve, ids[:1], 'resolve_sent', context=ctx)
        run(_resolve, ids[1:], 'resolve_retry', context=ctx)
        assert run(states, ids) == ['sent', 'ready']
        assert run(_send, ids, context=ctx) == ['sent']
        assert run(states, ids) == ['sent', 'sent']
        assert len(smtp_server.messages) == 1
