"""212 "Encaissée" for the collections of invoices sent through the PA
(SPEC P6): a payment (full or partial) is told once with its amount per VAT
rate, a bounced cheque by the negative status; the PA down leaves them
pending, retried.  The local PA simulator runs on 127.0.0.1; the deposits
commit on their own, so every test runs in a committed database."""
import json
from decimal import Decimal as D

import pytest
from lxml import etree
from pa_simulator import PASimulator

from trytond.modules.company.tests import set_company
from trytond.modules.lot_facturation.corrections.cancel_payment_wizard \
    import cancel_move
from trytond.modules.lot_facturation.formats import cdar
from trytond.pool import Pool

from tools_chorus import tax
from tools_einvoice_shapes import FRENCH_SIREN, add_company_iban, invoice
from tools_pa import business_customer, configure_pa
from tools_send import committed_database, run, setup_company

RAM = '{%s}' % cdar.CDAR_NS_MAP['ram']


@pytest.fixture
def sim():
    with PASimulator(seller_siren='552100554') as simulator:
        simulator.add_directory_line(FRENCH_SIREN)
        yield simulator


def sent_invoice(sim, debits=False):
    """A 20 % + 10 % invoice of 1,000 + 500 (TTC 1,200 + 550) sent through
    the PA: (company id, invoice id)"""
    company, invoice_id = run(ready_invoice, sim, debits)
    outcome, = run(send, invoice_id, context={'company': company})
    assert outcome.status == 'sent'
    return company, invoice_id


def send(invoice_id):
    Invoice = Pool().get('account.invoice')
    return Invoice.send([Invoice(invoice_id)])


def ready_invoice(sim, debits):
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Configuration = pool.get('account.configuration')
    env = setup_company()
    configure_pa(env.company, sim)
    with set_company(env.company):
        Configuration(1).set_multivalue('vat_on_debits', debits,
            company=env.company.id)
        add_company_iban(env)
        party = business_customer("Boulangerie Martin SARL")
        record = invoice(env, party, [
                {'description': "Tenue comptable", 'quantity': 1,
                    'unit_price': D('1000'),
                    'taxes': [tax(env, '0.20').id]},
                {'description': "Formation", 'quantity': 1,
                    'unit_price': D('500'), 'taxes': [tax(env, '0.10').id]}])
        Invoice.prepare_send([record])
    return env.company.id, record.id


def cheque():
    "A cheque payment method on the cash journal (created once)"
    pool = Pool()
    Method = pool.get('account.invoice.payment.method')
    Journal = pool.get('account.journal')
    Account = pool.get('account.account')
    found = Method.search([('name', '=', 'Chèque')])
    if found:
        return found[0]
    journal, = Journal.search([('type', '=', 'cash')], limit=1)
    cash, = Account.search([('type.receivable', '=', False),
            ('type.payable', '=', False), ('reconcile', '=', False),
            ('type.statement', '=', 'balance'), ('closed', '!=', True)],
        limit=1)
    method = Method(name='Chèque', journal=journal, credit_account=cash,
        debit_account=cash)
    method.save()
    return method


def pay(invoice_id, amount, full=False):
    "Pay amount by cheque; full: reconcile as the Pay wizard does"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Line = pool.get('account.move.line')
    record = Invoice(invoice_id)
    lines = record.pay_invoice(D(amount), cheque(), record.invoice_date)
    if full:
        record = Invoice(invoice_id)
        Line.reconcile(record.lines_to_pay + record.payment_lines)
    return [l.id for l in lines if l.account == record.account]


def bounce(invoice_id):
    "The last cheque comes back NSF (what the cancel receipt wizard does)"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Reconciliation = pool.get('account.move.reconciliation')
    record = Invoice(invoice_id)
    receipt = max(list(record.payment_lines) + [l for l in
            record.reconciliation_lines if l not in record.lines_to_pay],
        key=lambda l: l.id)
    if receipt.reconciliation:
        Reconciliation.delete([receipt.reconciliation])
    Invoice.process([Invoice(invoice_id)])
    Invoice.remove_payment_lines([receipt])
    cancel_move(receipt.move, record.invoice_date, "Chèque retourné NSF")


def emit():
    Collection = Pool().get('account.invoice.pa_collection')
    return Collection.emit_pending()


def collections(invoice_id):
    Collection = Pool().get('account.invoice.pa_collection')
    return [{'kind': c.kind, 'route': c.route, 'amount': c.amount,
            'rates': json.loads(c.rates), 'state': c.state,
            'message': c.message, 'flow': c.pa_flow_id,
            'exchange': c.exchange and (c.exchange.direction,
                c.exchange.status, c.exchange.pa_status_code,
                c.exchange.message)}
        for c in Collection.search([('invoice', '=', invoice_id)],
            order=[('id', 'ASC')])]


def deposited_212(sim):
    "(invoice number, [(rate, amount)]) of each 212 deposited at the PA"
    result = []
    for flow in sim.deposited():
        if flow.meta['flowSyntax'] != 'CDAR':
            continue
        parsed = cdar.parse_status(flow.content)
        assert parsed.code == '212'
        result.append((parsed.invoice_number, [(a.rate, a.amount)
                    for a in parsed.amounts]))
    return result


def number(invoice_id):
    return Pool().get('account.invoice')(invoice_id).number


def test_p6_payment_and_bounced_cheque_told_once_per_rate(sim):
    with committed_database():
        company, invoice_id = sent_invoice(sim)
        context = {'company': company}
        run(pay, invoice_id, '1750.00', True, context=context)
        assert [c['state'] for c in run(collections, invoice_id)] == [
            'pending']  # recorded with the payment, deposited later
        assert run(emit, context=context) == 1
        paid, = run(collections, invoice_id)
        assert paid['amount'] == D('1750.00')
        assert paid['rates'] == {'20.00': '1200.00', '10.00': '550.00'}
        assert paid['exchange'][:3] == ('out', 'sent', '212')
        assert '1750.00' in paid['exchange'][3]
        invoice_number = run(number, invoice_id)
        assert run(deposited_212, sim) == [(invoice_number, [
                    (D('20.00'), D('1200.00')), (D('10.00'), D('550.00'))])]
        # A rerun (the cron, the queue again) deposits nothing twice
        assert run(emit, context=context) == 0
        # The cheque bounces: the negative 212
        run(bounce, invoice_id, context=context)
        assert run(emit, context=context) == 1
        paid, cancelled = run(collections, invoice_id)
        assert cancelled['kind'] == 'cancellation'
        assert cancelled['amount'] == D('-1750.00')
        assert run(deposited_212, sim)[1] == (invoice_number, [
                (D('20.00'), D('-1200.00')), (D('10.00'), D('-550.00'))])
        assert run(emit, context=context) == 0
        assert len(run(deposited_212, sim)) == 2


def test_p6_partial_payments_shared_per_rate(sim):
    with committed_database():
        company, invoice_id = sent_invoice(sim)
        context = {'company': company}
        run(pay, invoice_id, '700.00', context=context)
        run(pay, invoice_id, '1050.00', True, context=context)
        assert run(emit, context=context) == 2
        first, second = run(collections, invoice_id)
        # 700 of 1,750: 480 at 20 % (1,200/1,750), 220 at 10 %
        assert first['rates'] == {'20.00': '480.00', '10.00': '220.00'}
        assert second['rates'] == {'20.00': '720.00', '10.00': '330.00'}
        assert [c['state'] for c in run(collections, invoice_id)] == [
            'sent', 'sent']
        assert len(run(deposited_212, sim)) == 2


def test_p6_pa_down_stays_pending_and_is_retried(sim):
    with committed_database():
        company, invoice_id = sent_invoice(sim)
        context = {'company': company}
        run(pay, invoice_id, '1750.00', True, context=context)
        sim.go_down()
        assert run(emit, context=context) == 0
        failed, = run(collections, invoice_id)
        assert failed['state'] == 'error'
        assert 'reste en attente' in failed['message']
        assert failed['exchange'] is None
        sim.come_back()
        assert run(emit, context=context) == 1
        sent, = run(collections, invoice_id)
        assert sent['state'] == 'sent'
        assert len(run(deposited_212, sim)) == 1
        assert sim.duplicate_deposits == 0


def test_p6_vat_on_debits_reports_no_collection(sim):
    with committed_database():
        company, invoice_id = sent_invoice(sim, True)
        run(pay, invoice_id, '1750.00', True, context={'company': company})
        assert run(collections, invoice_id) == []
        assert run(emit, context={'company': company}) == 0


def posted_credit(invoice_id):
    "The credit note of the whole invoice, posted, ready to send"
    Invoice = Pool().get('account.invoice')
    credit, = Invoice.credit([Invoice(invoice_id)])
    Invoice.post([credit])
    Invoice.prepare_send([credit])
    return credit.id


def sent_through_pa(invoice_id, context):
    "Send the committed invoice through the PA as the send does (own run)"
    outcome, = run(send, invoice_id, context=context)
    assert outcome.status == 'sent'


def type_codes(sim):
    "The type codes in each 212 deposited at the PA"
    return [{node.text for node in etree.fromstring(flow.content).iter(
                RAM + 'TypeCode')}
        for flow in sim.deposited() if flow.meta['flowSyntax'] == 'CDAR']


def test_p6_refund_reports_negative_212(sim):
    with committed_database():
        company, invoice_id = sent_invoice(sim)
        context = {'company': company}
        run(pay, invoice_id, '1750.00', True, context=context)
        credit_id = run(posted_credit, invoice_id, context=context)
        sent_through_pa(credit_id, context)
        # The refund paid out, reconciled with the credit note (Pay wizard)
        run(pay, credit_id, '-1750.00', True, context=context)
        assert run(emit, context=context) == 2
        paid, = run(collections, invoice_id)
        assert paid['amount'] == D('1750.00')
        refund, = run(collections, credit_id)
        assert refund['amount'] == D('-1750.00')
        assert refund['rates'] == {'20.00': '-1200.00', '10.00': '-550.00'}
        assert refund['state'] == 'sent'
        assert refund['exchange'][:3] == ('out', 'sent', '212')
        assert sorted(run(deposited_212, sim)) == sorted([
                (run(number, invoice_id), [
                        (D('20.00'), D('1200.00')),
                        (D('10.00'), D('550.00'))]),
                (run(number, credit_id), [
                        (D('20.00'), D('-1200.00')),
                        (D('10.00'), D('-550.00'))])])
        # The refund's 212 refers to a credit note (381), the payment's not
        assert sorted('381' in codes for codes in type_codes(sim)) == [
            False, True]
        assert run(emit, context=context) == 0


def second_invoice(company_id):
    """Another invoice of the customer, 500 + 20 % (TTC 600), ready to send
    through the PA: its id"""
    Invoice = Pool().get('account.invoice')
    first, = Invoice.search([('company', '=', company_id)], limit=1,
        order=[('id', 'ASC')])
    env = setup_company()
    with set_company(env.company):
        record = invoice(env, first.party, [{'description': "Paie",
                    'quantity': 1, 'unit_price': D('500'),
                    'taxes': [tax(env, '0.20').id]}])
        Invoice.prepare_send([record])
    return record.id


def one_receipt(invoice_ids, amount):
    "One cheque paying the invoices, reconciled with all their lines"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Move = pool.get('account.move')
    Line = pool.get('account.move.line')
    Period = pool.get('account.period')
    invoices = Invoice.browse(invoice_ids)
    first = invoices[0]
    method = cheque()
    move = Move(journal=method.journal, date=first.invoice_date,
        period=Period.find(first.company, date=first.invoice_date),
        origin=None, lines=[
            Line(account=first.account, party=first.party, credit=D(amount),
                debit=0),
            Line(account=method.debit_account, debit=D(amount), credit=0)])
    move.save()
    Move.post([move])
    Line.reconcile([l for i in invoices for l in i.lines_to_pay
            + i.payment_lines] + [l for l in move.lines
            if l.account == first.account])


def test_p6_one_receipt_for_two_invoices_reports_each(sim):
    with committed_database():
        company, first_id = sent_invoice(sim)
        context = {'company': company}
        second_id = run(second_invoice, company, context=context)
        sent_through_pa(second_id, context)
        run(pay, second_id, '200.00', context=context)  # paid in part before
        # 1,750 for the first, the 400 left on the second
        run(one_receipt, [first_id, second_id], '2150.00', context=context)
        assert run(emit, context=context) == 3
        first, = run(collections, first_id)
        assert (first['amount'], first['rates']) == (D('1750.00'),
            {'20.00': '1200.00', '10.00': '550.00'})
        deposit, rest = run(collections, second_id)
        assert [c['amount'] for c in (deposit, rest)] == [
            D('200.00'), D('400.00')]
        assert rest['rates'] == {'20.00': '400.00'}
        deposited = run(deposited_212, sim)
        assert sorted(deposited) == sorted([
                (run(number, first_id), [
                        (D('20.00'), D('1200.00')),
                        (D('10.00'), D('550.00'))]),
                (run(number, second_id), [(D('20.00'), D('200.00'))]),
                (run(number, second_id), [(D('20.00'), D('400.00'))])])
        assert run(emit, context=context) == 0
