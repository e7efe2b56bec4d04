# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The invoice batch (lot de facturation): criteria, workflow, totals (B2).

The workflow is data (``TRANSITIONS`` and ``_buttons``); each button is a
small method delegating to the step that does the work.  Each step is a
base of ``Batch``, in the file of the same name: ``checks`` (B5),
``item_collection`` and ``preview`` (B4), ``generation`` and ``lease``
(B6), ``posting`` (B7), ``headless`` (B8), ``summary`` (E3).
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from ..common.sql import browse_slices, search_ids
from .checks import BatchChecks
from .chunk_tasks import BatchChunkTasks
from .einvoice_checks import BatchEInvoiceChecks
from .generation import BatchGeneration
from .headless import BatchHeadless
from .item_collection import BatchItems
from .lease import BatchLease
from .posting import BatchPosting
from .preview import BatchPreview
from .summary import BatchSummary

CRITERIA = Eval('state') != 'draft'
STATES = [
    ('draft', "Draft"),
    ('previewed', "Previewed"),
    ('running', "Running"),
    ('done', "Done"),
    ('failed', "Failed"),
    ('cancelled', "Cancelled"),
    ]
MONTHS = [(None, '')] + [(f'{m:02d}', f'{m:02d}') for m in range(1, 13)]


# B6: a batch is previewed, generated (running), then done or failed;
# a failed batch runs again, a stalled running one is resumed; cancelling removes its draft invoices (refused
# once some are posted) and a cancelled batch can be reset to draft.
TRANSITIONS = {
    ('draft', 'previewed'),
    ('previewed', 'previewed'),
    ('failed', 'previewed'),
    ('previewed', 'draft'),
    ('previewed', 'running'),
    ('failed', 'running'),
    ('running', 'done'),
    ('running', 'failed'),
    ('previewed', 'cancelled'),
    ('failed', 'cancelled'),
    ('done', 'cancelled'),
    ('draft', 'cancelled'),
    ('cancelled', 'draft'),
    }


class Batch(BatchSummary, BatchHeadless, BatchChunkTasks, BatchLease,
        BatchPosting, BatchGeneration, BatchPreview, BatchItems, BatchEInvoiceChecks,
        BatchChecks, Workflow,
        ModelSQL, ModelView):
    __name__ = 'account.invoice.batch'
    _rec_name = 'number'

    number = fields.Char("Number", readonly=True)
    name = fields.Char(
        "Subject", required=True, states={'readonly': CRITERIA},
        help="E.g. 'Facturation mensuelle mars 2026'.")
    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={'readonly': CRITERIA})
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    reference_date = fields.Date(
        "Reference Date", required=True, states={'readonly': CRITERIA},
        help="Contracts valid at this date with a schedule billed on or "
        "before it are invoiced.")
    invoice_date_mode = fields.Selection([
            ('reference', "Reference Date"),
            ('schedule', "Schedule Date"),
            ('today', "Today"),
            ('fixed', "Fixed Date"),
            ], "Invoice Date", required=True, states={'readonly': CRITERIA})
    invoice_date = fields.Date(
        "Fixed Invoice Date",
        states={
            'readonly': CRITERIA,
            'invisible': Eval('invoice_date_mode') != 'fixed',
            'required': Eval('invoice_date_mode') == 'fixed',
            })
    recording_mode = fields.Selection([
            ('draft', "Edit Mode (draft invoices)"),
            ('posted', "Post (stamp) the invoices"),
            ], "Recording Mode", required=True,
        states={'readonly': CRITERIA})
    journal = fields.Many2One(
        'account.journal', "Journal",
        domain=[('type', '=', 'revenue')],
        context={'company': Eval('company', -1)}, depends={'company'},
        states={'readonly': CRITERIA},
        help="The invoice type: its journal and numbering.")
    include_schedules = fields.Boolean(
        "Recurring Contract Schedules", states={'readonly': CRITERIA})
    schedule_month = fields.Selection(
        MONTHS, "Month", sort=False,
        states={
            'readonly': CRITERIA,
            'invisible': ~Eval('include_schedules'),
            },
        help="Only the schedules billed in this month.")
    schedule_year = fields.Integer(
        "Year",
        states={
            'readonly': CRITERIA,
            'invisible': ~Eval('schedule_month'),
            'required': Bool(Eval('schedule_month')),
            })
    include_charges = fields.Boolean(
        "Pending Charges", states={'readonly': CRITERIA})
    include_interests = fields.Boolean(
        "Interest Charges", states={'readonly': CRITERIA})
    include_consumptions = fields.Boolean(
        "Consumptions (time entries)", states={'readonly': CRITERIA})
    grouping = fields.Selection([
            ('schedule', "One invoice per schedule"),
            ('subscription', "One invoice per contract"),
            ('party', "One invoice per customer"),
            ], "Grouping", required=True, states={'readonly': CRITERIA})
    line_grouping = fields.Selection([
            ('subscription', "By contract"),
            ('schedule', "By schedule"),
            ('time_entry', "By time entry"),
            ], "Invoice Lines", required=True, states={'readonly': CRITERIA})
    description_mode = fields.Selection([
            ('product', "Product name"),
            ('schedule', "Schedule description"),
            ], "Line Description", required=True,
        states={'readonly': CRITERIA})
    party_from = fields.Many2One(
        'party.party', "Customer From", states={'readonly': CRITERIA},
        context={'company': Eval('company', -1)}, depends={'company'})
    party_to = fields.Many2One(
        'party.party', "Customer To", states={'readonly': CRITERIA},
        context={'company': Eval('company', -1)}, depends={'company'})
    subscription_from = fields.Many2One(
        'sale.subscription', "Contract From", states={'readonly': CRITERIA},
        domain=[('company', '=', Eval('company', -1))])
    subscription_to = fields.Many2One(
        'sale.subscription', "Contract To", states={'readonly': CRITERIA},
        domain=[('company', '=', Eval('company', -1))])
    contract_types = fields.Many2Many(
        'account.invoice.batch-sale.subscription.type', 'batch',
        'contract_type', "Contract Types", states={'readonly': CRITERIA})
    taxable_only = fields.Boolean(
        "Taxable Contracts Only", states={'readonly': CRITERIA})

    recording_mode_string = recording_mode.translated('recording_mode')
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    message = fields.Text("Message", readonly=True,
        states={'invisible': ~Eval('message')})
    progress = fields.Float(
        "Progress", digits=(3, 0), readonly=True,
        help="Share of the current step already done.")
    progress_ratio = fields.Function(fields.Float(
            "Progress", digits=(1, 2),
            help="Share of the current step already done."),
        'get_progress_ratio')
    progress_step = fields.Selection([
            (None, ""),
            ('generation', "Generating the invoices"),
            ('posting', "Posting the invoices"),
            ('sending', "Sending the invoices by e-mail"),
            ], "Step", readonly=True,
        help="What the progress bar measures.")
    proposals = fields.One2Many(
        'account.invoice.batch.proposal', 'batch', "Invoices to Create",
        readonly=True)
    invoices = fields.One2Many(
        'account.invoice', 'batch', "Invoices", readonly=True)
    invoice_count = fields.Function(
        fields.Integer("Invoices to Create"), 'get_totals')
    item_count = fields.Function(fields.Integer("Items"), 'get_totals')
    hours = fields.Function(
        fields.Numeric("Hours Worked", digits=(16, 2)), 'get_totals')
    untaxed_amount = fields.Function(Monetary(
            "Billable Amount", currency='currency', digits='currency',
            help="Untaxed amount of the invoices to create."),
        'get_totals')
    tax_amount = fields.Function(Monetary(
            "Tax", currency='currency', digits='currency',
            help="Tax of the taxable contracts only."), 'get_totals')
    total_amount = fields.Function(Monetary(
            "Total", currency='currency', digits='currency',
            help="Billable amount + tax."), 'get_totals')
    draft_invoice_count = fields.Function(
        fields.Integer("Draft Invoices"), 'get_invoice_counts')
    posted_invoice_count = fields.Function(
        fields.Integer("Posted Invoices"), 'get_invoice_counts')

    previewed_by = fields.Many2One('res.user', "Previewed By", readonly=True)
    previewed_at = fields.DateTime("Previewed At", readonly=True)
    generated_by = fields.Many2One('res.user', "Generated By", readonly=True)
    generated_at = fields.DateTime("Generated At", readonly=True)
    posted_by = fields.Many2One('res.user', "Posted By", readonly=True)
    posted_at = fields.DateTime("Posted At", readonly=True)
    sent_by = fields.Many2One('res.user', "Sent By", readonly=True)
    sent_at = fields.DateTime("Sent At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.state, Index.Equality(cardinality='low')),
                where=t.state.in_(['draft', 'previewed', 'running'])))
        cls._order = [('id', 'DESC')]
        cls._transitions |= TRANSITIONS
        cls._buttons.update({
                'preview': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'previewed', 'failed']),
                    'icon': 'tryton-search',
                    'depends': ['state'],
                    },
                'generate': {
                    'invisible': ~Eval('state').in_(['previewed', 'failed']),
                    'readonly': ~Eval('invoice_count', 0),
                    'icon': 'tryton-launch',
                    'depends': ['state', 'invoice_count'],
                    },
                'resume': {
                    'invisible': (Eval('state') != 'running')
                    | ~Eval('stalled', False),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'stalled'],
                    },
                'post_invoices': {
                    'invisible': (~Eval('state').in_(['done', 'failed'])
                        | ~Eval('draft_invoice_count', 0)),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'draft_invoice_count'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'previewed', 'done', 'failed']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'draft': {
                    # Criteria stay as they were once invoices exist
                    'invisible': (~Eval('state').in_(['previewed', 'cancelled'])
                        | ((Eval('state') == 'previewed')
                            & Bool(Eval('invoices', [])))),
                    'icon': If(Eval('state') == 'cancelled',
                        'tryton-undo', 'tryton-back'),
                    'depends': ['state', 'invoices'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        "The progress bar shows once the generation has started."
        return super().view_attributes() + [
            ('/form//group[@id="progress"]', 'states', {
                    'invisible': ~Eval('state').in_(
                        ['running', 'done', 'failed']),
                    }),
            # Once previewed the accountant looks at the preview (the
            # client leaves a page that hides); the criteria are summed up
            # there and come back with "Back to Criteria"
            ('/form/notebook/page[@id="criteria"]', 'states', {
                    'invisible': ~Eval('state').in_(['draft', 'cancelled']),
                    }),
            ('/form/notebook/page[@id="preview"]', 'states', {
                    'invisible': Eval('state') == 'draft',
                    }),
            ]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_reference_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_invoice_date_mode(cls):
        return 'reference'

    @classmethod
    def default_recording_mode(cls):
        return 'draft'

    @classmethod
    def default_include_schedules(cls):
        return True

    @classmethod
    def default_include_charges(cls):
        return True

    @classmethod
    def default_include_interests(cls):
        return True

    @classmethod
    def default_include_consumptions(cls):
        return True

    @classmethod
    def default_grouping(cls):
        return 'subscription'

    @classmethod
    def default_line_grouping(cls):
        return 'schedule'

    @classmethod
    def default_description_mode(cls):
        return 'schedule'

    @classmethod
    def default_taxable_only(cls):
        return False

    @classmethod
    def default_progress(cls):
        return 0

    @classmethod
    def default_journal(cls):
        pool = Pool()
        Journal = pool.get('account.journal')
        journals = Journal.search([('type', '=', 'revenue')], limit=2)
        if len(journals) == 1:
            return journals[0].id

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    @fields.depends('schedule_month', 'schedule_year', 'reference_date')
    def on_change_schedule_month(self):
        if self.schedule_month and not self.schedule_year:
            if self.reference_date:
                self.schedule_year = self.reference_date.year

    def get_progress_ratio(self, name):
        "The progress as the fraction Tryton's progress bar displays."
        return (self.progress or 0) / 100

    @classmethod
    def set_progress(cls, batch_id, step, done, total):
        "Long steps (posting, sending) show how far they are on the batch"
        cls.write([cls(batch_id)], {
                'progress_step': step,
                'progress': round(100 * done / total) if total else 100,
                })

    @classmethod
    def get_totals(cls, batches, names):
        pool = Pool()
        Proposal = pool.get('account.invoice.batch.proposal')
        return Proposal.batch_totals(batches, names)

    @classmethod
    def get_invoice_counts(cls, batches, names):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        result = {n: {b.id: 0 for b in batches} for n in names}
        states = {
            'draft_invoice_count': ['draft'],
            'posted_invoice_count': ['validated', 'posted', 'paid'],
            }
        for name in names:
            for row in Invoice.search_read([
                        ('batch', 'in', [b.id for b in batches]),
                        ('state', 'in', states[name]),
                        ], fields_names=['batch']):
                result[name][row['batch']] += 1
        return result

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Configuration = pool.get('account.configuration')
        config = Configuration(1)
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if not values.get('number') and not Transaction().context.get(
                    '_lot_facturation_number_later'):
                sequence = config.get_multivalue(
                    'invoice_batch_sequence', company=values.get('company'))
                values['number'] = sequence.get()
        return super().create(vlist)

    @classmethod
    def set_number(cls, batches):
        "Number the batches created without (``launch``)."
        pool = Pool()
        Configuration = pool.get('account.configuration')
        config = Configuration(1)
        for batch in batches:
            if not batch.number:
                batch.number = config.get_multivalue(
                    'invoice_batch_sequence',
                    company=batch.company.id).get()
        cls.save(batches)

    def get_rec_name(self, name):
        return self.number or self.name

    @classmethod
    def copy(cls, batches, default=None):
        default = default.copy() if default else {}
        for name in ['number', 'message', 'previewed_by', 'previewed_at',
                'generated_by', 'generated_at', 'posted_by', 'posted_at',
                'sent_by', 'sent_at', 'run_token', 'alive_until',
                'queue_task', 'chunks_left']:
            default.setdefault(name)
        default.setdefault('proposals', [])
        default.setdefault('invoices', [])
        default.setdefault('progress', 0)
        default.setdefault('progress_step')
        return super().copy(batches, default=default)

    @classmethod
    def check_modification(cls, mode, batches, values=None, external=False):
        super().check_modification(
            mode, batches, values=values, external=external)
        if mode == 'delete':
            for batch in batches:
                if batch.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'lot_facturation.msg_batch_delete_state',
                            batch=batch.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('previewed')
    def preview(cls, batches):
        for batch in batches:
            batch.do_preview()

    @classmethod
    @ModelView.button_action('lot_facturation.act_batch_invoices')
    def generate(cls, batches):
        """Irreversible (confirmed in the view): generation runs in the
        queue and the accountant is taken to the invoices of the batch."""
        batches = [b for b in batches
            if (b.state, 'running') in cls._transitions]
        cls.run(batches)
        for batch in cls.browse(batches):
            cls.queue_run(batch, batch.run_token)

    @classmethod
    @Workflow.transition('running')
    def run(cls, batches):
        "Generation starts: who and when are kept (B2)."
        cls.write(batches, {
                'progress_step': 'generation',
                'generated_by': Transaction().user,
                'generated_at': dt.datetime.now(),
                'message': None,
                })
        cls.start_lease(batches)

    @classmethod
    @ModelView.button
    def resume(cls, batches):
        "A stalled run goes on where it stopped (B6)."
        cls.resume_runs(batches)

    @classmethod
    @Workflow.transition('done')
    def done(cls, batches):
        "Every selected invoice was generated (and posted when asked)."

    @classmethod
    @Workflow.transition('failed')
    def fail(cls, batches):
        "Some invoices were not generated or posted: running again finishes."

    @classmethod
    @ModelView.button_action('lot_facturation.wizard_batch_post')
    def post_invoices(cls, batches):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, batches):
        for batch in batches:
            batch.undo()

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, batches):
        pool = Pool()
        Proposal = pool.get('account.invoice.batch.proposal')
        for proposals in browse_slices(Proposal, search_ids(Proposal, [
                        ('batch', 'in', [b.id for b in batches]),
                        ('invoice', '=', None),
                        ])):
            Proposal.delete(proposals)
        cls.write(batches, {'message': None, 'progress': 0})


class BatchContractType(ModelSQL):
    __name__ = 'account.invoice.batch-sale.subscription.type'

    batch = fields.Many2One(
        'account.invoice.batch', "Batch", required=True, ondelete='CASCADE')
    contract_type = fields.Many2One(
        'sale.subscription.type', "Contract Type", required=True,
        ondelete='CASCADE')
