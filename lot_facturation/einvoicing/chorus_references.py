# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Chorus Pro references of an invoice: service code and engagement (F2).

A public buyer routes its invoices by *code service* (BT-10) and checks
them against a *numéro d'engagement* (BT-13).  They come from the
contract, else from the customer; the credit note keeps those of the
invoice it credits.  Until the invoice is sent they may still be fixed.
"""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import AccessError
from trytond.pyson import Eval

CHORUS_FIELDS = ['chorus_service_code', 'chorus_engagement']
_STATES = {
    'invisible': Eval('type') != 'out',
    'readonly': Eval('send_state').in_(['sending', 'sent']),
    }


class InvoiceChorusReferences:
    "Service code and engagement number of Chorus Pro invoices (F2)."
    __slots__ = ()

    chorus_service_code = fields.Char("Chorus Pro Service Code",
        states=_STATES,
        help="The service (code service) of the public entity the invoice "
        "is addressed to (BT-10).")
    chorus_engagement = fields.Char("Chorus Pro Engagement Number",
        states=_STATES,
        help="The public entity's engagement number (numéro "
        "d'engagement, BT-13) the invoice relates to.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._check_modify_exclude.update(CHORUS_FIELDS)

    @fields.depends('party')
    def on_change_party(self):
        super().on_change_party()
        if self.party:
            self.chorus_service_code = self.party.chorus_service_code
            self.chorus_engagement = self.party.chorus_engagement

    def _credit(self, **values):
        credit = super()._credit(**values)
        for name in CHORUS_FIELDS:
            setattr(credit, name, getattr(self, name))
        return credit

    @classmethod
    def check_modification(cls, mode, invoices, values=None, external=False):
        super().check_modification(
            mode, invoices, values=values, external=external)
        if mode == 'write' and values.keys() & set(CHORUS_FIELDS):
            for invoice in invoices:
                if invoice.send_state in {'sending', 'sent'}:
                    raise AccessError(gettext(
                            'lot_facturation.msg_send_invoice_sent_modify',
                            invoice=invoice.rec_name))
