# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Chorus Pro return files (SPEC C4).

A return file (format: ``formats/chorus_return.py``, docs/chorus.md) adds
an incoming exchange per line and updates each invoice's Chorus Pro
status.  An unknown invoice or a malformed file is an error and nothing
is imported.
"""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..exceptions import ChorusError
from ..formats import chorus_return

CHORUS_STATUSES = [
    (None, ""),
    ('DEPOSEE', "Deposited"),
    ('REJETEE', "Rejected"),
    ('SUSPENDUE', "Suspended"),
    ('MISE_A_DISPOSITION', "Made Available"),
    ('MANDATEE', "Approved for Payment"),
    ('MISE_EN_PAIEMENT', "Payment Initiated"),
    ]


class InvoiceChorusReturn:
    "Chorus Pro statuses of customer invoices, from return files (C4)."
    __slots__ = ()

    chorus_status = fields.Selection(
        CHORUS_STATUSES, "Chorus Pro Status", readonly=True, sort=False,
        help="The last status Chorus Pro returned for the invoice.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._check_modify_exclude.add('chorus_status')

    @classmethod
    def copy(cls, invoices, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('chorus_status', None)
        return super().copy(invoices, default=default)

    @classmethod
    def import_chorus_return(cls, data, company):
        "Import a return file (bytes); return the exchanges created"
        lines = _parse(data)
        invoices = cls._chorus_return_invoices(lines, company)
        return cls._record_chorus_return(lines, invoices)

    @classmethod
    def _chorus_return_invoices(cls, lines, company):
        "The invoices of the lines by number, or ChorusError"
        numbers = sorted({l.number for l in lines})
        invoices = {i.number: i for i in cls.search([
                    ('company', '=', company.id), ('type', '=', 'out'),
                    ('number', 'in', numbers),
                    ])}
        unknown = [n for n in numbers if n not in invoices]
        if unknown:
            raise ChorusError(gettext(
                    'lot_facturation.msg_chorus_return_unknown',
                    numbers=', '.join(unknown)))
        return invoices

    @classmethod
    def _record_chorus_return(cls, lines, invoices):
        pool = Pool()
        Exchange = pool.get('account.invoice.exchange')
        now = Exchange.now()
        statuses = dict(cls.fields_get(
                ['chorus_status'])['chorus_status']['selection'])
        exchanges, last = [], {}
        for line in lines:
            invoice = invoices[line.number]
            label = gettext('lot_facturation.msg_chorus_return_exchange',
                status=statuses[line.status], message=line.message)
            exchanges.append(Exchange(invoice=invoice, channel='chorus',
                    direction='in', status=line.exchange_status,
                    date=now, user=Transaction().user or None,
                    message=label.strip()))
            last[invoice] = line.status
        Exchange.save(exchanges)
        by_status = {}
        for invoice, status in last.items():
            by_status.setdefault(status, []).append(invoice)
        args = []
        for status, records in by_status.items():
            args.extend([records, {'chorus_status': status}])
        cls.write(*args)
        return exchanges


def _parse(data):
    "Parse or raise a translated ChorusError"
    try:
        return chorus_return.parse(data)
    except chorus_return.ReturnFileError as error:
        raise ChorusError(gettext(
                'lot_facturation.msg_chorus_return_%s' % error.reason,
                line=error.line, value=error.value))
