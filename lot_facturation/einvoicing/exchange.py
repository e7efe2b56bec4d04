# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Exchanges of the Chorus Pro exports they belong to (SPEC C3) and of the
Plateforme Agréée (P3, P4): one outgoing exchange per invoice and PA, with
the PA's flow id, the idempotency key it was deposited with and the
directory line it was routed to."""
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval

_PA = {'invisible': Eval('channel') != 'pa'}


class Exchange(metaclass=PoolMeta):
    __name__ = 'account.invoice.exchange'

    chorus_export = fields.Many2One(
        'account.invoice.chorus_export', "Chorus Export", readonly=True,
        ondelete='RESTRICT')
    pa_url = fields.Char("Approved Platform", readonly=True, states=_PA,
        help="The API of the PA the invoice was sent through.")
    pa_flow_id = fields.Char("PA Flow ID", readonly=True, states=_PA,
        help="The identifier the PA gave the deposited flow.")
    pa_key = fields.Char("Idempotency Key", readonly=True, states=_PA,
        help="The key the flow was deposited with: after an unanswered "
        "deposit the PA is searched for it before depositing again.")
    pa_directory_address = fields.Char("Directory Address", readonly=True,
        states=_PA,
        help="The buyer's address in the e-invoicing directory the "
        "invoice was routed to.")
    pa_status_code = fields.Char("PA Status Code", readonly=True,
        states=_PA, help="The lifecycle status code the PA reported.")
    pa_status_key = fields.Char("PA Status Key", readonly=True,
        states={'invisible': True},
        help="The identity of the status message: recorded once.")
    pa_received_at = fields.DateTime("Received by the PA", readonly=True,
        states=_PA,
        help="When the PA received the status message (fetch cursor).")
    pa_directory = fields.Text("Directory Line", readonly=True, states=_PA,
        help="The directory line used (JSON): address, SIREN, SIRET, "
        "routing code, state, validity.")
