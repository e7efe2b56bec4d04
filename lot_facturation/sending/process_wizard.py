# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Wizard "Imprimer ou traiter les factures client" (SPEC S2, S3).

Opened on selected invoices it processes those of them that match the
criteria; opened from the menu, every invoice that matches.  Each
processing type is a ``process_<type>`` method of the wizard returning the
next state; ``process_chorus`` comes with e-invoicing
(``einvoicing/chorus_process_wizard.py``).
"""
import datetime

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import (
    Button, StateReport, StateTransition, StateView, Wizard)

from ..billing import send_rules as rules
from ..exceptions import SendError, SendWarning
from .send_report import process_summary

PROCESSINGS = [
    ('print', "Print"),
    ('preview', "Preview"),
    ('print_bills', "Print Bills of Exchange"),
    ('prepare', "Prepare Sending"),
    ('hold', "Put Sending on Hold"),
    ('keep_internal', "Keep Internal"),
    ('requeue', "Put Back on Hold"),
    ('send', "Send"),
    ('chorus', "Retrieve for Chorus"),
    ('export_print', "Export Print Files"),
    ]
CRITERIA_STATES = [
    ('pending', "Pending"),
    ('ready', "Ready"),
    ('sent', "Sent to Recipient"),
    ('internal', "Kept Internal"),
    ]
CRITERIA_FIELDS = ['processing', 'invoices', 'batch_from', 'batch_to',
    'date_from', 'date_to', 'printed_from', 'printed_to', 'created_by',
    'printed_by', 'send_states', 'without_print_date',
    'without_dematerialization']


_print_only = {
    'invisible': ~Eval('processing').in_(
        [k for k, p in rules.PROCESSINGS.items() if p.print_filters]),
    }


class ProcessStart(ModelView):
    __name__ = 'account.invoice.process.start'

    processing = fields.Selection(
        PROCESSINGS, "Processing", required=True, sort=False)
    batch_from = fields.Many2One(
        'account.invoice.batch', "From Batch",
        help="The first batch number of the range.")
    batch_to = fields.Many2One(
        'account.invoice.batch', "To Batch",
        help="The last batch number of the range.")
    date_from = fields.Date("From Date")
    date_to = fields.Date("To Date")
    printed_from = fields.Date("Printed From")
    printed_to = fields.Date("Printed To")
    created_by = fields.Many2One('res.user', "Created By")
    printed_by = fields.Many2One('res.user', "Printed By")
    send_states = fields.MultiSelection(
        CRITERIA_STATES, "Send States", sort=False,
        help="Only the states the processing accepts are used.")
    without_print_date = fields.Boolean(
        "Only without Print Date", states=_print_only)
    without_dematerialization = fields.Boolean(
        "Only without Dematerialization", states=_print_only)
    invoices = fields.Many2Many(
        'account.invoice', None, None, "Invoices", readonly=True,
        help="The invoices the dialog was opened on: only they are "
        "processed.")
    count = fields.Integer("Invoices to Process", readonly=True,
        help="The posted customer invoices the criteria select.")
    unposted_count = fields.Integer("Not Posted (Left Out)", readonly=True,
        help="Invoices the criteria select that are not posted yet: no "
        "processing applies to them.")

    @classmethod
    def default_processing(cls):
        return 'print'

    @classmethod
    def default_send_states(cls):
        return list(rules.PROCESSINGS['print'].default_states)

    @classmethod
    def default_without_print_date(cls):
        return True

    @classmethod
    def default_without_dematerialization(cls):
        return True

    @fields.depends('processing')
    def on_change_processing(self):
        if self.processing:
            processing = rules.PROCESSINGS[self.processing]
            self.send_states = list(processing.default_states)
            self.without_print_date = processing.print_filters
            self.without_dematerialization = processing.print_filters

    @fields.depends('batch_from', 'batch_to')
    def on_change_batch_from(self):
        "One batch is typed once: the range ends where it starts"
        if self.batch_from and (not self.batch_to
                or self.batch_to.number < self.batch_from.number):
            self.batch_to = self.batch_from

    @fields.depends(*CRITERIA_FIELDS)
    def on_change_with_count(self):
        Invoice = Pool().get('account.invoice')
        if not self.processing:
            return None
        return Invoice.search_count(self.domain())

    @fields.depends(*CRITERIA_FIELDS)
    def on_change_with_unposted_count(self):
        Invoice = Pool().get('account.invoice')
        if not self.processing:
            return None
        return Invoice.search_count(self.unposted_domain())

    def domain(self):
        "Search domain of the invoices the criteria select"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        domain = Invoice.sendable_domain()
        states = rules.allowed_states(self.processing, self.send_states or [])
        domain.append(('send_state', 'in', states))
        return domain + self.criteria_domain()

    def unposted_domain(self):
        "The customer invoices the criteria select but not yet posted"
        return [
            ('type', '=', 'out'),
            ('state', 'in', ['draft', 'validated']),
            ] + self.criteria_domain()

    def criteria_domain(self):
        "The criteria other than the send state"
        domain = []
        if self.invoices:
            domain.append(('id', 'in', [i.id for i in self.invoices]))
        for field, operator, value in [
                ('invoice_date', '>=', self.date_from),
                ('invoice_date', '<=', self.date_to),
                ('create_uid', '=', self.created_by),
                ('printed_by', '=', self.printed_by),
                ]:
            if value:
                domain.append((field, operator, getattr(value, 'id', value)))
        if self.batch_from:
            domain.append(('batch.number', '>=', self.batch_from.number))
        if self.batch_to:
            domain.append(('batch.number', '<=', self.batch_to.number))
        if self.printed_from:
            domain.append(('printed_date', '>=', datetime.datetime.combine(
                        self.printed_from, datetime.time())))
        if self.printed_to:
            domain.append(('printed_date', '<', datetime.datetime.combine(
                        self.printed_to + datetime.timedelta(days=1),
                        datetime.time())))
        print_filters = rules.PROCESSINGS[self.processing].print_filters
        if print_filters and self.without_print_date:
            domain.append(('printed_date', '=', None))
        if print_filters and self.without_dematerialization:
            domain.append(('dematerialized', '=', False))
        return domain


class ProcessResult(ModelView):
    __name__ = 'account.invoice.process.result'

    message = fields.Text("Result", readonly=True)
    icon = fields.Char("Icon", readonly=True)


class Process(Wizard):
    __name__ = 'account.invoice.process'

    start = StateView('account.invoice.process.start',
        'lot_facturation.invoice_process_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Process", 'process', 'tryton-ok', default=True),
            ])
    process = StateTransition()
    print_ = StateReport('lot_facturation.invoice')
    export = StateReport('lot_facturation.invoice')
    result = StateView('account.invoice.process.result',
        'lot_facturation.invoice_process_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        pool = Pool()
        Start = pool.get('account.invoice.process.start')
        values = {}
        if self.model and self.model.__name__ == 'account.invoice':
            values['invoices'] = [r.id for r in self.records]
        start = Start(**values, **Start.default_get(
                [f for f in CRITERIA_FIELDS if f != 'invoices'],
                with_rec_name=False))
        values['count'] = start.on_change_with_count()
        values['unposted_count'] = start.on_change_with_unposted_count()
        return values

    def selected_invoices(self):
        "The invoices the criteria select among those the wizard is on"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        domain = self.start.domain()
        if self.model and self.model.__name__ == 'account.invoice':
            domain.append(('id', 'in', [r.id for r in self.records]))
        return Invoice.search(domain, order=[
                ('invoice_date', 'ASC'), ('number', 'ASC'), ('id', 'ASC')])

    def transition_process(self):
        Invoice = Pool().get('account.invoice')
        invoices = self.selected_invoices()
        unposted = Invoice.search_count(self.start.unposted_domain())
        if not invoices:
            if unposted:
                raise SendError(gettext(
                        'lot_facturation.msg_process_only_unposted',
                        count=unposted))
            raise SendError(gettext('lot_facturation.msg_process_no_invoice'))
        self.result.message = None
        self.result.icon = None
        state = getattr(self, 'process_' + self.start.processing)(invoices)
        if state == 'result' and unposted:
            self.result.message += '\n' + gettext(
                'lot_facturation.msg_process_unposted', count=unposted)
        return state

    def _done(self, invoices, key='lot_facturation.msg_process_done'):
        self.result.message = gettext(key, count=len(invoices))
        return 'result'

    def _move(self, invoices, method):
        getattr(Pool().get('account.invoice'), method)(invoices)
        return self._done(invoices)

    def process_prepare(self, invoices):
        return self._move(invoices, 'prepare_send')

    def process_hold(self, invoices):
        return self._move(invoices, 'hold_send')

    def process_keep_internal(self, invoices):
        return self._move(invoices, 'keep_internal')

    def process_requeue(self, invoices):
        return self._move(invoices, 'requeue_send')

    def process_print(self, invoices):
        Pool().get('account.invoice').mark_printed(invoices)
        self._report_ids = [i.id for i in invoices]
        return 'print_'

    def process_preview(self, invoices):
        self._report_ids = [i.id for i in invoices]
        return 'print_'

    def process_print_bills(self, invoices):
        invoices = [i for i in invoices if i.payment_term
            and i.payment_term.bill_of_exchange]
        if not invoices:
            raise SendError(gettext('lot_facturation.msg_process_no_bill'))
        return self.process_print(invoices)

    def process_export_print(self, invoices):
        self._report_ids = [i.id for i in invoices]
        return 'export'

    def process_send(self, invoices):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Warning = pool.get('res.user.warning')
        key = Warning.format('lot_facturation_send', invoices)
        if Warning.check(key):
            raise SendWarning(key,
                gettext('lot_facturation.msg_process_send_confirm',
                    count=len(invoices)))
        outcomes = Invoice.send(invoices)
        self.result.message = process_summary(outcomes, len(invoices))
        if any(not o.delivered for o in outcomes):
            self.result.icon = 'tryton-warning'
        return 'result'

    def do_print_(self, action):
        return action, {'ids': getattr(self, '_report_ids', [])}

    def do_export(self, action):
        return action, {'ids': getattr(self, '_report_ids', []), 'zip': True}

    def transition_print_(self):
        return 'end'

    def transition_export(self):
        return 'end'

    def default_result(self, fields):
        return {
            'message': self.result.message,
            'icon': self.result.icon or 'tryton-info',
            }

