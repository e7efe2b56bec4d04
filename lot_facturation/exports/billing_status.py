# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Invoice billing status Draft / Exported / Sent / Paid / Refunded
(SPEC E1, seed 002), derived from the invoice and its exchanges in bulk;
the accountant may set it by hand: who and when are kept, and emptying the
manual status gives the derived one back."""
import datetime
from collections import defaultdict
from decimal import Decimal

from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..billing import billing_status as rules

BILLING_STATUSES = [
    ('draft', "Not Sent"),  # seed 002's "Brouillon", posted or not
    ('exported', "Exported"),
    ('sent', "Sent"),
    ('paid', "Paid"),
    ('refunded', "Refunded"),
    ]
MANUAL_FIELDS = [
    'billing_status_manual', 'billing_status_set_by',
    'billing_status_set_date']


class InvoiceBillingStatus:
    "The billing status of customer invoices (E1)."
    __slots__ = ()

    billing_status = fields.Function(fields.Selection(
            BILLING_STATUSES, "Billing Status", sort=False,
            help="Not sent (nor exported), exported to the accounting "
            "software, sent to the customer, paid or refunded.\n"
            "Changed automatically; it can be set by hand."),
        'get_billing_status', setter='set_billing_status')
    billing_status_manual = fields.Selection(
        [(None, "")] + BILLING_STATUSES, "Billing Status Set by Hand",
        sort=False, readonly=True)
    billing_status_set_by = fields.Many2One(
        'res.user', "Billing Status Set By", readonly=True)
    billing_status_set_date = fields.DateTime(
        "Billing Status Set On", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._check_modify_exclude |= set(MANUAL_FIELDS) | {'billing_status'}
        cls._buttons.update({
                'reset_billing_status': {
                    'invisible': ~Eval('billing_status_manual'),
                    'depends': ['billing_status_manual'],
                    },
                })

    @classmethod
    def copy(cls, invoices, default=None):
        default = default.copy() if default is not None else {}
        for name in MANUAL_FIELDS:
            default.setdefault(name, None)
        return super().copy(invoices, default=default)

    @classmethod
    def get_billing_status(cls, invoices, name):
        exported = cls._exported_ids(invoices)
        credited = cls._credited_amounts(invoices)
        return {i.id: rules.derive(rules.InvoiceFacts(
                    state=i.state, send_state=i.send_state,
                    exported=i.id in exported,
                    total=abs(i.untaxed_amount or 0),
                    credited=credited.get(i.id, Decimal(0)),
                    manual=i.billing_status_manual))
            for i in invoices}

    @classmethod
    def _exported_ids(cls, invoices):
        "Ids of the invoices with an export exchange (E2)"
        pool = Pool()
        Exchange = pool.get('account.invoice.exchange')
        table = Exchange.__table__()
        cursor = Transaction().connection.cursor()
        result = set()
        for sub_ids in grouped_slice(
                [i.id for i in invoices], 1000):
            cursor.execute(*table.select(table.invoice,
                    where=table.invoice.in_(list(sub_ids))
                    & (table.channel == 'export')
                    & (table.status == 'sent'),
                    group_by=[table.invoice]))
            result.update(i for i, in cursor)
        return result

    @classmethod
    def _credited_amounts(cls, invoices):
        "Untaxed total of the posted credit notes of each invoice"
        pool = Pool()
        Line = pool.get('account.invoice.line')
        origins = {'account.invoice.line,%s' % l.id: l.invoice.id
            for i in invoices for l in i.lines}
        credited = defaultdict(Decimal)
        for sub in grouped_slice(
                list(origins), 1000):
            lines = Line.search([
                    ('origin', 'in', list(sub)),
                    ('invoice.state', 'in', ['posted', 'paid']),
                    ])
            for line in lines:
                credited[origins[str(line.origin)]] += abs(line.amount)
        return credited

    @classmethod
    def set_billing_status(cls, invoices, name, value):
        cls.write(list(invoices), {
                'billing_status_manual': value,
                'billing_status_set_by': Transaction().user or None,
                'billing_status_set_date': datetime.datetime.now().replace(
                    microsecond=0),
                })

    @classmethod
    @ModelView.button
    def reset_billing_status(cls, invoices):
        "Give the invoices their derived billing status back"
        cls.write(list(invoices), dict.fromkeys(MANUAL_FIELDS, None))
