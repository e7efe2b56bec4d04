"""F1: the CII the module produces passes the four validators.

Every shape of issue 10 is posted through Tryton and its XML taken from
``Invoice.facturx_xml()`` (the path of the Factur-X print, the send and the
Chorus export), with the data Tryton already has a field for filled in.
The two foreign customers are left out: they have no SIREN, hence no
electronic address (BT-49, BR-FR-12) until the party has its own field.
"""
import unittest

from trytond.modules.company.tests import set_company
from trytond.modules.lot_facturation.validation import gate, messages
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

import world
from tools_einvoice_shapes import SHAPES, shape_invoices, shape_xmls
from tools_send import company, setup_company

FRENCH_SHAPES = [name for name, _ in SHAPES
    if name not in {'reverse_charge', 'foreign_customer'}]


class ModuleCIITestCase(unittest.TestCase):

    def setUp(self):
        world.restore(company)

    @with_transaction()
    def test_f1_module_cii_passes_the_gate_once_the_data_is_complete(self):
        "Blocked while the company has no IBAN; 0 fatal once data is there"
        env = setup_company()
        with set_company(env.company):
            BankAccount = Pool().get('bank.account')
            BankAccount.delete(list(env.company.party.bank_accounts))
        before = shape_xmls(env, names=['vat_rates'])['vat_rates']
        self.assertIn('seller_iban', [e.key for e in
                messages.explain_report(gate.validate(before))])
        xmls = shape_xmls(env, complete=True, names=FRENCH_SHAPES)
        self.assertEqual(sorted(xmls), sorted(FRENCH_SHAPES))
        for name, xml in xmls.items():
            with self.subTest(shape=name):
                report = gate.validate(xml)
                self.assertEqual(
                    [e.text for e in messages.explain_report(report)], [])

    @with_transaction()
    def test_f1_cii_of_a_chunk_is_each_invoices_own_in_its_language(self):
        """The send renders a chunk's CII together, customers of two
        languages mixed: each XML is the one of the invoice alone"""
        env = setup_company()
        invoices = list(shape_invoices(env, complete=True,
                names=FRENCH_SHAPES).values())
        english = invoices[0].party
        english.lang, = Pool().get('ir.lang').search([('code', '=', 'en')])
        english.save()
        Invoice = Pool().get('account.invoice')
        with set_company(env.company):
            alone = {i.id: Invoice(i.id).render_cii() for i in invoices}
            together = Invoice.render_ciis(Invoice.browse(
                    [i.id for i in invoices]))
        self.assertEqual(len({i.party_lang for i in invoices}), 2)
        self.assertEqual(len(set(together.values())), len(invoices))
        self.assertEqual(together, alone)
