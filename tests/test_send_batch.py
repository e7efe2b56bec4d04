"""Sending a batch by e-mail, in the background (SPEC S5, seed 000).

The standard world (six customers, one monthly contract each) gets e-mail
addresses; a batch is generated and posted, then "Envoyer les factures par
courriel" sends it to a real SMTP server (tests/smtp_sink.py).  The queued
task runs right after the wizard, as with ``[queue] worker = False``.
"""
import datetime as dt
from unittest import mock

import pytest

from proteus import Model, Wizard
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from trytond.modules.company.tests.tools import create_company
from trytond.modules.account.tests.tools import create_chart
from trytond.tests.tools import activate_modules

import billing_world as world


def posted_email_batch(config):
    "Set-up (cached): six customers by e-mail, their batch posted"
    Party = Model.get('party.party')
    parties = Party.find([('code', 'like', 'C%')])
    for party in parties:
        party.contact_mechanisms.new(
            type='email', value=f'{party.code.lower()}@client.example')
        party.invoice_send_channel = 'email'
    Party.save(parties)
    batch = world.new_batch(recording_mode='posted')
    world.click_yes(config, batch, 'preview')
    batch.click('generate')


@pytest.fixture
def batch(smtp_server):
    "A posted batch of six invoices, one customer each, all by e-mail"
    activate_modules(world.MODULES, create_company, create_chart,
        world.standard_world, posted_email_batch)
    batch, = Model.get('account.invoice.batch').find([])
    assert batch.state == 'done' and len(batch.invoices) == 6
    return batch


def send_states(batch):
    batch.reload()
    return sorted(i.send_state for i in batch.invoices)


def notifications():
    "The notifications of the e-mail send (not the generation's)"
    return [(n.icon, n.label, n.description)
        for n in Model.get('res.notification').find([])
        if 'e-mail' in n.label]


def exchanges(invoice):
    return [(e.status, e.message) for e in sorted(
            invoice.exchanges, key=lambda e: e.id)]


def test_s5_send_batch_with_proposed_text(batch, smtp_server):
    "The dialog's own text, readable, sends every invoice of the batch"
    send = Wizard('account.invoice.batch.send', [batch])
    form = send.form
    assert form.count == 6 and form.mark_printed
    assert form.subject == "Invoice [invoice number]"
    assert "[invoice date]" in form.body and "[total incl. VAT]" in form.body
    assert '${' not in form.subject + form.body
    first = form.example_invoice
    assert form.example.startswith(f"Invoice {first.number}\n")
    assert first.invoice_date.strftime('%m/%d/%Y') in form.example
    send.execute('send')
    assert send.form.message.startswith(
        "The e-mail sending of 6 invoice(s) has been launched.")

    assert send_states(batch) == ['sent'] * 6
    assert all(i.printed_date for i in batch.invoices)
    by_number = {m['Subject']: (to, m) for to, m in smtp_server.messages}
    assert sorted(by_number) == sorted(
        f"Invoice {i.number}" for i in batch.invoices)
    for invoice in batch.invoices:
        to, message = by_number[f"Invoice {invoice.number}"]
        assert to == [f'{invoice.party.code.lower()}@client.example']
        body = message.get_body(('plain',)).get_content()
        assert invoice.invoice_date.strftime('%m/%d/%Y') in body
        assert f'{invoice.total_amount:,.2f}' in body
        assert smtp_server.pdf_attachments(message)
    assert batch.message == "6 of 6 invoice(s) sent by e-mail, 0 in error."
    assert batch.sent_at and batch.sent_by
    assert notifications() == [('tryton-info',
            f'Batch "{batch.number}": invoices sent by e-mail',
            "6 of 6 invoice(s) sent by e-mail, 0 in error.")]


def test_s5_send_batch_with_edited_text(batch, smtp_server):
    """Placeholders typed by the accountant are each invoice's values; the
    batch shows how far the sending is"""
    assert (batch.progress_step, batch.progress) == ('posting', 100)
    Batch = Pool(DB_NAME).get('account.invoice.batch')
    progress = []
    set_progress = Batch.set_progress.__func__

    def recording(cls, batch_id, step, done, total):
        progress.append((step, done, total))
        return set_progress(cls, batch_id, step, done, total)
    send = Wizard('account.invoice.batch.send', [batch])
    send.form.subject = "Your invoice [invoice number] (US$ 1)"
    send.form.body = ("Dear [customer name],\n"
        "[total excl. VAT] excl. VAT, [total incl. VAT] incl. VAT.")
    example = send.form.example
    first = send.form.example_invoice
    assert example == (f"Your invoice {first.number} (US$ 1)\n\n"
        f"Dear {first.party.name},\n"
        f"${first.untaxed_amount:,.2f} excl. VAT, "
        f"${first.total_amount:,.2f} incl. VAT.")
    with mock.patch.object(Batch, 'set_progress', classmethod(recording)), \
            mock.patch('trytond.modules.lot_facturation.sending.batch.'
                'PROGRESS_STEP', 4):
        send.execute('send')
    assert progress == [('sending', 0, 6), ('sending', 4, 6),
        ('sending', 6, 6)]
    assert send_states(batch) == ['sent'] * 6
    assert (batch.progress_step, batch.progress) == ('sending', 100)
    bodies = {m['Subject']: m.get_body(('plain',)).get_content()
        for _, m in smtp_server.messages}
    for invoice in batch.invoices:
        body = bodies[f"Your invoice {invoice.number} (US$ 1)"]
        assert body.splitlines()[0] == f"Dear {invoice.party.name},"


def test_s5_text_that_cannot_render_is_refused_in_the_dialog(batch):
    "A name the template does not know: said at once, nothing is queued"
    send = Wizard('account.invoice.batch.send', [batch])
    send.form.body = "Hello ${nope}"
    assert "cannot be prepared" in send.form.example
    with pytest.raises(Exception) as error:
        send.execute('send')
    assert '"nope" not defined' in error.value.message
    assert send_states(batch) == ['pending'] * 6


def run_task(batch, body):
    "The queued task, as a worker runs it (no dialog checked the text)"
    with Transaction().start(DB_NAME, 1, context={'language': 'en'}):
        Batch = Pool().get('account.invoice.batch')
        try:
            Batch.send_batch_invoices(Batch.browse([batch.id]), body=body)
        except Exception as exception:
            return exception


def test_s5_text_failing_in_the_task_leaves_nothing_sending(
        batch, smtp_server):
    "Every invoice ends ready with its error; the accountant is told"
    assert run_task(batch, "Hello ${nope}") is None
    assert send_states(batch) == ['ready'] * 6
    assert smtp_server.messages == []
    for invoice in batch.invoices:
        (status, message), = exchanges(invoice)
        assert status == 'error'
        assert message == (
            'The e-mail could not be prepared: "nope" not defined')
    lines = batch.message.splitlines()
    assert lines[0] == "0 of 6 invoice(s) sent by e-mail, 6 in error."
    assert sorted(lines[1:-1]) == sorted(f"- {i.number} ({i.party.rec_name}): "
        'The e-mail could not be prepared: "nope" not defined'
        for i in batch.invoices)
    assert 'tab "Errors"' in lines[-1]
    (icon, label, _), = notifications()
    assert icon == 'tryton-warning'


def test_s5_task_stopping_after_the_claim_reports_and_sends_once(
        batch, smtp_server):
    """The task dies on the third invoice: two are sent, the third may
    have left (kept "Sending"), the others are ready and sent next time."""
    Invoice = Pool(DB_NAME).get('account.invoice')
    deliver = Invoice._deliver.__func__
    calls = []

    def dying(cls, delivery, server):
        calls.append(delivery.invoice)
        if len(calls) == 3:
            raise RuntimeError("worker lost its database connection")
        return deliver(cls, delivery, server)
    with mock.patch.object(Invoice, '_deliver', classmethod(dying)):
        error = run_task(batch, None)
    assert str(error) == "worker lost its database connection"
    assert send_states(batch) == ['ready'] * 3 + ['sending'] + ['sent'] * 2
    assert len(smtp_server.messages) == 2
    lines = batch.message.splitlines()
    assert lines[0] == "2 of 6 invoice(s) sent by e-mail, 0 in error."
    assert lines[1] == ("The sending stopped: worker lost its database "
        "connection. 3 invoice(s) are still to send: send the batch again.")
    assert lines[2].startswith('1 invoice(s) stay "Sending"')
    (icon, label, _), = notifications()
    assert (icon, label) == (
        'tryton-warning', f'Batch "{batch.number}": the e-mail sending stopped')
    assert not batch.sent_at

    # Sent again: the ready ones leave, nothing leaves twice
    send = Wizard('account.invoice.batch.send', [batch])
    assert send.form.count == 3
    send.execute('send')
    assert send_states(batch) == ['sending'] + ['sent'] * 5
    recipients = smtp_server.recipients()
    assert len(recipients) == len(set(recipients)) == 5
    assert batch.sent_at.date() == dt.date.today()
