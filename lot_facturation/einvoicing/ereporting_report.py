# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""E-reporting (flux 10) of a period, deposited through the PA (SPEC P7).

Invoices to consumers and foreign customers travel through no PA: their
tax data is reported per period, as are their collections when VAT is due
on receipt.  One report per company, kind (transactions, payments) and
period (after the company's VAT regime: 10 days, a month or two months),
built with ``formats.ereporting`` (checked against the XSD and the Flux 10
schematron) and deposited through the PA: *draft* until deposited, then
*sent*, or *error* with why (retried by the next run).  When the invoices
or collections of a period change after its report was sent (an invoice
posted late), the next run deposits a corrective report (number 2, 3...).
"""
import datetime as dt
import hashlib
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from ..common import settings
from ..formats import ereporting as er
from ..transports import pa
from .pa_collection import REPORTED_KINDS
from .pa_send import pa_client
from .tax import category_code, exemption

KINDS = [
    ('transactions', "Transactions"),
    ('payments', "Payments"),
    ]
STATES = [
    ('draft', "Draft"),
    ('sent', "Sent"),
    ('error', "Error"),
    ]
# How far back the cron looks for periods to report (late invoices too).
WINDOW_DAYS = 92
EU = {'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'GR',
    'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO',
    'SE', 'SI', 'SK'}


def vat_lines(invoice):
    "er.VatLine of each tax of invoice (absolute amounts)."
    lines = []
    for tax in invoice.taxes:
        rate = tax.tax.rate if tax.tax and tax.tax.rate is not None else 0
        percent = (Decimal(rate) * 100).quantize(er.CENT)
        category = category_code(tax.tax) if tax.tax else 'E'
        notice, code = exemption(tax.tax, tax.legal_notice)
        lines.append(er.VatLine(percent, abs(tax.base), abs(tax.amount),
                category, notice, code))
    if not lines:
        lines.append(er.VatLine(Decimal('0.00'), abs(invoice.untaxed_amount),
                Decimal('0.00'), 'E'))
    return tuple(lines)


class EReport(ModelSQL, ModelView):
    __name__ = 'account.invoice.pa_report'

    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    kind = fields.Selection(KINDS, "Kind", required=True,
        states={'readonly': Eval('id', -1) >= 0})
    start = fields.Date("Start", required=True,
        states={'readonly': Eval('id', -1) >= 0},
        help="Any day of the period: it becomes the period's first day.")
    end = fields.Date("End", readonly=True)
    deadline = fields.Date("Deadline", readonly=True)
    number = fields.Integer("Number", readonly=True,
        help="1: the initial report of the period; 2 and more: corrective "
        "reports.")
    corrective = fields.Function(fields.Boolean("Corrective"),
        'get_corrective')
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)
    invoice_count = fields.Integer("Invoices", readonly=True)
    collection_count = fields.Integer("Collections", readonly=True)
    total = fields.Numeric("Total", digits=(16, 2), readonly=True,
        help="Taxes included: invoices or collections of the period.")
    digest = fields.Char("Content Digest", readonly=True,
        states={'invisible': True})
    document = fields.Binary("Document", readonly=True,
        filename='document_name')
    document_name = fields.Char("Document Name", readonly=True)
    message = fields.Text("Message", readonly=True)
    attempts = fields.Integer("Attempts", readonly=True)
    pa_flow_id = fields.Char("PA Flow ID", readonly=True)
    sent_at = fields.DateTime("Sent", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        table = cls.__table__()
        cls._sql_constraints += [
            ('period_number_unique', Unique(table, table.company,
                    table.kind, table.start, table.number),
                'lot_facturation.msg_pa_report_unique'),
            ]
        cls._order = [('start', 'DESC'), ('kind', 'ASC'),
            ('number', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'deposit': {
                    'invisible': Eval('state') == 'sent',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_number(cls):
        return 1

    @classmethod
    def default_attempts(cls):
        return 0

    def get_corrective(self, name):
        return (self.number or 1) > 1

    def get_rec_name(self, name):
        kind = dict(KINDS)[self.kind]
        return '%s %s - %s%s' % (kind, self.start, self.end or '',
            ' (%s)' % self.number if self.corrective else '')

    @classmethod
    def create(cls, vlist):
        regimes = settings.by_company('vat_regime',
            {v.get('company') or cls.default_company() for v in vlist})
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            company = values.get('company') or cls.default_company()
            values.update(cls._period(values['start'], values['kind'],
                    regimes[company]))
        return super().create(vlist)

    @staticmethod
    def _period(day, kind, regime):
        start = er.period_start(day, kind, regime)
        end, deadline = er.report_period(start, kind, regime)
        return {'start': start, 'end': end, 'deadline': deadline}

    # --- what the period holds -------------------------------------------
    @classmethod
    def _invoices(cls, company, start, end):
        Invoice = Pool().get('account.invoice')
        return Invoice.search([
                ('company', '=', company.id), ('type', '=', 'out'),
                ('state', 'in', ['posted', 'paid']),
                ('invoice_date', '>=', start), ('invoice_date', '<=', end),
                ('party.customer_kind', 'in', sorted(REPORTED_KINDS)),
                ], order=[('invoice_date', 'ASC'), ('number', 'ASC')])

    @classmethod
    def _collections(cls, company, start, end):
        Collection = Pool().get('account.invoice.pa_collection')
        return Collection.search([
                ('company', '=', company.id), ('route', '=', 'report'),
                ('payment_date', '>=', start), ('payment_date', '<=', end),
                ], order=[('payment_date', 'ASC'), ('id', 'ASC')])

    @staticmethod
    def _foreign(invoice, company):
        party = invoice.party
        address = invoice.invoice_address
        country = address.country.code if address and address.country \
            else ''
        vat = party.tax_identifier.code if party.tax_identifier else ''
        return er.ForeignInvoice(
            number=invoice.number, issue_date=invoice.invoice_date,
            seller_siren=company.party.siren.code_compact,
            seller_vat=(company.party.tax_identifier.code
                if company.party.tax_identifier else ''),
            buyer_id=vat or party.code or str(party.id),
            buyer_scheme='0223' if country in EU else '0227',
            buyer_country=country, vat_lines=vat_lines(invoice),
            buyer_vat=vat, type_code='381' if invoice.total_amount < 0
            else '380', currency=invoice.currency.code,
            due_date=invoice.payment_term_date or None)

    @classmethod
    def content(cls, company, kind, start, end):
        """(builder arguments, counts, total, digest) of the period: the
        digest changes when an invoice or collection of it changes."""
        if kind == 'transactions':
            invoices = cls._invoices(company, start, end)
            foreign = tuple(cls._foreign(i, company) for i in invoices
                if i.party.customer_kind == 'foreign')
            consumers = tuple(er.ConsumerSale(i.invoice_date, vat_lines(i),
                    currency=i.currency.code) for i in invoices
                if i.party.customer_kind == 'consumer')
            args = {'foreign_invoices': foreign, 'consumer_sales': consumers}
            counts = (len(invoices), 0)
            total = sum((i.total_amount for i in invoices), Decimal(0))
        else:
            collections = cls._collections(company, start, end)
            per_invoice = tuple(er.InvoiceCollection(c.invoice.number,
                    c.invoice.invoice_date, c.payment_date, c.amounts(),
                    c.currency.code) for c in collections
                if c.invoice.party.customer_kind == 'foreign')
            consumers = tuple(er.ConsumerCollection(c.payment_date,
                    c.amounts()) for c in collections
                if c.invoice.party.customer_kind == 'consumer')
            args = {'invoice_collections': per_invoice,
                'consumer_collections': consumers}
            counts = (0, len(collections))
            total = sum((c.amount for c in collections), Decimal(0))
        digest = hashlib.sha256(repr(sorted(
                    (k, v) for k, v in args.items())).encode()).hexdigest()
        return args, counts, total, digest

    # --- build and deposit -----------------------------------------------
    def _header(self, config_values):
        company = self.company.party
        return er.ReportHeader(
            report_id='ER-%s-%s-%s-%s' % (company.siren.code_compact,
                self.kind[0].upper(), self.start.strftime('%Y%m%d'),
                self.number),
            issued_at=dt.datetime.now(dt.timezone.utc).replace(
                microsecond=0),
            declarant_siren=company.siren.code_compact,
            declarant_name=company.name,
            platform_id=config_values['registration'],
            platform_name=config_values['url'],
            corrective=self.corrective, name=self.rec_name)

    @property
    def key(self):
        "The idempotency key of the deposit of this report."
        return 'erp.%s.%s.%s.%s' % (self.company.id, self.kind,
            self.start.strftime('%Y%m%d'), self.number)

    def build(self, content=None):
        "Build the checked document of the period; raise on a bad one."
        Configuration = Pool().get('account.configuration')
        company = self.company
        registration = Configuration(1).get_multivalue(
            'pa_registration', company=company.id)
        if not company.party.siren or not registration:
            raise ValueError(gettext(
                    'lot_facturation.msg_pa_report_no_identity',
                    company=company.rec_name))
        args, counts, total, digest = content or self.content(
            company, self.kind, self.start, self.end)
        header = self._header({'registration': registration,
                'url': Configuration.get_pa_url(company) or ''})
        build = (er.build_transactions if self.kind == 'transactions'
            else er.build_payments)
        self.document = build(header, self.start, self.end, **args)
        self.document_name = '%s.xml' % header.report_id
        self.invoice_count, self.collection_count = counts
        self.total = total
        self.digest = digest

    @classmethod
    @ModelView.button
    def deposit(cls, reports):
        "Build (again) and deposit the reports not sent yet."
        Configuration = Pool().get('account.configuration')
        for report in reports:
            if report.state == 'sent':
                continue
            report.attempts = (report.attempts or 0) + 1
            try:
                report.build()
                config = Configuration.get_pa_config(report.company)
                if config is None:
                    raise ValueError(gettext(
                            'lot_facturation.msg_pa_report_no_pa',
                            company=report.company.rec_name))
                report.pa_flow_id = cls._deposit(config, report)
            except (ValueError, pa.PAError) as error:
                report.state = 'error'
                report.message = gettext(
                    'lot_facturation.msg_pa_report_error',
                    report=report.rec_name,
                    error=getattr(error, 'message', None) or str(error))
                continue
            report.state = 'sent'
            report.sent_at = dt.datetime.now().replace(microsecond=0)
            report.message = gettext('lot_facturation.msg_pa_report_sent',
                report=report.rec_name, flow=report.pa_flow_id,
                invoices=report.invoice_count,
                collections=report.collection_count)
        cls.save(reports)

    @staticmethod
    def _deposit(config, report):
        "The PA's flow id of the report, deposited at most once (its key)."
        client = pa_client(config)
        flow_id = client.find_flow(report.key) if report.attempts > 1 \
            else None
        if not flow_id:
            try:
                flow_id = client.deposit(report.document,
                    report.document_name, 'B2C', report.key, syntax='FRR')
            except pa.PATimeout:
                flow_id = client.find_flow(report.key)
        if not flow_id:
            raise pa.PATimeout('deposit')
        return flow_id

    # --- the periods due -------------------------------------------------
    @classmethod
    def deposit_due_cron(cls):
        "Cron: every company with a PA."
        Company = Pool().get('company.company')
        cls.deposit_due(Company.search([]))

    @classmethod
    def deposit_due(cls, companies, today=None):
        """Report every ended period of the window not reported yet, or
        whose content changed since its report was sent; return them."""
        pool = Pool()
        Configuration = pool.get('account.configuration')
        Date = pool.get('ir.date')
        today = today or Date.today()
        reports = []
        for company in companies:
            if not Configuration.has_pa(company):
                continue
            reports.extend(cls._due(company, today))
        cls.save(reports)
        cls.deposit(reports)
        return reports

    @classmethod
    def _due(cls, company, today):
        regime = settings.by_company('vat_regime', [company.id])[company.id]
        since = today - dt.timedelta(days=WINDOW_DAYS)
        latest = {}
        for report in cls.search([('company', '=', company.id),
                    ('end', '>=', since)], order=[('number', 'ASC')]):
            latest[(report.kind, report.start)] = report
        starts = cls._period_starts(company, regime, since, today)
        due = []
        for kind, start in sorted(starts):
            period = cls._period(start, kind, regime)
            content = cls.content(company, kind, start, period['end'])
            report = latest.get((kind, start))
            if report is None or (report.state == 'sent'
                    and report.digest != content[3]):
                due.append(cls(company=company, kind=kind,
                        number=(report.number + 1) if report else 1,
                        **period))
            elif report.state != 'sent':
                due.append(report)
        return due

    @classmethod
    def _period_starts(cls, company, regime, since, today):
        "(kind, start) of the ended periods that hold something to report."
        starts = set()
        for invoice in cls._invoices(company, since, today):
            starts.add(('transactions', er.period_start(
                        invoice.invoice_date, 'transactions', regime)))
        for collection in cls._collections(company, since, today):
            starts.add(('payments', er.period_start(
                        collection.payment_date, 'payments', regime)))
        return {(kind, start) for kind, start in starts
            if er.report_period(start, kind, regime)[0] < today}
