"Invoice sending through a real SMTP server (SPEC S1, S3, S6)."
import io

import pypdf

from trytond.modules.company.tests import set_company
from trytond.pool import Pool

from tools_send import (
    committed_database, create_customer, create_invoices, setup_company)


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
            'dematerialized': i.dematerialized,
            'exchanges': [(e.channel, e.status, e.message)
                for e in sorted(i.exchanges, key=lambda e: e.id)],
            'attachments': len(Pool().get('ir.attachment').search([
                        ('resource', '=', str(i))])),
            } for i in Invoice.browse(ids)]


MARTIN = (("Boulangerie Martin",),
    {'email': 'compta@martin.example', 'lang': 'fr', 'siren': '732829320'})


def test_s3_send_email_with_pdf(smtp_server):
    with committed_database() as run:
        company, ids = run(ready_invoices, [MARTIN])
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
