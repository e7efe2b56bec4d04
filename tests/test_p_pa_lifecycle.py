"""What the accountant sees of the PA's lifecycle statuses (SPEC P5): the
counts per status on the batch, the PA status beside the billing status,
why an invoice was rejected or refused and its correction (credit note,
then a new draft invoice; never back to draft)."""
import pytest
from pa_simulator import PASimulator

from trytond.pool import Pool
from trytond.transaction import Transaction

from tools_einvoice_shapes import FRENCH_SIREN
from tools_pa import DEFAULT, pa_invoices
from tools_send import committed_database, run

REASON = "Taux de TVA erroné sur la ligne 1"


@pytest.fixture
def sim():
    with PASimulator(seller_siren='552100554') as simulator:
        simulator.add_directory_line(FRENCH_SIREN)
        yield simulator


def send(ids):
    "The send commits on its own: a transaction of its own"
    Invoice = Pool().get('account.invoice')
    Invoice.send(Invoice.browse(ids))


def fetch(company):
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Company = pool.get('company.company')
    return Invoice.fetch_pa_statuses_of([Company(company)])


def in_batches(company, groups):
    "A batch holding the invoices of each group"
    pool = Pool()
    Batch = pool.get('account.invoice.batch')
    Invoice = pool.get('account.invoice')
    batches = Batch.create([{'name': "Lot %s" % n, 'company': company}
            for n, _ in enumerate(groups)])
    table = Invoice.__table__()
    cursor = Transaction().connection.cursor()
    for batch, ids in zip(batches, groups):
        if not ids:
            continue
        cursor.execute(*table.update([table.batch], [batch.id],
                where=table.id.in_(ids)))
    return [b.id for b in batches]


def batch_counts(batch_ids):
    Batch = Pool().get('account.invoice.batch')
    return [b.pa_status_counts for b in Batch.browse(batch_ids)]


def invoice_facts(ids):
    Invoice = Pool().get('account.invoice')
    return [(i.state, i.billing_status, i.pa_status, i.pa_status_reason)
        for i in Invoice.browse(ids)]


def test_p5_batch_billing_status_reason_and_correction(sim):
    """Three invoices sent through the PA: 200, 210 refused, 213 rejected;
    the refused one is corrected from its button"""
    with committed_database():
        company, ids = run(pa_invoices, sim, DEFAULT, 3)
        context = {'company': company}
        run(send, ids, context=context)
        assert run(fetch, company, context=context) == 3
        flows = [f.meta['flowId'] for f in sim.deposited()]
        sim.push_status(flows[1], '210', 'TX_TVA_ERR', REASON)
        sim.push_status(flows[2], '213', 'REJ_SEMAN', "Erreur sémantique")
        assert run(fetch, company, context=context) == 2
        batches = run(in_batches, company, [ids[:2], ids[2:], []],
            context=context)
        assert run(batch_counts, batches, context=context) == [
            "200 Déposée : 1 · 210 Refusée : 1", "213 Rejetée : 1", None]
        facts = run(invoice_facts, ids, context=context)
        assert [f[:3] for f in facts] == [('posted', 'sent', '200'),
            ('posted', 'sent', '210'), ('posted', 'sent', '213')]
        assert facts[0][3] is None
        assert "210 Refusée" in facts[1][3] and REASON in facts[1][3]
        assert "avoir" in facts[1][3]
        assert "Erreur sémantique" in facts[2][3]
        columns = run(billing_columns, context=context)
        assert columns.index('pa_status') == columns.index(
            'billing_status') + 1
        check_correction(company, ids)


def billing_columns():
    "The columns of the customer invoice list, in order"
    from lxml import etree
    pool = Pool()
    Invoice = pool.get('account.invoice')
    ModelData = pool.get('ir.model.data')
    arch = Invoice.fields_view_get(ModelData.get_id(
            'account_invoice', 'invoice_view_tree'))['arch']
    return [f.get('name') for f in etree.fromstring(arch).iter('field')]


def correct(invoice_id):
    """Click «Avoir et nouvelle facture» then «Créer l'avoir»: return the
    wizard's defaults and the records it opens"""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Wizard = pool.get('account.invoice.cancel_replace', type='wizard')
    action = Invoice.pa_correct([Invoice(invoice_id)])
    session_id, _, _ = Wizard.create()
    with Transaction().set_context(active_model='account.invoice',
            active_id=invoice_id, active_ids=[invoice_id]):
        start = Wizard.execute(session_id, {}, 'start')['view']['defaults']
        values = {k: v for k, v in start.items() if '.' not in k}
        values['reason'] = "Refusée par l'acheteur : TVA"
        result = Wizard.execute(session_id, {'start': values}, 'credit')
    opened = result['actions'][0][1]['res_id']
    return action, start, [(i.type, i.state, float(i.total_amount),
            i.pa_status, i.send_state) for i in Invoice.browse(opened)]


def check_correction(company, ids):
    "«Avoir et nouvelle facture» on the refused invoice"
    context = {'company': company}
    action, start, opened = run(correct, ids[1], context=context)
    assert action  # the button opens the Cancel / Replace wizard
    assert start['replace'] is True  # the new invoice is the point
    assert start['mode'] == 'full'
    credit, replacement = opened
    assert credit[:3] == ('out', 'paid', -540.0)
    assert replacement[:4] == ('out', 'draft', 540.0, None)
    refused = run(invoice_facts, ids[1:2], context=context)[0]
    assert refused[:3] == ('paid', 'refunded', '210')  # never draft

