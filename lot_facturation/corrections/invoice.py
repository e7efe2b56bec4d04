# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""What the corrections add to the customer invoice (SPEC O1-O4).

The buttons open the guided wizards; the operations list what they did.
"""
from trytond.model import ModelView, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    operations = fields.One2Many(
        'account.invoice.operation', 'invoice', "Operations", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        customer_posted = (
            (Eval('type') != 'out')
            | ~Eval('state').in_(['posted', 'paid']))
        cls._buttons.update({
                'cancel_replace': {
                    'invisible': customer_posted,
                    'depends': ['type', 'state'],
                    },
                'cancel_payment': {
                    'invisible': customer_posted,
                    'depends': ['type', 'state'],
                    },
                'settle_credit': {
                    'invisible': ((Eval('type') != 'out')
                        | (Eval('state') != 'posted')
                        | (Eval('amount_to_pay', 0) >= 0)),
                    'depends': ['type', 'state', 'amount_to_pay'],
                    },
                'pay_with_deposit': {
                    'invisible': ((Eval('type') != 'out')
                        | (Eval('state') != 'posted')
                        | (Eval('amount_to_pay', 0) <= 0)),
                    'depends': ['type', 'state', 'amount_to_pay'],
                    },
                })

    @classmethod
    @ModelView.button_action('lot_facturation.wizard_cancel_replace')
    def cancel_replace(cls, invoices):
        pass

    @classmethod
    @ModelView.button_action('lot_facturation.wizard_settle_credit')
    def settle_credit(cls, invoices):
        pass

    @classmethod
    @ModelView.button_action('lot_facturation.wizard_cancel_payment')
    def cancel_payment(cls, invoices):
        pass

    @classmethod
    @ModelView.button_action('lot_facturation.wizard_pay_with_deposit')
    def pay_with_deposit(cls, invoices):
        pass

    @classmethod
    def copy(cls, invoices, default=None):
        default = {} if default is None else default.copy()
        default.setdefault('operations', None)
        return super().copy(invoices, default=default)
