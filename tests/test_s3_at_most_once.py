"""An invoice is e-mailed at most once, whatever breaks (S3, S6).

Real faults: a mail server (aiosmtpd) that keeps the message and cuts the
line before its reply; a send process killed with SIGKILL after its claim
or after the mail server accepted a message (``crash_run.py``); a send
that raises.  Every claim ends: after the next run no invoice stays
*sending*, except the one whose e-mail may have left, which is *to check*
until a person decides from its exchange.
"""
import time
from unittest import mock

import pytest

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME

from faults import crash, option
from test_send import DURAND, MARTIN, _set_portal, ready_invoices
from test_send_process import _exchanges, states
from tools_send import committed_database, prepare

PAPER = (("Papier SA",), {'channel': 'paper'})
CHORUS = (("Ministère",), {'channel': 'chorus'})
PORTAL = (("Celeu Groupe",),
    {'email': 'paul@celeu.example', 'lang': 'fr', 'channel': 'portal'})


def send(ids):
    Invoice = Pool().get('account.invoice')
    return [o.status for o in Invoice.send(Invoice.browse(ids))]


def exchanges(ids):
    "(status, message, Message-ID) of each invoice's exchanges, in order."
    result = {i: [] for i in ids}
    for exchange in _exchanges(ids):
        result[exchange.invoice.id].append(
            (exchange.status, exchange.message, exchange.message_id))
    return [result[i] for i in ids]


def resolve(ids, button):
    Exchange = Pool().get('account.invoice.exchange')
    getattr(Exchange, button)(
        [e for e in _exchanges(ids) if e.status == 'to_check'])


def received(smtp_server):
    return [m['Message-ID'] for _, m in smtp_server.messages]


def smtp_env(smtp_server):
    return {'TRYTOND_EMAIL__URI': smtp_server.uri,
        'TRYTOND_EMAIL__FROM': 'facturation@example.com'}


def test_s3_lost_reply_is_to_check_and_never_resent(smtp_server):
    with committed_database() as run:
        company, ids = prepare(ready_invoices, [MARTIN, DURAND])
        ctx = {'company': company}
        smtp_server.drop_after_data(2)
        assert run(send, ids, context=ctx) == ['to_check', 'to_check']
        assert len(smtp_server.messages) == 2  # each kept once
        assert run(states, ids) == ['sending', 'sending']
        martin, durand = run(exchanges, ids)
        (status, message, message_id), = martin
        assert status == 'to_check'
        assert 'il a pu être distribué' in message
        assert message_id == received(smtp_server)[0]

        assert run(send, ids, context=ctx) == []  # never retried blindly
        assert len(smtp_server.messages) == 2
        # The accountant looked for the Message-IDs in the server's log
        run(resolve, ids[:1], 'resolve_sent', context=ctx)
        run(resolve, ids[1:], 'resolve_retry', context=ctx)
        assert run(states, ids) == ['sent', 'ready']
        assert run(send, ids, context=ctx) == ['sent']
        assert run(states, ids) == ['sent', 'sent']
        assert len(smtp_server.messages) == 3


def test_s3_send_killed_after_its_claim_releases_every_claim(smtp_server):
    "Whatever the channel: e-mail, paper, portal notice, Chorus Pro."
    with committed_database() as run:
        company, ids = prepare(ready_invoices,
            [MARTIN, DURAND, PAPER, PORTAL, CHORUS])
        run(_set_portal, 'https://portail.example/espace/',
            context={'company': company})
        crash('claim', 'send', DB_NAME, '1', str(company), *map(str, ids),
            env=smtp_env(smtp_server))
        assert run(states, ids) == ['sending'] * 5
        assert smtp_server.messages == []
        time.sleep(1)  # the lease below is 0 s, exchanges keep seconds
        with option('lot_facturation', 'send_lease', '0'):
            outcomes = run(send, ids, context={'company': company})
        assert outcomes == ['sent'] * 4 + ['pending']
        assert run(states, ids) == ['sent'] * 5
        histories = run(exchanges, ids)
        assert [[s for s, _, _ in h] for h in histories] == (
            [['error', 'sent']] * 4 + [['error', 'pending']])
        for history in histories:
            assert history[0][1].startswith('Envoi interrompu')
        assert len(smtp_server.messages) == 3


def test_s3_send_killed_after_handing_over_never_resends(smtp_server):
    with committed_database() as run:
        company, ids = prepare(ready_invoices, [MARTIN, DURAND])
        crash('handover:1', 'send', DB_NAME, '1', str(company),
            *map(str, ids), env=smtp_env(smtp_server))
        assert len(smtp_server.messages) == 1  # accepted, never recorded
        time.sleep(1)
        with option('lot_facturation', 'send_lease', '0'):
            assert run(send, ids, context={'company': company}) == ['sent']
        assert run(states, ids) == ['sending', 'sent']
        martin, durand = run(exchanges, ids)
        (status, message, message_id), = martin
        assert status == 'to_check'
        assert message.startswith('Envoi interrompu après la remise')
        assert message_id == received(smtp_server)[0]
        assert [s for s, _, _ in durand] == ['error', 'sent']
        assert len(smtp_server.messages) == 2


def _send_with_broken_rendering(ids):
    Invoice = Pool().get('account.invoice')
    with mock.patch.object(Invoice, '_prepare_deliveries',
            side_effect=RuntimeError("modèle illisible")):
        with pytest.raises(RuntimeError):
            Invoice.send(Invoice.browse(ids))


def test_s3_send_that_raises_releases_what_it_claimed(smtp_server):
    with committed_database() as run:
        company, ids = prepare(ready_invoices, [MARTIN, DURAND])
        ctx = {'company': company}
        run(_send_with_broken_rendering, ids, context=ctx)
        assert run(states, ids) == ['ready', 'ready']
        for (status, message, _), in run(exchanges, ids):
            assert status == 'error'
            assert 'modèle illisible' in message
        assert run(send, ids, context=ctx) == ['sent', 'sent']
        assert len(smtp_server.messages) == 2
