# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The VATEX code of a tax: why an invoice carries no VAT (F2, BT-121).

Tryton's tax has the legal notice (BT-120, the mention printed); the
platforms also read the exemption reason code of the VATEX list, offered
here as the Factur-X code list ships it.
"""
from trytond.model import fields
from trytond.pool import PoolMeta

from ..validation import codes

# A 0 % tax with no UNECE category: the category its VATEX code implies.
VATEX_CATEGORIES = {'VATEX-EU-AE': 'AE', 'VATEX-EU-G': 'G',
    'VATEX-EU-IC': 'K', 'VATEX-EU-O': 'O'}


# Categories that state why no VAT is due (EN 16931 BR-E/AE/K/G/O-10); the
# others (S, Z, L, M) must not carry an exemption reason (BR-S-10, BR-Z-10)
EXEMPT_CATEGORIES = frozenset({'E', 'AE', 'K', 'G', 'O'})


def exemption(tax, notice=None):
    """(reason, code) of tax, BT-120 and BT-121, the same for the e-invoice
    and the e-reporting: the legal notice and the tax's VATEX code, only in
    an exempt category (a notice on a 20 % tax is a printed mention, not a
    reason).  notice: the invoice's own copy (``account.invoice.tax``, the
    one its PDF prints), else the tax's."""
    if not tax or category_code(tax) not in EXEMPT_CATEGORIES:
        return '', ''
    return (notice or tax.legal_notice or '',
        getattr(tax, 'vatex_code', None) or '')


def category_code(tax):
    """The VAT category (BT-118) of tax, the same for the e-invoice and the
    e-reporting: the tax's UNECE category, else S when it has a rate, else
    the category of its VATEX code, else E (exempt)."""
    if tax.unece_category_code:
        return tax.unece_category_code
    if tax.type == 'percentage' and tax.rate:
        return 'S'
    return VATEX_CATEGORIES.get(getattr(tax, 'vatex_code', None) or '', 'E')


class Tax(metaclass=PoolMeta):
    __name__ = 'account.tax'

    vatex_code = fields.Selection(
        [(None, '')] + [(c, c) for c in codes.vatex_codes()], "VATEX Code",
        help="The exemption reason code of the e-invoices (BT-121), "
        "beside the legal notice, e.g.:\n"
        "- VATEX-EU-AE: reverse charge (autoliquidation),\n"
        "- VATEX-EU-G: export outside the EU (services to a non-EU "
        "business, art. 259-1 CGI),\n"
        "- VATEX-EU-IC: intra-community supply,\n"
        "- VATEX-FR-FRANCHISE: franchise en base (art. 293 B CGI),\n"
        "- VATEX-EU-132: exempt activities of general interest "
        "(training, health...).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # account_fr extends this list with its labelled French codes:
        # one entry per code, with its label when a module gives one
        labels = {}
        for code, label in cls.vatex_code.selection:
            if labels.get(code, code) == code:
                labels[code] = label
        cls.vatex_code.selection = sorted(labels.items(),
            key=lambda item: (item[0] is not None, item[0] or ''))
