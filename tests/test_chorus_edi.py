"""C4: the Chorus Pro export is dropped in the outbox folder of the EDI
connector; its return file updates the exchange log and each invoice's
Chorus Pro status; an unknown invoice or a malformed file imports
nothing."""
import os
import tempfile
import unittest

from trytond.modules.company.tests import set_company
from trytond.modules.lot_facturation.formats import chorus_return
from trytond.modules.lot_facturation.exceptions import ChorusError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

import world
from tools_chorus import multi_vat_invoices
from tools_send import company


def configure_outbox(company, folder):
    Configuration = Pool().get('account.configuration')
    with set_company(company):
        config = Configuration(1)
        config.chorus_outbox = folder
        config.save()


def exported(count=2, folder=None):
    Invoice = Pool().get('account.invoice')
    env, invoices = multi_vat_invoices(count=count)
    if folder:
        configure_outbox(env.company, folder)
    with set_company(env.company):
        Invoice.prepare_send(invoices)
        export = Invoice.export_chorus(invoices)
    return env, invoices, export


def return_file(*rows, header='numero_facture;statut;date;message'):
    return ('\n'.join([header] + [';'.join(r) for r in rows]) + '\n').encode(
        'utf-8')


class ChorusEDITestCase(unittest.TestCase):

    def setUp(self):
        world.restore(company)

    @with_transaction()
    def test_c4_export_dropped_in_the_outbox(self):
        with tempfile.TemporaryDirectory() as folder:
            env, invoices, export = exported(folder=folder)
            self.assertEqual(os.listdir(folder), [export.file_name])
            self.assertEqual(export.outbox_path,
                os.path.join(folder, export.file_name))
            with open(export.outbox_path, 'rb') as dropped:
                self.assertEqual(dropped.read(), export.file)

    @with_transaction()
    def test_c4_missing_outbox_is_an_error_before_anything(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Exchange = pool.get('account.invoice.exchange')
        env, invoices = multi_vat_invoices()
        configure_outbox(env.company, '/nonexistent/chorus/outbox')
        with set_company(env.company):
            Invoice.prepare_send(invoices)
            with self.assertRaises(ChorusError) as cm:
                Invoice.export_chorus(invoices)
        self.assertIn('/nonexistent/chorus/outbox', cm.exception.message)
        self.assertEqual(Exchange.search([('channel', '=', 'chorus')]), [])

    @with_transaction()
    def test_c4_return_updates_exchange_log_and_status(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        env, (first, second), _ = exported()
        data = return_file(
            (first.number, 'Déposée', '2026-03-02', ''),
            (second.number, 'REJETEE', '02/03/2026', "SIRET inconnu"),
            (first.number, 'Mise à disposition', '2026-03-03', ''),
            (first.number, 'mise en paiement', '2026-03-20', "Virement"))
        with set_company(env.company):
            exchanges = Invoice.import_chorus_return(data, env.company)
        self.assertEqual(len(exchanges), 4)
        first, second = Invoice.browse([first.id, second.id])
        self.assertEqual(first.chorus_status, 'MISE_EN_PAIEMENT')
        self.assertEqual(second.chorus_status, 'REJETEE')
        incoming = sorted((e for e in first.exchanges if e.direction == 'in'),
            key=lambda e: e.id)
        self.assertEqual([(e.channel, e.status) for e in incoming], [
                ('chorus', 'sent'), ('chorus', 'accepted'),
                ('chorus', 'accepted')])
        self.assertIn("Payment Initiated", incoming[-1].message)
        self.assertIn("Virement", incoming[-1].message)
        rejected, = [e for e in second.exchanges if e.direction == 'in']
        self.assertEqual(rejected.status, 'rejected')
        self.assertIn("SIRET inconnu", rejected.message)

    @with_transaction()
    def test_c4_unknown_invoice_imports_nothing(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Exchange = pool.get('account.invoice.exchange')
        env, (first, _), _ = exported()
        data = return_file((first.number, 'DEPOSEE', '', ''),
            ('FAC-INCONNUE', 'DEPOSEE', '', ''))
        with set_company(env.company):
            with self.assertRaises(ChorusError) as cm:
                Invoice.import_chorus_return(data, env.company)
        self.assertIn('FAC-INCONNUE', cm.exception.message)
        self.assertEqual(Exchange.search([('direction', '=', 'in')]), [])
        self.assertIsNone(Invoice(first.id).chorus_status)

    @with_transaction()
    def test_c4_malformed_file_is_a_clear_error(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        env, (first, _), _ = exported()
        cases = [
            (return_file((first.number, 'PAYEE', '', '')),
                'unknown Chorus Pro status "PAYEE"'),
            (return_file((first.number, 'DEPOSEE', '31/02/2026', '')),
                'invalid date "31/02/2026"'),
            (return_file((first.number, 'DEPOSEE'), header='facture;etat'),
                'must name the columns'),
            ("numero_facture;statut\nF1;Déposée\n".encode('latin-1'),
                'not a UTF-8 text file'),
            (return_file(), 'contains no status'),
            ]
        with set_company(env.company):
            for data, text in cases:
                with self.assertRaises(ChorusError) as cm:
                    Invoice.import_chorus_return(data, env.company)
                self.assertIn(text, cm.exception.message)
                self.assertIn('Nothing was imported', cm.exception.message)

    def test_c4_parse_statuses_and_line_numbers(self):
        lines = chorus_return.parse(
            b'\xef\xbb\xbfnumero_facture,statut\n1,D\xc3\xa9pos\xc3\xa9e\n\n'
            b'2,MANDATEE\n')
        self.assertEqual([(l.line, l.number, l.status, l.exchange_status)
                for l in lines], [
                (2, '1', 'DEPOSEE', 'sent'),
                (4, '2', 'MANDATEE', 'accepted')])
        with self.assertRaises(chorus_return.ReturnFileError) as cm:
            chorus_return.parse(b'numero_facture;statut\n1;DEPOSEE\n;X\n')
        self.assertEqual((cm.exception.reason, cm.exception.line),
            ('number', 3))
