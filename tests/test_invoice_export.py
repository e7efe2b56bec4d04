"""E1 billing status and E2 exports to CSV, QuickBooks Online, QuickBooks
Desktop (IIF) and Xero: each file is parsed back and every column of a
multi-line, multi-VAT invoice is checked."""
import csv
import datetime
import io
import unittest
from decimal import Decimal

from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

import world
from tools_chorus import multi_vat_invoices
from tools_send import company

# description, quantity, unit price, amount, VAT rate, VAT amount, tax, code
EXPECTED = [
    ("Tenue comptable mars 2026", '1', '450.00', '450.00', '20', '90.00',
        "TVA 20 %", ''),
    ("Déclarations de TVA", '3', '45.50', '136.50', '20', '27.30',
        "TVA 20 %", ''),
    ("Mission de conseil", '2.5', '120.00', '300.00', '10', '30.00',
        "TVA 10 %", 'CONSEIL'),
    ("Guide fiscal 2026", '2', '19.99', '39.98', '5.5', '2.20',
        "TVA 5,5 %", ''),
    ]


def run_export(format_, ids, model='account.invoice'):
    pool = Pool()
    Export = pool.get('account.invoice.accounting_export', type='wizard')
    session_id, _, _ = Export.create()
    with Transaction().set_context(active_model=model, active_ids=ids,
            active_id=ids[0]):
        Export.execute(session_id, {}, 'start')
        result = Export.execute(session_id, {
                'start': {'format': format_, 'count': len(ids)}}, 'export')
    values = result['view']['defaults']
    return values['file_name'], values['file']


def rows(data, delimiter=',', encoding='utf-8'):
    return list(csv.DictReader(io.StringIO(data.decode(encoding)),
            delimiter=delimiter))


class InvoiceExportTestCase(unittest.TestCase):

    def setUp(self):
        world.restore(company)

    def setup(self):
        env, (invoice,) = multi_vat_invoices()
        self.env, self.invoice = env, invoice
        self.due = invoice.invoice_date + datetime.timedelta(days=30)
        self.revenue = env.revenue
        return invoice

    def assert_lines(self, lines, columns):
        "Check the line columns (description, qty, price, amount, ...)"
        self.assertEqual(len(lines), 4)
        for row, expected in zip(lines, EXPECTED):
            for column, value in zip(columns, expected):
                if column:
                    self.assertEqual(row[column], value, column)

    @with_transaction()
    def test_e2_csv_every_column(self):
        invoice = self.setup()
        with set_company(self.env.company):
            name, data = run_export('csv', [invoice.id])
        self.assertTrue(name.endswith('.csv'))
        lines = rows(data)
        for number, row in enumerate(lines, 1):
            self.assertEqual(row['Invoice Number'], invoice.number)
            self.assertEqual(row['Invoice Date'],
                invoice.invoice_date.isoformat())
            self.assertEqual(row['Due Date'], self.due.isoformat())
            self.assertEqual(row['Customer'], "Mairie de Villeurbanne")
            self.assertEqual(row['Reference'], "Marché 2026-14")
            self.assertEqual(row['Currency'], 'EUR')
            self.assertEqual(row['Line'], str(number))
            self.assertEqual(row['Account'], self.revenue.code or '')
            self.assertEqual(row['Invoice Untaxed'], '926.48')
            self.assertEqual(row['Invoice VAT'], '149.50')
            self.assertEqual(row['Invoice Total'], '1075.98')
        self.assert_lines(lines, ['Description', 'Quantity', 'Unit Price',
                'Line Amount', 'VAT Rate', 'VAT Amount', None,
                'Product Code'])

    @with_transaction()
    def test_e2_quickbooks_online_every_column(self):
        invoice = self.setup()
        with set_company(self.env.company):
            name, data = run_export('qbo', [invoice.id])
        lines = rows(data)
        self.assertEqual(list(lines[0]), [
                'InvoiceNo', 'Customer', 'InvoiceDate', 'DueDate', 'Terms',
                'Location', 'Memo', 'Item(Product/Service)',
                'ItemDescription', 'ItemQuantity', 'ItemRate', 'ItemAmount',
                'ItemTaxCode', 'ItemTaxAmount', 'Currency', 'Service Date'])
        for row, expected in zip(lines, EXPECTED):
            self.assertEqual(row['InvoiceNo'], invoice.number)
            self.assertEqual(row['Customer'], "Mairie de Villeurbanne")
            self.assertEqual(row['InvoiceDate'],
                invoice.invoice_date.strftime('%d/%m/%Y'))
            self.assertEqual(row['DueDate'], self.due.strftime('%d/%m/%Y'))
            self.assertEqual(row['Terms'], "30 jours")
            self.assertEqual(row['Location'], '')
            self.assertEqual(row['Memo'], "Marché 2026-14")
            self.assertEqual(row['Item(Product/Service)'],
                expected[7] or expected[0])
            self.assertEqual(row['Currency'], 'EUR')
            self.assertEqual(row['Service Date'], '')
        self.assert_lines(lines, ['ItemDescription', 'ItemQuantity',
                'ItemRate', 'ItemAmount', None, 'ItemTaxAmount',
                'ItemTaxCode', None])

    @with_transaction()
    def test_e2_quickbooks_desktop_iif_every_column(self):
        invoice = self.setup()
        with set_company(self.env.company):
            name, data = run_export('iif', [invoice.id])
        self.assertTrue(name.endswith('.iif'))
        records = [l.split('\t') for l in data.decode('cp1252').split('\r\n')
            if l]
        headers = {r[0]: r for r in records if r[0].startswith('!')}
        self.assertEqual(sorted(headers), ['!ENDTRNS', '!SPL', '!TRNS'])
        body = [dict(zip(headers['!' + r[0]], r)) for r in records
            if not r[0].startswith('!') and r[0] != 'ENDTRNS']
        self.assertEqual(records[-1], ['ENDTRNS'])
        trns, *spls = body
        date = invoice.invoice_date.strftime('%m/%d/%Y')
        self.assertEqual(trns, {
                '!TRNS': 'TRNS', 'TRNSID': '', 'TRNSTYPE': 'INVOICE',
                'DATE': date, 'ACCNT': invoice.account.name,
                'NAME': "Mairie de Villeurbanne", 'AMOUNT': '1075.98',
                'DOCNUM': invoice.number, 'MEMO': "Marché 2026-14",
                'DUEDATE': self.due.strftime('%m/%d/%Y'),
                'TERMS': "30 jours"})
        lines, taxes = spls[:4], spls[4:]
        for spl, expected in zip(lines, EXPECTED):
            description, qty, price, amount, rate, _, _, code = expected
            self.assertEqual(spl, {
                    '!SPL': 'SPL', 'SPLID': '', 'TRNSTYPE': 'INVOICE',
                    'DATE': date, 'ACCNT': self.revenue.name,
                    'NAME': "Mairie de Villeurbanne", 'AMOUNT': '-' + amount,
                    'DOCNUM': invoice.number, 'MEMO': description,
                    'PRICE': price, 'QNTY': '-' + qty,
                    'INVITEM': code or description, 'TAXABLE': 'Y'})
        self.assertEqual(sorted((t['MEMO'], t['PRICE'], t['AMOUNT'])
                for t in taxes), [
                ("TVA 10 %", '10%', '-30.00'),
                ("TVA 20 %", '20%', '-117.30'),
                ("TVA 5,5 %", '5.5%', '-2.20')])
        # The transaction balances: A/R = income + VAT
        self.assertEqual(sum(Decimal(r['AMOUNT']) for r in body), 0)

    @with_transaction()
    def test_e2_xero_every_column(self):
        invoice = self.setup()
        with set_company(self.env.company):
            name, data = run_export('xero', [invoice.id])
        lines = rows(data)
        self.assertEqual(len(list(lines[0])), 29)
        for row, expected in zip(lines, EXPECTED):
            self.assertEqual({k: v for k, v in row.items() if k not in {
                        '*Description', '*Quantity', '*UnitAmount',
                        '*TaxType', 'TaxAmount', 'InventoryItemCode'}}, {
                    '*ContactName': "Mairie de Villeurbanne",
                    'EmailAddress': 'factures@villeurbanne.example',
                    'POAddressLine1': "3 avenue des Lilas",
                    'POAddressLine2': '', 'POAddressLine3': '',
                    'POAddressLine4': '', 'POCity': "Lyon", 'PORegion': '',
                    'POPostalCode': '69003', 'POCountry': '',
                    '*InvoiceNumber': invoice.number,
                    'Reference': "Marché 2026-14",
                    '*InvoiceDate': invoice.invoice_date.strftime('%d/%m/%Y'),
                    '*DueDate': self.due.strftime('%d/%m/%Y'),
                    'Total': '1075.98', 'Discount': '',
                    '*AccountCode': self.revenue.code or '',
                    'TrackingName1': '', 'TrackingOption1': '',
                    'TrackingName2': '', 'TrackingOption2': '',
                    'Currency': 'EUR', 'BrandingTheme': ''})
            self.assertEqual(row['InventoryItemCode'], expected[7])
        self.assert_lines(lines, ['*Description', '*Quantity', '*UnitAmount',
                None, None, 'TaxAmount', '*TaxType', None])

    @with_transaction()
    def test_e1_billing_status_follows_the_invoice(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        env, (invoice,) = multi_vat_invoices(post=False)
        with set_company(env.company):
            self.assertEqual(Invoice(invoice.id).billing_status, 'draft')
            Invoice.post([invoice])
            self.assertEqual(Invoice(invoice.id).billing_status, 'draft')
            run_export('csv', [invoice.id])
            self.assertEqual(Invoice(invoice.id).billing_status, 'exported')
            Invoice.write([invoice], {'send_state': 'sent'})
            self.assertEqual(Invoice(invoice.id).billing_status, 'sent')
            credit, = Invoice.credit([invoice], refund=True)
            invoice = Invoice(invoice.id)
            self.assertEqual(invoice.state, 'cancelled')
            self.assertEqual(invoice.billing_status, 'refunded')

    @with_transaction()
    def test_e1_manual_billing_status_is_tracked(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        env, (invoice,) = multi_vat_invoices()
        with set_company(env.company):
            Invoice.write([invoice], {'billing_status': 'paid'})
            invoice = Invoice(invoice.id)
            self.assertEqual(invoice.billing_status, 'paid')
            self.assertEqual(invoice.billing_status_manual, 'paid')
            self.assertEqual(invoice.billing_status_set_by.id,
                Transaction().user)
            self.assertTrue(invoice.billing_status_set_date)
            Invoice.reset_billing_status([invoice])
            invoice = Invoice(invoice.id)
            self.assertEqual(invoice.billing_status, 'draft')
            self.assertIsNone(invoice.billing_status_set_by)
