"Invoice sending through a real SMTP server (SPEC S1, S3, S6)."
import io

import pypdf

from trytond.modules.company.tests import set_company
from trytond.pool import Pool

from tools_send import (
    committed_database, create_customer, create_invoices, prepare,
    setup_company)


def pdf_text(data):
    reader = pypdf.PdfReader(io.BytesIO(data))
    return '\n'.join(page.extract_text() for page in reader.pages)


def ready_invoices(customers, count=1):
    "Set up a company and ready invoices: return (company id, invoice ids)"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    env = setup_company()
    with set_company(env.company):
        invoices = create_invoices(env, [create_customer(*args, **kwargs)
                for args, kwargs in customers], count=count)
        Invoice.prepare_send(invoices)
    return env.company.id, [i.id for i in invoices]


def send(ids):
    Invoice = Pool().get('account.invoice')
    return Invoice.send(Invoice.browse(ids))


def read(ids):
    Invoice = Pool().get('account.invoice')
    return [{
            'number': i.number, 'send_state': i.send_state,
            'sent_date': i.sent_date, 'sent_by': i.sent_by and i.sent_by.id,
            'send_channel': i.send_channel,
            'dematerialized': bool(i.dematerialized),
            'exchanges': [(e.channel, e.status, e.message)
                for e in sorted(i.exchanges, key=lambda e: e.id)],
            'attachments': len(Pool().get('ir.attachment').search([
                        ('resource', '=', str(i))])),
            } for i in Invoice.browse(ids)]


MARTIN = (("Boulangerie Martin",),
    {'email': 'compta@martin.example', 'lang': 'fr', 'siren': '732829320'})


def test_s3_send_email_with_pdf(smtp_server):
    with committed_database() as run:
        company, ids = prepare(ready_invoices, [MARTIN])
        outcomes = run(send, ids, context={'company': company})
        assert [o.status for o in outcomes] == ['sent']
        invoice, = run(read, ids)
        assert invoice['send_state'] == 'sent'
        assert invoice['sent_date'] and invoice['sent_by'] == 1
        assert invoice['send_channel'] == 'email'
        assert invoice['attachments'] == 1  # archived
        (channel, status, _), = invoice['exchanges']
        assert (channel, status) == ('email', 'sent')
        rcpts, message = smtp_server.messages[0]
        assert rcpts == ['compta@martin.example']
        assert message['Subject'] == 'Facture %s' % invoice['number']
        body = message.get_body(('plain',)).get_content()
        assert 'Veuillez trouver ci-joint' in body
        pdf, = smtp_server.pdf_attachments(message)
        text = pdf_text(pdf.get_content())
        assert invoice['number'] in text
        assert 'FACTURE' in text and 'Boulangerie Martin' in text
        assert '40,00' in text  # B2B recovery indemnity


DURAND = (("Garage Durand",),
    {'email': 'factures@durand.example', 'lang': 'fr'})


def test_s3_send_email_failure_keeps_ready(smtp_server):
    "Refused then accepted: never sent twice, the error is logged"
    with committed_database() as run:
        company, ids = prepare(ready_invoices, [MARTIN])
        smtp_server.refuse('550 5.7.1 Mailbox unavailable')
        outcome, = run(send, ids, context={'company': company})
        assert outcome.status == 'error'
        invoice, = run(read, ids)
        assert invoice['send_state'] == 'ready'
        assert invoice['sent_date'] is None and invoice['attachments'] == 0
        (_, status, message), = invoice['exchanges']
        assert status == 'error' and '550' in message
        assert 'refusé' in message
        assert smtp_server.messages == []

        smtp_server.accept()
        outcome, = run(send, ids, context={'company': company})
        assert outcome.status == 'sent'
        invoice, = run(read, ids)
        assert invoice['send_state'] == 'sent'
        assert [s for _, s, _ in invoice['exchanges']] == ['error', 'sent']
        assert len(smtp_server.messages) == 1
        # A third run finds nothing to send
        assert run(send, ids, context={'company': company}) == []
        assert len(smtp_server.messages) == 1


def test_s3_send_temporary_failure_retried_next_run(smtp_server):
    with committed_database() as run:
        company, ids = prepare(ready_invoices, [MARTIN])
        smtp_server.refuse('451 4.3.0 Try again later')
        outcome, = run(send, ids, context={'company': company})
        assert outcome.status == 'error' and '451' in outcome.message
        assert run(read, ids)[0]['send_state'] == 'ready'
        smtp_server.accept()
        outcome, = run(send, ids, context={'company': company})
        assert outcome.status == 'sent'
        assert len(smtp_server.messages) == 1


def test_s3_send_without_email_address(smtp_server):
    with committed_database() as run:
        company, ids = prepare(ready_invoices, [(("Sans Courriel",), {})])
        outcome, = run(send, ids, context={'company': company})
        assert outcome.status == 'error'
        assert "n'a pas d'adresse électronique" in outcome.message
        assert run(read, ids)[0]['send_state'] == 'ready'
        assert smtp_server.messages == []


def _set_portal(url):
    Configuration = Pool().get('account.configuration')
    config = Configuration(1)
    config.invoice_portal_url = url
    config.save()


def test_s3_send_portal_notice(smtp_server):
    with committed_database() as run:
        company, ids = prepare(ready_invoices, [(("Celeu Groupe",),
                    {'email': 'paul@celeu.example', 'lang': 'fr',
                        'channel': 'portal'})])
        run(_set_portal, 'https://portail.example/espace/',
            context={'company': company})
        outcome, = run(send, ids, context={'company': company})
        assert outcome.status == 'sent'
        invoice, = run(read, ids)
        assert invoice['send_channel'] == 'portal'
        assert invoice['dematerialized'] is True
        _, message = smtp_server.messages[0]
        assert message['Subject'] == (
            'Mise à disposition de factures sur votre espace client')
        body = message.get_body(('plain',)).get_content()
        assert 'La facture n° %s émise le' % invoice['number'] in body
        assert 'https://portail.example/espace/' in body
        assert 'Merci de ne pas y répondre' in body
        assert smtp_server.pdf_attachments(message) == []


def test_s3_one_send_of_email_and_portal_keeps_each_channel(smtp_server):
    "Sent together, each invoice records its own channel"
    with committed_database() as run:
        company, ids = prepare(ready_invoices, [MARTIN, (("Celeu Groupe",),
                    {'email': 'paul@celeu.example', 'lang': 'fr',
                        'channel': 'portal'})])
        run(_set_portal, 'https://portail.example/espace/',
            context={'company': company})
        outcomes = run(send, ids, context={'company': company})
        assert [o.status for o in outcomes] == ['sent', 'sent']
        martin, celeu = run(read, ids)
        assert (martin['send_channel'], celeu['send_channel']) == (
            'email', 'portal')
        assert martin['attachments'] == 1 and celeu['attachments'] == 1
        assert len(smtp_server.messages) == 2


def test_s3_send_paper_and_chorus(smtp_server):
    with committed_database() as run:
        company, ids = prepare(ready_invoices, [
                (("Papier SA",), {'channel': 'paper'}),
                (("Ministère",), {'channel': 'chorus'}),
                ])
        outcomes = run(send, ids, context={'company': company})
        assert sorted(o.status for o in outcomes) == ['pending', 'sent']
        paper, chorus = run(read, ids)
        assert paper['send_state'] == chorus['send_state'] == 'sent'
        assert paper['exchanges'][0][:2] == ('print', 'sent')
        assert paper['dematerialized'] is False
        assert chorus['exchanges'][0][:2] == ('chorus', 'pending')
        assert chorus['dematerialized'] is True
        assert (paper['send_channel'], chorus['send_channel']) == (
            'print', 'chorus')
        assert smtp_server.messages == []


def _write(ids, values):
    Invoice = Pool().get('account.invoice')
    Invoice.write(Invoice.browse(ids), values)


def test_s1_sent_invoice_cannot_be_modified(smtp_server):
    import pytest
    from trytond.model.exceptions import AccessError
    with committed_database() as run:
        company, ids = prepare(ready_invoices, [MARTIN, DURAND])
        run(_write, ids[1:], {'description': "Modifiable tant que non envoyée"})
        run(send, ids[:1], context={'company': company})
        with pytest.raises(AccessError, match='envoyée au destinataire'):
            run(_write, ids[:1], {'description': "Trop tard"})


def _pdf_with_period(ids):
    "A pending charge of March invoiced by the first line: the PDF's text"
    import datetime
    from decimal import Decimal
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Charge = pool.get('account.invoice.pending_charge')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    ModelData = pool.get('ir.model.data')
    Report = pool.get('lot_facturation.invoice', type='report')
    unit = Uom(ModelData.get_id('product', 'uom_unit'))
    template = Template(name="Tenue comptable", type='service',
        default_uom=unit, products=[{}])
    template.save()
    invoice = Invoice(ids[0])
    Charge(company=invoice.company, party=invoice.party, kind='charge',
        date=invoice.invoice_date, product=template.products[0],
        quantity=1, unit=unit, unit_price=Decimal('100'),
        currency=invoice.currency,
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
        invoice_line=invoice.lines[0]).save()
    return pdf_text(Report.render_pdfs([invoice])[invoice.id])


def test_s3_pdf_shows_period_invoiced():
    with committed_database() as run:
        company, ids = prepare(ready_invoices, [MARTIN])
        text = run(_pdf_with_period, ids, context={'company': company})
        assert 'Période du 01.03.2026 au 31.03.2026' in text
        assert 'PÉRIODE DE PRESTATION' in text.upper()
