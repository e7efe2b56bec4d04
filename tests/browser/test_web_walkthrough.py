"""An accountant's month in the French web client, end to end (SPEC B, S).

Seed 000 then seed 003, on the demo data, in headless Chromium: log in,
create a batch, preview it and read its totals (B4), generate (B6), post
all (B7), prepare and send the invoices with "Imprimer ou traiter les
factures client" (S2, S3) to a test SMTP server, read the exchange log
(S6).  Each test is one screen of that story and continues where the
previous one stopped (same browser page); every step saves a screenshot in
test-output/browser/.
"""
import re

import pytest
from playwright.sync_api import expect

from sao import Client, amount

ACCOUNTANT = ('comptable', 'comptable-demo')
SUBJECT = "Facturation mensuelle — essai navigateur"
BATCH_MENU = ('Financier', 'Facturation en lot')
ACCOUNTANT_EMAIL = 'claire.fontaine@artis-services.example'



@pytest.fixture(scope='module')
def client(server, browser, output):
    context = browser.new_context(
        viewport={'width': 1280, 'height': 800}, locale='fr-FR')
    page = context.new_page()
    client = Client(page, output)
    client.login(server, *ACCOUNTANT)
    yield client
    context.close()


@pytest.fixture(autouse=True)
def shot_on_failure(request, client):
    "A failed step leaves a screenshot of what the screen showed"
    yield
    report = getattr(request.node, 'report_call', None)
    if report is not None and report.failed:
        client.shot('FAILED-' + request.node.name)


@pytest.fixture(scope='module')
def seen():
    "What earlier screens showed, for the later ones to compare"
    return {}


def test_login_menu_in_french(client):
    "The accountant finds the batch invoicing menu, in French"
    client.expand_menu(*BATCH_MENU, "Lots de facturation")
    menu = client.page.locator('#menu')
    for entry in ["Lots de facturation", "Échéances de facturation",
            "Générer les intérêts", "Répartitions de facture",
            "Imprimer ou traiter les factures client",
            "Suivi des échanges"]:
        expect(menu.locator(f'div.column-char[title="{entry}"]')
            ).to_be_visible()
    # Configuration is for the batch invoicing administrators only
    expect(menu.locator('div.column-char[title="Configuration"]')
        ).to_have_count(0)
    client.shot('menu')


def test_b2_create_batch(client):
    "A new batch: subject, reference date today, one invoice per customer"
    client.open_menu(*BATCH_MENU, "Lots de facturation")
    client.hide_menu()
    client.toolbar('new_').click()
    client.idle()
    client.fill('name', SUBJECT)
    client.select('grouping', "Une facture par client")
    client.expect_value('recording_mode', "Mode édition (factures brouillon)")
    client.expect_value('state', "Brouillon")
    # Only the buttons that apply to a batch in draft
    expect(client.button('preview')).to_be_visible()
    for name in ['generate', 'post_invoices', 'send_invoices']:
        expect(client.button(name)).to_be_hidden()
    client.shot('batch-criteria')


def test_b4_preview_totals(client, seen):
    "Preview: the warning of seed 000, then proposals with their totals"
    client.click('preview')
    client.answer("répartitions de facture qui n'ont pas été estampillées",
        "Oui")
    # The demo generated last month's batch today: the duplicate warning
    client.answer("générée plus tôt aujourd'hui", "Oui")
    # ... and this month's batch of the demo holds the same invoices
    client.answer("contient déjà", "Oui")
    client.expect_value("state", "Aperçu généré")
    # The preview shows at once; the criteria are summed up on it
    expect(client.tab.locator('.nav-tabs li.active',
            has_text="Aperçu des items à facturer")).to_be_visible()
    expect(client.widget('criteria_summary')).to_have_value(
        re.compile("^Date de référence .* · Une facture par client · "))
    count = int(client.value('invoice_count'))
    untaxed = amount(client.value('untaxed_amount'))
    tax = amount(client.value('tax_amount'))
    total = amount(client.value('total_amount'))
    assert count > 0
    assert untaxed > 0 and tax > 0
    assert total == untaxed + tax
    proposals = client.tab.locator('.form-one2many').first
    expect(proposals).to_contain_text(f'/ {count}')
    assert client.list_sum(proposals, "Total") == total
    assert client.list_sum(proposals, "À facturer HT") == untaxed
    assert client.list_sum(proposals, "Dû HT") == untaxed
    # Status colours: ready proposals are green, warnings orange
    statuses = proposals.locator('td[data-title^="Statut"]')
    expect(statuses.filter(has_text="Prête").first).to_have_class(
        'editable success')
    expect(client.button('generate')).to_be_visible()
    seen.update(count=count, untaxed=untaxed, tax=tax, total=total,
        number=client.value('number'))
    client.shot('batch-preview')


def selected_box(proposals, row):
    return proposals.locator('tbody tr').nth(row).locator(
        'td[data-title^="Sélectionnée"] input[type=checkbox]')


def test_b4_exclusion_totals_follow(client, seen):
    "Leaving an invoice out: every total follows before saving"
    proposals = client.tab.locator('.form-one2many').first
    row = proposals.locator('tbody tr').first
    due = amount(row.locator('td[data-title^="Dû HT"]').inner_text())
    total = amount(row.locator('td[data-title^="Total"]').inner_text())
    selected_box(proposals, 0).click()
    client.tab.locator('label', has_text="Heures travaillées").first.click()
    client.idle()
    expect(client.widget('invoice_count')).to_have_value(
        str(seen['count'] - 1))
    assert amount(client.value('untaxed_amount')) == seen['untaxed'] - due
    assert amount(client.value('total_amount')) == seen['total'] - total
    assert client.list_sum(proposals, "À facturer HT") == (
        seen['untaxed'] - due)
    assert client.list_sum(proposals, "Total") == seen['total'] - total
    # What is due stays what is due; the excluded row is greyed
    assert client.list_sum(proposals, "Dû HT") == seen['untaxed']
    expect(row).to_have_class(re.compile('muted'))
    client.shot('batch-exclusion')
    # Included again: the batch is as previewed
    selected_box(proposals, 0).click()
    client.tab.locator('label', has_text="Heures travaillées").first.click()
    client.idle()
    expect(client.widget('invoice_count')).to_have_value(str(seen['count']))
    client.toolbar('save').click()
    client.idle()
    assert amount(client.value('total_amount')) == seen['total']


def test_b6_generate(client, seen):
    """Generate after the irreversible-action confirmation: the invoices of
    the batch open (seed 000), drafts in green"""
    client.button('generate').click()
    client.answer("irréversible", "Valider")
    # Seed 000: the accountant lands on the list of the batch's invoices
    active = client.page.locator('#tablist li.active')
    expect(active).to_contain_text(f"Factures du lot ({seen['number']})")
    expect(client.tab).to_contain_text(f"/{seen['count']}")
    assert client.list_sum(client.tab, "Total") == seen['total']
    client.shot('batch-invoices')
    active.locator('.close').first.click()
    client.idle()
    client.toolbar('reload').click()
    client.idle()
    client.expect_value('state', "Terminé")
    expect(client.tab.locator('.form-progressbar, .progress').first
        ).to_contain_text('100')
    client.page_tab("Factures")
    invoices = client.tab.locator('.form-one2many:visible').first
    expect(invoices).to_contain_text(f'/ {seen["count"]}')
    expect(client.widget('draft_invoice_count')).to_have_value(
        str(seen['count']))
    # What generation created is what the preview showed, to the cent
    assert client.list_sum(invoices, "Total") == seen['total']
    assert client.list_sum(invoices, "Hors taxe") == seen['untaxed']
    drafts = invoices.locator('tr.success')
    expect(drafts.first).to_be_visible()
    expect(client.button('post_invoices')).to_be_visible()
    expect(client.button('generate')).to_be_hidden()
    client.shot('batch-generated')


def test_b6_notified(client, seen, smtp):
    "The accountant is notified that the generation ended, also by e-mail"
    notices = [m for to, m in smtp.messages if ACCOUNTANT_EMAIL in to]
    assert [m['Subject'] for m in notices] == [   # French spacing: nbsp
        f"Les factures du lot «\xa0{seen['number']}\xa0» ont été générées."]
    client.page.locator('#user-preferences .dropdown-toggle').first.click()
    expect(client.page.locator('.notification-menu')).to_contain_text(
        f"Les factures du lot « {seen['number']} » ont été générées.")
    client.shot('notification')
    client.page.keyboard.press('Escape')


def test_b7_post_all(client, seen):
    "Post all: the date is confirmed; SEPA invoices without mandate wait"
    client.click('post_invoices')
    dialog = client.dialog
    expect(dialog).to_contain_text(
        "Toutes les factures en édition du lot seront estampillées")
    client.shot('post-all')
    dialog.locator('.modal-footer button', has_text="Estampiller").click()
    client.idle()
    message = client.widget('message')
    expect(message).to_have_value(re.compile("n'a pas de mandat validé"))
    waiting = message.input_value().count("n'a pas de mandat validé")
    expect(client.widget('draft_invoice_count')).to_have_value(str(waiting))
    posted = seen['count'] - waiting
    expect(client.widget('posted_invoice_count')).to_have_value(str(posted))
    invoices = client.tab.locator('.form-one2many:visible').first
    expect(invoices.locator('td[data-title^="État"]').filter(
            has_text="Comptabilisé")).not_to_have_count(0)
    # Drafts left are the SEPA ones: still highlighted, still postable
    expect(invoices.locator('tr.success')).to_have_count(
        min(waiting, invoices.locator('tbody tr').count()))
    expect(client.button('send_invoices')).to_be_visible()
    expect(client.button('post_invoices')).to_be_visible()
    seen['posted'] = posted
    client.shot('batch-posted')

def process(client, processing, number):
    "Run 'Imprimer ou traiter les factures client' on one batch"
    client.open_menu(*BATCH_MENU, "Imprimer ou traiter les factures client")
    # The dialog's defaults are in (they would override a choice made before)
    expect(client.page.locator('.wizard-dialog.modal.in')).to_be_visible()
    expect(client.widget('count')).not_to_have_value('')
    client.select('processing', processing)
    client.fill_many2one('batch_from', number)
    # The batch is typed once: the range ends where it starts
    expect(client.widget('batch_to')).to_have_value(
        re.compile(re.escape(number)))
    client.expect_value('processing', processing)


def process_result(client):
    "Click 'Traiter': the result dialog once it shows"
    client.form.locator('button', has_text="Traiter").click()
    client.idle()
    expect(client.page.locator('.wizard-dialog.modal.in button',
            has_text="Fermer")).to_be_visible()


def exchange_log(client):
    "Open 'Suivi des échanges' on every exchange; the count it shows"
    client.open_menu(*BATCH_MENU, "Suivi des échanges")
    client.hide_menu()
    # It opens on the errors to handle, then those to check, in progress
    tabs = client.tab.locator('.nav-tabs a')
    expect(tabs.first).to_contain_text("Erreurs")
    expect(tabs.nth(1)).to_contain_text("À vérifier")
    expect(tabs.nth(2)).to_contain_text("En cours")
    client.page_tab("Tous")
    expect(client.tab).to_contain_text(re.compile(r'_ ?/ ?\d+'))
    return int(re.search(r'_ ?/ ?(\d+)', client.tab.inner_text()).group(1))


def close_tab(client):
    client.page.locator('#tablist li.active a .close, '
        '#tablist li.active button.close').first.click()
    client.idle()


def customer_mails(smtp):
    "E-mails to customers (not the accountant's notices)"
    return [(to, m) for to, m in smtp.messages if ACCOUNTANT_EMAIL not in to]


def test_s5_send_batch_by_email(client, seen, smtp):
    """Seed 000's last step: the batch's invoices by e-mail, with the text
    the dialog proposes, in words and with an example"""
    # The demo already sent a few invoices on paper: their exchanges
    seen['exchanges'] = exchange_log(client)
    close_tab(client)
    before = len(customer_mails(smtp))
    client.click('send_invoices')
    expect(client.widget('count')).to_have_value(str(seen['posted']))
    expect(client.widget('subject')).to_have_value(
        "Facture [numéro de facture]")
    body = client.widget('body').input_value()
    assert "[date de facture]" in body and "[montant TTC]" in body
    assert '${' not in body
    example = client.widget('example').input_value()
    assert re.match(r"Facture FA\d{4}-\d{5}\n", example), example
    assert re.search(r" du \d\d/\d\d/\d{4}, d'un montant de [\d\s,]+€ TTC",
        example), example
    client.shot('batch-send')
    client.form.locator('button', has_text="Soumettre").click()
    client.idle()
    expect(client.page.locator('.wizard-dialog.modal.in button',
            has_text="Fermer")).to_be_visible()
    expect(client.widget('message')).to_have_value(re.compile(
            f"^L'envoi par courriel de {seen['posted']} facture\\(s\\) a "
            "été lancé"))
    client.form.locator('button', has_text="Fermer").click()
    client.idle()
    # Through each customer's channel: e-mails with the PDF, portal notices
    mails = customer_mails(smtp)[before:]
    assert mails
    for recipients, message in mails:
        text = message.get_body(('plain', 'html')).get_content()
        if message['Subject'].startswith("Facture "):
            assert smtp.pdf_attachments(message)
            assert re.search(r"du \d\d/\d\d/\d{4}, d'un montant de", text)
        else:
            assert 'espace client' in text
    client.toolbar('reload').click()
    client.idle()
    expect(client.widget('message')).to_have_value(
        f"{seen['posted']} facture(s) sur {seen['posted']} envoyée(s) par "
        "courriel, 0 en erreur.")
    client.expect_value('progress_step', "Envoi des factures par courriel")
    invoices = client.tab.locator('.form-one2many:visible').first
    expect(invoices.locator('td[data-title^="État d\'envoi"]').filter(
            has_text="Envoyé au destinataire")).not_to_have_count(0)
    client.shot('batch-sent')


# Last month's batch of the demo: its invoices wait to be sent (S2, S3)
LAST_MONTH = 'LOT-00001'


def test_s2_prepare_sending_counted(client, seen):
    "Prepare sending: how many before processing, the drafts left out said"
    process(client, "Préparer l'envoi des factures", LAST_MONTH)
    count = int(client.value('count'))
    unposted = int(client.value('unposted_count'))
    assert count > 0 and unposted > 0   # SEPA invoices without mandate
    client.shot('process-prepare')
    process_result(client)
    expect(client.widget('message')).to_have_value(
        f"{count} facture(s) traitée(s).\n{unposted} facture(s) de la "
        "sélection ne sont pas comptabilisées (brouillon) : elles n'ont pas "
        "été traitées.")
    client.form.locator('button', has_text="Fermer").click()
    client.idle()
    seen.update(ready=count, unposted=unposted)


def test_s3_send(client, seen, smtp):
    "Send: the count in the definitive confirmation, then sent"
    process(client, "Envoyer les factures", LAST_MONTH)
    expect(client.widget('count')).to_have_value(str(seen['ready']))
    client.form.locator('button', has_text="Traiter").click()
    client.answer(f"l'envoi de {seen['ready']} facture(s) au destinataire "
        "est définitif", "Oui")
    expect(client.page.locator('.wizard-dialog.modal.in button',
            has_text="Fermer")).to_be_visible()
    expect(client.widget('message')).to_have_value(re.compile(
            f"^{seen['ready']} facture\\(s\\) sur {seen['ready']} "
            "envoyée\\(s\\), 0 en erreur\\.\n"))
    client.shot('process-sent')
    client.form.locator('button', has_text="Fermer").click()
    client.idle()


def test_s6_exchange_log(client, seen):
    "The exchange log shows one delivery per invoice sent"
    total = exchange_log(client)
    assert total == seen['exchanges'] + seen['posted'] + seen['ready']
    log = client.tab
    # Latest first: the last ones sent
    statuses = log.locator('td[data-title^="Statut"]')
    expect(statuses.first).to_have_text(re.compile("Envoyé|En attente"))
    channels = log.locator('td[data-title^="Canal"]')
    expect(channels.filter(has_text="Courriel").first).to_be_visible()
    # Nothing to handle: no error, nothing left in progress
    for tab in ["Erreurs", "À vérifier", "En cours"]:
        expect(log.locator('.nav-tabs a', has_text=tab)).to_contain_text("0")
    client.shot('exchanges')


def test_p5_exchange_log_shows_pa_status(client, server, pa):
    """The demo's invoices went through the local PA: once its statuses
    are fetched (the button «Récupérer les statuts PA», here over RPC as
    the cron would), the exchange log shows them"""
    from check_demo import Client as RPC
    assert pa.deposited()  # this session's PA invoices
    rpc = RPC(server)
    context = rpc.login(*ACCOUNTANT)
    ids = rpc.model('account.invoice', 'search',
        [('send_channel', '=', 'pa')], 0, 1, None, context)
    assert ids
    rpc.model('account.invoice', 'fetch_pa_statuses', ids, context)
    exchange_log(client)
    log = client.tab
    expect(log.locator('td', has_text="202 Reçue par la plateforme")
        .first).to_be_visible()
    client.shot('pa-statuses')
