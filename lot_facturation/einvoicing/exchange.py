# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"Exchanges of the Chorus Pro exports they belong to (SPEC C3)."
from trytond.model import fields
from trytond.pool import PoolMeta


class Exchange(metaclass=PoolMeta):
    __name__ = 'account.invoice.exchange'

    chorus_export = fields.Many2One(
        'account.invoice.chorus_export', "Chorus Export", readonly=True,
        ondelete='RESTRICT')
