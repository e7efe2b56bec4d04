# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Chorus Pro references of a service contract with a public entity (F2).

The invoices a batch creates for the contract carry them; empty, the
customer's defaults apply.
"""
from trytond.model import fields
from trytond.pool import PoolMeta

_HELP = "\nLeave empty to use the customer's."


class Subscription(metaclass=PoolMeta):
    __name__ = 'sale.subscription'

    chorus_service_code = fields.Char("Chorus Pro Service Code",
        help="The service (code service) of the public entity the "
        "contract's invoices are addressed to (BT-10)." + _HELP)
    chorus_engagement = fields.Char("Chorus Pro Engagement Number",
        help="The public entity's engagement number (numéro "
        "d'engagement, BT-13) of the contract." + _HELP)

    def chorus_references(self):
        "(service code, engagement) of the contract's invoices"
        party = self.invoice_party or self.party
        return (self.chorus_service_code or party.chorus_service_code
            or None, self.chorus_engagement or party.chorus_engagement
            or None)
