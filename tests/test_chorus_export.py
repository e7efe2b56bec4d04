"""C3: "Récupérer les factures à destination de Chorus": ZIP of the signed
Factur-X PDFs; invoices sent and dematerialised; one exchange per invoice
and one export report."""
import io
import unittest
import zipfile

from trytond.modules.company.tests import set_company
from trytond.modules.lot_facturation.formats import facturx as builder
from trytond.modules.lot_facturation.exceptions import ChorusError
from trytond.modules.lot_facturation.exceptions import SendError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

import world
from test_chorus_signature import configure_certificate
from tools_certificate import make_certificate, signature_status
from tools_chorus import multi_vat_invoices
from tools_send import company, process_wizard


class ChorusExportTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.p12, cls.root = make_certificate()

    def setUp(self):
        world.restore(company)

    def setup(self, count=2, state='ready'):
        Invoice = Pool().get('account.invoice')
        env, invoices = multi_vat_invoices(count=count)
        configure_certificate(env.company, self.p12)
        with set_company(env.company):
            Invoice.prepare_send(invoices)
            if state == 'sent':
                Invoice.write(list(invoices), {'send_state': 'sent'})
        return env, invoices

    @with_transaction()
    def test_c3_chorus_zip_of_signed_facturx(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Export = pool.get('account.invoice.chorus_export')
        env, invoices = self.setup(count=3)
        with set_company(env.company):
            result = process_wizard('chorus', [i.id for i in invoices],
                {'send_states': ['ready', 'sent']})
        self.assertEqual(result['view']['state'], 'result')
        values = result['view']['defaults']
        self.assertIn('3', values['message'])
        export = Export(values['chorus_export'])
        self.assertEqual(export.invoice_count, 3)
        self.assertEqual(export.total_amount, 3 * invoices[0].total_amount)
        archive = zipfile.ZipFile(io.BytesIO(export.file))
        self.assertEqual(sorted(archive.namelist()), sorted(
                'facture-%s.pdf' % i.number for i in invoices))
        for invoice in invoices:
            pdf = archive.read('facture-%s.pdf' % invoice.number)
            self.assertTrue(signature_status(pdf, self.root).bottom_line)
            _, xml = builder.extract(pdf)
            self.assertIn(('<ram:ID>%s</ram:ID>' % invoice.number).encode(),
                xml)
        # The export report lists every invoice with its total
        for invoice in invoices:
            self.assertIn('%s;' % invoice.number, export.report)
        for invoice in Invoice.browse([i.id for i in invoices]):
            self.assertEqual(invoice.send_state, 'sent')
            self.assertTrue(invoice.dematerialized)
            self.assertEqual(invoice.send_channel, 'chorus')
            self.assertTrue(invoice.sent_date)
            self.assertEqual(invoice.chorus_export, export)
            exchange, = [e for e in invoice.exchanges
                if e.chorus_export == export]
            self.assertEqual((exchange.channel, exchange.status),
                ('chorus', 'sent'))
            self.assertTrue(signature_status(
                    exchange.report, self.root).bottom_line)
        attachments = pool.get('ir.attachment').search([
                ('resource', 'in', [str(i) for i in invoices])])
        self.assertEqual(len(attachments), 3)  # archived, signed

    @with_transaction()
    def test_c3_sent_invoices_by_default_and_never_twice(self):
        env, invoices = self.setup(count=2, state='sent')
        ids = [i.id for i in invoices]
        with set_company(env.company):
            result = process_wizard('chorus', ids)
            self.assertIn('2', result['view']['defaults']['message'])
            with self.assertRaises(SendError):
                process_wizard('chorus', ids)  # already retrieved: none left
            with self.assertRaises(ChorusError):
                Pool().get('account.invoice').export_chorus(invoices)

    @with_transaction()
    def test_c3_error_leaves_nothing_half_exported(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Exchange = pool.get('account.invoice.exchange')
        env, invoices = self.setup(count=2, state='sent')
        configure_certificate(env.company, self.p12, 'wrong password')
        with set_company(env.company):
            with self.assertRaises(Exception) as cm:
                Invoice.export_chorus(invoices)
            self.assertIn('certificate', cm.exception.message)
        # (the transaction rolls back: nothing was written before the error
        # reached the user; here the first chunk failed before any write)
        self.assertEqual(Exchange.search([('channel', '=', 'chorus')]), [])
        self.assertFalse(any(i.chorus_export for i in Invoice.browse(
                    [i.id for i in invoices])))
