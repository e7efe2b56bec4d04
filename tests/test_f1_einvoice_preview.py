"""B4, F1: the batch preview blocks, before anything is generated, the
invoices the validators would refuse, with the gate's own words.

The preview checks the data the invoice will carry (customer kind and
identifiers, electronic address, Chorus Pro SIRET, service code and
engagement, the company's IBAN) with the gate's data rules; for each case
its message is the very line the gate gives on a posted invoice of the
same customer.  Customers who receive a PDF are not blocked for it.
"""
import unittest

from lxml import etree

from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from test_f1_einvoice_paths import NS, validators
from tools_chorus import lines_invoices, public_customer
from tools_einvoice_batch import (
    batch_world, contract, generated_invoices, previewed_batch)
from tools_send import create_customer

SIRET_LYON = '21690123100003'


def customers(env):
    "{name: customer}: one per data rule the preview must catch"
    pool = Pool()
    Identifier = pool.get('party.identifier')
    with set_company(env.company):
        parties = {
            'Mairie de Bron': public_customer("Mairie de Bron", siret=None),
            'Mairie sans SIREN': public_customer(
                "Mairie sans SIREN", siren=None, siret=None),
            'Mairie exigeante': public_customer(
                "Mairie exigeante", siren='216901231', siret=SIRET_LYON,
                service_code=None),
            'Lycée Ampère': public_customer(
                "Lycée Ampère", siren='216901231', siret=SIRET_LYON),
            'Garage Chorus': create_customer("Garage Chorus",
                channel='chorus', siren='552100554', kind='business'),
            'Mairie de Lyon': public_customer("Mairie de Lyon"),
            'Boulangerie Martin': create_customer("Boulangerie Martin",
                email='compta@martin.example'),
            }
        demanding = parties['Mairie exigeante']
        demanding.chorus_service_required = True
        demanding.chorus_engagement_required = True
        demanding.save()
        lycee = parties['Lycée Ampère']
        lycee.electronic_address = '999999999_ACHATS'
        lycee.electronic_scheme = '0225'
        lycee.save()
        assert Identifier.search([('party', '=', lycee.id)])
    return parties


EXPECTED_RULES = {
    'Mairie de Bron': ['CHORUS-SIRET'],
    'Mairie sans SIREN': ['BR-FR-11_BT-47', 'BR-FR-21_BT-49',
        'CHORUS-SIRET'],
    'Mairie exigeante': ['CHORUS-ENGAGEMENT', 'CHORUS-SERVICE'],
    'Lycée Ampère': ['BR-FR-21_BT-49'],
    'Garage Chorus': ['CHORUS-KIND'],
    }


class EInvoicePreviewTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('lot_facturation')

    @with_transaction()
    def test_f1_preview_blocks_with_the_gates_words(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        env = batch_world()
        parties = customers(env)
        for party in parties.values():
            contract(env, party, [(1, '450.00', None)])
        batch = previewed_batch(env)
        proposals = {p.party.name: p for p in batch.proposals}
        self.assertEqual(sorted(proposals), sorted(parties))
        for name in ['Mairie de Lyon', 'Boulangerie Martin']:
            self.assertEqual((proposals[name].status,
                    proposals[name].message), ('ready', None))
        blocked = {n: p for n, p in proposals.items() if n in EXPECTED_RULES}
        for name, proposal in blocked.items():
            with self.subTest(customer=name):
                self.assertEqual(proposal.status, 'blocked')
                lines = proposal.message.splitlines()
                self.assertEqual(sorted(l.split(':')[0] for l in lines),
                    EXPECTED_RULES[name])
        # The gate says the same, word for word, on a posted invoice
        with Transaction().set_context(_skip_warnings=True):
            invoices = lines_invoices(env, [parties[n] for n in blocked])
        with set_company(env.company):
            checked = Invoice.check_structured(invoices)
        for invoice in invoices:
            with self.subTest(gate=invoice.party.name):
                self.assertEqual(sorted(checked[invoice.id].blocked),
                    sorted(blocked[invoice.party.name].message.splitlines()))

    @with_transaction()
    def test_f1_blocked_proposal_generates_nothing_the_others_pass(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        env = batch_world()
        with set_company(env.company):
            lyon = public_customer("Mairie de Lyon")
            bron = public_customer("Mairie de Bron", siret=None)
        contract(env, lyon, [(1, '450.00', None), (2, '35.50', None)],
            chorus_engagement='EJ-2026-0042')
        contract(env, bron, [(1, '450.00', None)])
        batch = previewed_batch(env)
        self.assertEqual(sorted(p.status for p in batch.proposals),
            ['blocked', 'ready'])
        invoice, = generated_invoices(env, batch)
        self.assertEqual((invoice.party, invoice.state), (lyon, 'posted'))
        self.assertEqual((invoice.chorus_service_code,
                invoice.chorus_engagement),
            ('SERVICE-COMPTA', 'EJ-2026-0042'))  # customer's, contract's
        with set_company(env.company):
            xml = Invoice(invoice.id).structured_invoice()
        self.assertEqual(validators(xml).fatal, [])
        tree = etree.fromstring(xml)
        period = tree.find('.//ram:ApplicableHeaderTradeSettlement/'
            'ram:BillingSpecifiedPeriod', NS)
        self.assertEqual([e.text for e in period.iter(
                    '{%s}DateTimeString' % NS['udt'])],
            ['20260101', '20260331'])
        self.assertEqual([e.text for e in tree.iterfind(
                    './/ram:BuyerOrderReferencedDocument/'
                    'ram:IssuerAssignedID', NS)], ['EJ-2026-0042'])

    @with_transaction()
    def test_f1_company_without_iban_blocks_every_chorus_proposal(self):
        pool = Pool()
        BankAccount = pool.get('bank.account')
        env = batch_world()
        with set_company(env.company):
            lyon = public_customer("Mairie de Lyon")
            martin = create_customer("Boulangerie Martin", siren='552100554')
            BankAccount.delete(list(env.company.party.bank_accounts))
        contract(env, lyon, [(1, '450.00', None)])
        contract(env, martin, [(1, '90.00', None)])
        batch = previewed_batch(env)
        proposals = {p.party: p for p in batch.proposals}
        self.assertEqual(proposals[lyon].status, 'blocked')
        self.assertIn("CII-SR-470: The invoice asks for a bank transfer but "
            "your company Cabinet Dupont Expertise has no IBAN",
            proposals[lyon].message)
        self.assertEqual(proposals[martin].status, 'ready')  # a PDF
        self.assertEqual(batch.invoice_count, 1)  # blocked not counted
