# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"Per-company settings of batch invoicing, on the accounting configuration."
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, Id


class Configuration(metaclass=PoolMeta):
    __name__ = 'account.configuration'

    invoice_batch_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Invoice Batch Sequence", required=True,
            domain=[
                ('company', 'in',
                    [Eval('context', {}).get('company', -1), None]),
                ('sequence_type', '=',
                    Id('lot_facturation', 'sequence_type_invoice_batch')),
                ],
            help="Numbers the invoice batches (lots de facturation)."))

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field == 'invoice_batch_sequence':
            return pool.get('account.configuration.invoice_batch_sequence')
        return super().multivalue_model(field)

    @classmethod
    def default_invoice_batch_sequence(cls, **pattern):
        return cls.multivalue_model(
            'invoice_batch_sequence').default_invoice_batch_sequence()


class ConfigurationBatchSequence(ModelSQL, CompanyValueMixin):
    __name__ = 'account.configuration.invoice_batch_sequence'

    invoice_batch_sequence = fields.Many2One(
        'ir.sequence', "Invoice Batch Sequence", required=True,
        domain=[
            ('company', 'in', [Eval('company', -1), None]),
            ('sequence_type', '=',
                Id('lot_facturation', 'sequence_type_invoice_batch')),
            ])

    @classmethod
    def default_invoice_batch_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('lot_facturation', 'sequence_invoice_batch')
        except KeyError:
            return None
