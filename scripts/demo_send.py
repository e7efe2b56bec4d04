"""Send processing demo data (seed 003): a few invoices sent, with their log.

Three customers of last month's batch receive their invoices on paper: their
invoices are prepared, then sent through the wizard "Imprimer ou traiter les
factures client", so the demo shows sent invoices, the exchange log
("Suivi des échanges") and invoices still to send.  Paper needs no mail
server; e-mail customers stay *ready* for the nightly job or the wizard.
Idempotent: nothing happens once an invoice was sent.
"""
from proteus import Model, Wizard

PAPER_CUSTOMERS = 3


def send_on_paper(config, skip_warnings):
    Invoice = Model.get('account.invoice')
    if Invoice.find([('send_state', '=', 'sent')]):
        return
    posted = Invoice.find([('type', '=', 'out'), ('state', '=', 'posted')],
        order=[('number', 'ASC')])
    parties = []
    for invoice in posted:
        if invoice.party not in parties:
            parties.append(invoice.party)
    for party in parties[:PAPER_CUSTOMERS]:
        party.invoice_send_channel = 'paper'
        party.save()
    invoices = [i for i in posted if i.party in parties[:PAPER_CUSTOMERS]]
    if not invoices:
        return
    send_with_wizard(config, skip_warnings, invoices)


def send_with_wizard(config, skip_warnings, invoices):
    "Prepare, then send through «Imprimer ou traiter les factures client»"
    Model.get('account.invoice').click(invoices, 'prepare_send')

    def send():
        wizard = Wizard('account.invoice.process', invoices)
        wizard.form.processing = 'send'
        wizard.execute('process')
    skip_warnings(config, send)
