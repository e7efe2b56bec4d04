# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Retrieve invoices for Chorus Pro (SPEC C3): a ZIP of signed Factur-X PDFs.

``Invoice.export_chorus`` renders, signs and writes the PDFs into a ZIP on
disk chunk by chunk (memory stays flat as the selection grows), then in
the same transaction: the invoices become sent and dematerialised, one
exchange per invoice keeps its signed PDF, the PDF is archived when the
configuration asks, and one export record (``account.invoice.chorus_export``)
keeps the ZIP and its report.  Any error rolls everything back: no invoice
is half-exported.  An invoice is exported once.

Each invoice passes the validation gate first (``structured.py``): an
invoice the validators would refuse is left out (not in the ZIP, not
marked, no exchange) and listed with what to fix on the export, while the
others go; the accountant fixes it and retrieves it with the next export.
When every invoice is refused, nothing is exported.
"""
import datetime
import os
import shutil

from trytond.filestore import FileStore, filestore
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from ..common import settings
from ..exceptions import ChorusError
from ..formats.chorus_zip import ChorusZip, member_name
from ..transports import outbox

CHUNK = 50
EXPORTABLE_SEND_STATES = {'ready', 'sent'}


class ChorusExport(ModelSQL, ModelView):
    __name__ = 'account.invoice.chorus_export'

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    invoice_count = fields.Integer("Invoices", readonly=True)
    total_amount = fields.Numeric(
        "Total", digits=(16, 2), readonly=True,
        help="Sum of the totals (taxes included) of the invoices.")
    file = fields.Binary(
        "ZIP File", readonly=True, filename='file_name', file_id='file_id')
    file_id = fields.Char("ZIP File ID", readonly=True)
    file_name = fields.Char("ZIP File Name", readonly=True)
    report = fields.Text("Export Report", readonly=True)
    blocked = fields.Text("Invoices Left Out", readonly=True,
        help="The invoices the validators would refuse, with what to fix: "
        "they were not exported.")
    outbox_path = fields.Char("Outbox File", readonly=True,
        help="Where the ZIP was dropped for the EDI connector.")
    exchanges = fields.One2Many(
        'account.invoice.exchange', 'chorus_export', "Exchanges",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))

    def get_rec_name(self, name):
        return self.file_name or str(self.id)

    def store_file(self, path):
        """Keep the ZIP at path as the export's file: copied on disk into
        Tryton's default file store (never whole in memory), else read"""
        if type(filestore) is FileStore:
            file_id = filestore._id(None)
            filename = filestore._filename(
                file_id, Transaction().database.name)
            os.makedirs(os.path.dirname(filename), mode=0o770, exist_ok=True)
            shutil.copyfile(path, filename)
            self.file_id = file_id
        else:
            with open(path, 'rb') as archive:
                self.file = archive.read()
        self.save()


class InvoiceChorusExport:
    "Invoices retrieved for Chorus Pro (C3), dropped in the outbox (C4)."
    __slots__ = ()

    chorus_export = fields.Many2One(
        'account.invoice.chorus_export', "Chorus Export", readonly=True,
        ondelete='RESTRICT',
        states={'invisible': ~Eval('chorus_export')})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._check_modify_exclude.add('chorus_export')

    @classmethod
    def copy(cls, invoices, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('chorus_export', None)
        return super().copy(invoices, default=default)

    @classmethod
    def export_chorus(cls, invoices):
        "Build the Chorus Pro ZIP of invoices; return the export record"
        pool = Pool()
        Export = pool.get('account.invoice.chorus_export')
        ids = sorted({i.id for i in invoices})
        company = cls._check_chorus(cls.browse(ids))
        cls.lock(cls.browse(ids))
        now = datetime.datetime.now().replace(microsecond=0)
        export = Export(company=company, date=now,
            user=Transaction().user or None, invoice_count=0)
        archive, lines, blocked, total = ChorusZip(), [], [], 0
        try:
            for sub_ids in grouped_slice(ids, CHUNK):
                chunk = cls.browse(list(sub_ids))
                total += cls._export_chorus_chunk(
                    export, chunk, archive, lines, blocked)
            if not lines:
                raise ChorusError(gettext(
                        'lot_facturation.msg_chorus_export_all_blocked',
                        invoices='\n\n'.join(blocked)))
            path = archive.close()
        except Exception:
            archive.discard()
            raise
        try:
            export.file_name = 'chorus-%s-%s.zip' % (
                now.strftime('%Y%m%d-%H%M%S'), export.id)
            export.total_amount = total
            export.invoice_count = len(lines)
            export.report = cls._chorus_report(export, lines)
            export.blocked = gettext(
                'lot_facturation.msg_chorus_export_blocked',
                count=len(blocked), invoices='\n\n'.join(blocked)) if (
                blocked) else None
            export.store_file(path)
            cls.drop_chorus_outbox(export, path)
        finally:
            if os.path.exists(path):
                os.unlink(path)
        return export

    @classmethod
    def _check_chorus(cls, invoices):
        "Raise ChorusError unless invoices can go to Chorus; return company"
        companies = {i.company for i in invoices}
        for invoice in invoices:
            if invoice.type != 'out' or invoice.state not in {
                    'posted', 'paid'}:
                raise ChorusError(gettext(
                        'lot_facturation.msg_chorus_not_posted',
                        invoice=invoice.rec_name))
            if invoice.send_state not in EXPORTABLE_SEND_STATES:
                raise ChorusError(gettext(
                        'lot_facturation.msg_send_wrong_state',
                        invoice=invoice.rec_name,
                        state=invoice.send_state_string))
            if invoice.chorus_export:
                raise ChorusError(gettext(
                        'lot_facturation.msg_chorus_already_exported',
                        invoice=invoice.rec_name,
                        export=invoice.chorus_export.rec_name))
        if len(companies) != 1:
            raise ChorusError(gettext(
                    'lot_facturation.msg_chorus_one_company'))
        company, = companies
        folder = cls._chorus_outbox(company)
        if folder and not outbox.usable(folder):
            raise ChorusError(gettext(
                    'lot_facturation.msg_chorus_outbox_missing',
                    folder=folder))
        return company

    @classmethod
    def _export_chorus_chunk(cls, export, invoices, archive, lines, blocked):
        """Check, render, sign and record one chunk; return its total.
        The invoices the gate blocks are added to blocked, not exported"""
        pool = Pool()
        Exchange = pool.get('account.invoice.exchange')
        checked = cls.check_structured(invoices)
        blocked.extend(i.blocked_message(checked[i.id]) for i in invoices
            if not checked[i.id].ok)
        invoices = [i for i in invoices if checked[i.id].ok]
        if not invoices:
            return 0
        if export.id is None or export.id < 0:
            export.save()  # saved once an invoice goes
        pdfs = cls.render_facturx(
            invoices, {i.id: checked[i.id].xml for i in invoices}, sign=True)
        exchanges, total = [], 0
        message = gettext('lot_facturation.msg_chorus_exchange_deposited')
        for invoice in invoices:
            name = member_name(invoice.number, invoice.id)
            archive.add(name, pdfs[invoice.id])
            exchanges.append(Exchange(
                    invoice=invoice, channel='chorus', direction='out',
                    status='sent', date=export.date, user=export.user,
                    message=message, report=pdfs[invoice.id],
                    report_name=name, chorus_export=export))
            lines.append((invoice.number, invoice.party.rec_name,
                    invoice.total_amount, name))
            total += invoice.total_amount
        Exchange.save(exchanges)
        cls._archive_chorus(invoices, exchanges)
        cls._mark_chorus_sent(export, invoices)
        return total

    @classmethod
    def _archive_chorus(cls, invoices, exchanges):
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        archive = settings.by_company(
            'archive_invoices', [i.company.id for i in invoices])
        Attachment.save([Attachment(
                    resource=invoice, name=exchange.report_name,
                    type='data', data=exchange.report)
                for invoice, exchange in zip(invoices, exchanges)
                if archive[invoice.company.id]])

    @classmethod
    def _mark_chorus_sent(cls, export, invoices):
        "The invoices are sent (if they were ready) and dematerialised"
        to_send = [i for i in invoices if i.send_state != 'sent']
        args = [list(invoices), {
                'chorus_export': export.id, 'dematerialized': True,
                'send_token': None,
                }]
        if to_send:
            args.extend([to_send, {
                        'send_state': 'sent', 'sent_date': export.date,
                        'sent_by': export.user and export.user.id,
                        'send_channel': 'chorus',
                        }])
        cls.write(*args)

    @staticmethod
    def _chorus_report(export, lines):
        header = gettext('lot_facturation.msg_chorus_report_header',
            count=len(lines), total=export.total_amount,
            file=export.file_name)
        return '\n'.join([header] + [
                '%s;%s;%s;%s' % (number, party, amount, name)
                for number, party, amount, name in lines])

    @classmethod
    @without_check_access
    def _chorus_outbox(cls, company):
        Configuration = Pool().get('account.configuration')
        return Configuration(1).get_multivalue(
            'chorus_outbox', company=company.id)

    @classmethod
    def drop_chorus_outbox(cls, export, path):
        "Drop the ZIP in the company's outbox folder, if it has one (C4)"
        folder = cls._chorus_outbox(export.company)
        if folder:
            export.outbox_path = outbox.drop(path, folder, export.file_name)
            export.save()
