# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Customer invoices know their batch and their SEPA mandate (B5, B6).

An invoice whose payment term is a SEPA direct debit needs a validated
mandate: it may be created without one (flagged), but not posted.
"""
from trytond.i18n import gettext
from trytond.model import Index, dualmethod, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from ..exceptions import MandateMissingError
from .bulk_post import BulkPost


class Invoice(BulkPost, metaclass=PoolMeta):
    __name__ = 'account.invoice'

    batch = fields.Many2One(
        'account.invoice.batch', "Batch", readonly=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={'invisible': ~Eval('batch')})
    sepa_mandate = fields.Many2One(
        'account.payment.sepa.mandate', "SEPA Mandate",
        domain=[
            ('party', '=', Eval('party', -1)),
            ('company', '=', Eval('company', -1)),
            ('state', '=', 'validated'),
            ],
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': ~Eval('direct_debit'),
            })
    direct_debit = fields.Function(
        fields.Boolean("Direct Debit"), 'on_change_with_direct_debit')
    mandate_missing = fields.Function(
        fields.Boolean("Mandate Missing",
            help="SEPA direct debit without a validated mandate: "
            "the invoice cannot be posted."),
        'on_change_with_mandate_missing')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.batch, Index.Range())))

    @classmethod
    def view_attributes(cls):
        "In a batch's invoice list, draft invoices are highlighted (seed 000)."
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        attributes = super().view_attributes()
        view_id = Transaction().context.get('view_id')
        if view_id and view_id == ModelData.get_id(
                'lot_facturation', 'batch_invoice_view_list'):
            attributes.append(('/tree', 'visual',
                    If(Eval('state') == 'draft', 'success',
                        If(Eval('state') == 'cancelled', 'muted', ''))))
        return attributes

    @fields.depends('payment_term')
    def on_change_with_direct_debit(self, name=None):
        return bool(self.payment_term and self.payment_term.direct_debit)

    @fields.depends('type', 'sepa_mandate', methods=['on_change_with_direct_debit'])
    def on_change_with_mandate_missing(self, name=None):
        return bool(self.type == 'out' and self.on_change_with_direct_debit()
            and not self.sepa_mandate)

    @fields.depends('party', 'company', 'payment_term', 'sepa_mandate')
    def on_change_party(self):
        super().on_change_party()
        self.sepa_mandate = self.party_mandate()

    def party_mandate(self):
        "The party's validated mandate for the company, if any."
        if not (self.party and self.company):
            return None
        for mandate in self.party.sepa_mandates:
            if mandate.company == self.company and mandate.state == 'validated':
                return mandate
        return None

    @classmethod
    def copy(cls, invoices, default=None):
        default = default.copy() if default else {}
        default.setdefault('batch')
        return super().copy(invoices, default=default)

    @classmethod
    def on_delete(cls, invoices):
        "A deleted invoice leaves its batch: re-running will not recreate it."
        pool = Pool()
        Proposal = pool.get('account.invoice.batch.proposal')
        callbacks = super().on_delete(invoices)
        proposals = Proposal.search([
                ('invoice', 'in', [i.id for i in invoices]),
                ])
        if proposals:
            Proposal.write(proposals, {
                    'invoice': None, 'outcome': 'pending', 'selected': False})
        return callbacks

    @property
    def label(self):
        "The number, or for a draft its date and total: users can find it."
        if self.number:
            return self.rec_name
        Lang = Pool().get('ir.lang')
        lang = Lang.get()
        return '%s %s' % (
            lang.strftime(self.invoice_date) if self.invoice_date else '',
            lang.currency(self.total_amount, self.currency))

    def mandate_missing_message(self):
        return gettext('lot_facturation.msg_invoice_mandate_missing',
            invoice=self.label, party=self.party.rec_name)

    @classmethod
    def check_mandates(cls, invoices):
        for invoice in invoices:
            if invoice.mandate_missing:
                raise MandateMissingError(invoice.mandate_missing_message())

    @classmethod
    def _check_taxes(cls, invoices):
        # It only raises a warning: with warnings skipped (batch posting)
        # recomputing every line's default taxes would change nothing.
        if Transaction().context.get('_skip_warnings'):
            return
        super()._check_taxes(invoices)

    @dualmethod
    def update_taxes(cls, invoices, exception=False):
        """While a batch posts, taxes are not computed again.

        Generation stored the taxes Tryton computes, and any change to a
        draft since then made Tryton compute them again; posting writes the
        invoices several times and each write would recompute them.
        """
        posting = Transaction().context.get('_lot_facturation_posting')
        if posting and all(i.invoice_date for i in invoices):
            return
        super().update_taxes(invoices, exception=exception)

    @classmethod
    def validate_invoice(cls, invoices):
        cls.check_mandates(invoices)
        super().validate_invoice(invoices)

    @classmethod
    def post(cls, invoices):
        cls.check_mandates(invoices)
        super().post(invoices)


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['account.invoice.pending_charge']

