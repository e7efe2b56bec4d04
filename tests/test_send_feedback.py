"""What "Imprimer ou traiter les factures client" tells the accountant
(S2, S3): how many invoices it will process before *Traiter*, the drafts it
leaves out, and one named line per invoice it could not send."""
import pytest

import trytond.config as config
from trytond.exceptions import UserWarning
from trytond.modules.company.tests import set_company
from trytond.pool import Pool

from smtp_sink import free_port
from test_send import DURAND, MARTIN
from test_send_process import posted_invoices, states
from tools_send import (
    committed_database, create_customer, create_invoices, process_wizard)


def start_counts(values, ids=None):
    "count and unposted_count the dialog shows for these criteria"
    pool = Pool()
    Start = pool.get('account.invoice.process.start')
    start = Start(**Start.default_get(list(Start._fields),
            with_rec_name=False))
    start.processing = values.pop('processing')
    start.on_change_processing()
    if ids:
        start.invoices = ids
    for name, value in values.items():
        setattr(start, name, value)
    return start.on_change_with_count(), start.on_change_with_unposted_count()


def add_draft(company_id):
    "A draft invoice for a third customer"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    invoice, = Invoice.search([], limit=1)
    env = type('Env', (), {})()
    env.company, env.today = invoice.company, invoice.invoice_date
    env.journal, env.payment_term = invoice.journal, invoice.payment_term
    env.revenue = invoice.lines[0].account
    env.tax = invoice.lines[0].taxes[0]
    with set_company(env.company):
        draft, = create_invoices(
            env, [create_customer("Fleuriste Lambert")], post=False)
    return draft.id


def test_s2_count_shown_before_processing():
    "The count follows the criteria; drafts are counted apart"
    with committed_database() as run:
        company, ids = run(posted_invoices, [MARTIN, DURAND])
        ctx = {'company': company}
        draft = run(add_draft, company, context=ctx)
        assert run(start_counts, {'processing': 'prepare'},
            context=ctx) == (2, 1)
        assert run(start_counts, {'processing': 'prepare'}, ids[:1],
            context=ctx) == (1, 0)
        run(process_wizard, 'prepare', ids[:1], context=ctx)
        assert run(start_counts, {'processing': 'prepare'},
            context=ctx) == (1, 1)
        assert run(start_counts, {'processing': 'send'},
            context=ctx) == (1, 1)
        result = run(process_wizard, 'prepare', context=ctx)
        assert result['view']['defaults']['message'] == (
            "1 facture(s) traitée(s).\n"
            "1 facture(s) de la sélection ne sont pas comptabilisées "
            "(brouillon) : elles n'ont pas été traitées.")
        with pytest.raises(Exception, match="les 1 facture\\(s\\) "
                "sélectionnées ne sont pas encore comptabilisées"):
            run(process_wizard, 'prepare', [draft], context=ctx)


def batch_to(first, last):
    "The end of the range once the accountant picked the first batch"
    pool = Pool()
    Batch = pool.get('account.invoice.batch')
    Start = pool.get('account.invoice.process.start')
    start = Start(batch_from=Batch(number=first),
        batch_to=Batch(number=last) if last else None)
    start.on_change_batch_from()
    return start.batch_to.number


def test_s2_batch_typed_once():
    "One batch is typed once: the range ends where it starts"
    with committed_database() as run:
        assert run(batch_to, 'LOT-00003', None) == 'LOT-00003'
        assert run(batch_to, 'LOT-00003', 'LOT-00001') == 'LOT-00003'
        assert run(batch_to, 'LOT-00003', 'LOT-00007') == 'LOT-00007'


def test_s3_unreachable_mail_server_named_per_invoice():
    """The definitive send says how many; nobody listens: each invoice is
    named, in warning style, with advice"""
    with committed_database() as run:
        company, ids = run(posted_invoices, [MARTIN, DURAND])
        ctx = {'company': company}
        run(process_wizard, 'prepare', context=ctx)
        with pytest.raises(UserWarning, match="l'envoi de 2 facture\\(s\\) "
                "au destinataire est définitif"):
            run(process_wizard, 'send', context=dict(ctx, _skip_warnings=False))
        saved = config.get('email', 'uri')
        config.set('email', 'uri', f'smtp://127.0.0.1:{free_port()}')
        try:
            result = run(process_wizard, 'send', context=ctx)
        finally:
            config.set('email', 'uri', saved or 'smtp://localhost:25')
        defaults = result['view']['defaults']
        assert defaults['icon'] == 'tryton-warning'
        lines = defaults['message'].splitlines()
        assert lines[0] == "0 facture(s) sur 2 envoyée(s), 2 en erreur."
        assert sorted(lines[1:3]) == [
            "- 1 (Boulangerie Martin) : Serveur de messagerie injoignable "
            "([Errno 111] Connection refused) : le courriel n'est pas parti.",
            "- 2 (Garage Durand) : Serveur de messagerie injoignable "
            "([Errno 111] Connection refused) : le courriel n'est pas parti.",
            ]
        assert lines[3].startswith(
            "Les factures en erreur restent «\xa0Prêt\xa0»")
        assert "Suivi des échanges, onglet «\xa0Erreurs\xa0»" in lines[3]
        assert run(states, ids) == ['ready', 'ready']
