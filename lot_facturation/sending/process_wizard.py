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
    count = fields.Integer("Invoices Selected", readonly=True)

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

    def domain(self):
        "Search domain of the invoices the criteria select"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        domain = Invoice.sendable_domain()
        states = rules.allowed_states(self.processing, self.send_states or [])
        domain.append(('send_state', 'in', states))
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
        if self.model and self.model.__name__ == 'account.invoice':
            return {'count': len(self.records)}
        return {}

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
        invoices = self.selected_invoices()
        if not invoices:
            raise SendError(gettext('lot_facturation.msg_process_no_invoice'))
        self.result.message = None
        return getattr(self, 'process_' + self.start.processing)(invoices)

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
                gettext('lot_facturation.msg_process_send_confirm'))
        outcomes = Invoice.send(invoices)
        self.result.message = summary(outcomes, len(invoices))
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
        return {'message': self.result.message}


def summary(outcomes, selected):
    "The French/English summary of a send shown to the user"
    counts = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    lines = [gettext('lot_facturation.msg_process_send_summary',
            sent=counts.get('sent', 0) + counts.get('pending', 0),
            errors=counts.get('error', 0),
            skipped=selected - len(outcomes))]
    for outcome in outcomes:
        if outcome.status in {'error', 'to_check'}:
            lines.append('- %s' % outcome.message)
    return '\n'.join(lines)
