# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Why the PA rejected (213) or the buyer refused (210) an invoice, and
its correction (SPEC P5).

The invoice shows the reason of the latest such status (from the CDAR
message, as recorded in the exchange log) and a button opening the
corrections' Cancel / Replace wizard: a credit note, then a new draft
invoice.  A posted invoice never goes back to draft.
"""
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..billing import send_rules

REJECTED = Eval('pa_status').in_(sorted(send_rules.PA_REJECTIONS))


class InvoicePACorrection:
    "The reason and the correction of rejected or refused invoices (P5)."
    __slots__ = ()
    pa_status_reason = fields.Function(fields.Text(
            "PA Rejection Reason",
            states={'invisible': ~REJECTED},
            help="Why the Approved Platform rejected the invoice or the "
            "buyer refused it, as the platform reported it."),
        'get_pa_status_reason')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'pa_correct': {
                    'invisible': (~REJECTED
                        | ~Eval('state').in_(['posted', 'paid'])),
                    'icon': 'tryton-undo',
                    'depends': ['pa_status', 'state'],
                    },
                })

    @classmethod
    def copy(cls, invoices, default=None):
        "A replacement starts without the statuses of the invoice it copies"
        default = default.copy() if default is not None else {}
        default.setdefault('pa_status', None)
        return super().copy(invoices, default=default)

    @classmethod
    @ModelView.button_action('lot_facturation.wizard_cancel_replace')
    def pa_correct(cls, invoices):
        pass

    @classmethod
    def get_pa_status_reason(cls, invoices, name):
        "The message of the latest rejection or refusal, read in bulk"
        Exchange = Pool().get('account.invoice.exchange')
        table = Exchange.__table__()
        cursor = Transaction().connection.cursor()
        result = dict.fromkeys((i.id for i in invoices), None)
        rejected = [i.id for i in invoices
            if i.pa_status in send_rules.PA_REJECTIONS]
        for sub_ids in grouped_slice(rejected, 1000):
            cursor.execute(*table.select(table.invoice, table.message,
                    where=table.invoice.in_(list(sub_ids))
                    & (table.channel == 'pa') & (table.direction == 'in')
                    & table.pa_status_code.in_(
                        sorted(send_rules.PA_REJECTIONS)),
                    order_by=[table.id.asc]))
            for invoice_id, message in cursor:
                result[invoice_id] = message  # the latest wins
        return result
