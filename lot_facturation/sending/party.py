# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"How a customer receives its invoices (SPEC S3)."
from trytond.model import fields
from trytond.pool import PoolMeta

SEND_CHANNELS = [
    ('email', "E-mail"),
    ('portal', "Customer Portal"),
    ('chorus', "Chorus Pro"),
    ('pa', "Approved Platform (PA)"),
    ('paper', "Paper"),
    ]


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    invoice_send_channel = fields.Selection(
        SEND_CHANNELS, "Invoice Send Channel", required=True,
        help="How the invoices are delivered to this customer when they "
        "are sent:\n"
        "- E-mail: the PDF is attached to an e-mail,\n"
        "- Customer Portal: an e-mail tells the invoice is on the portal,\n"
        "- Chorus Pro: the invoice is kept for the Chorus Pro deposit,\n"
        "- Approved Platform: the Factur-X is deposited on the company's "
        "Plateforme Agréée,\n"
        "- Paper: the invoice is to be printed and posted.")

    @classmethod
    def default_invoice_send_channel(cls):
        return 'email'
