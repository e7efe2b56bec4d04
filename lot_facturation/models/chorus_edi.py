# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""EDI flow with Chorus Pro (SPEC C4).

Out: the ZIP of every Chorus export is dropped in the configured outbox
folder, where the EDI connector picks it up (written under a temporary
name, then renamed: the connector never sees half a file).
In: a return file (format: billing/chorus_return.py, docs/chorus.md)
adds an incoming exchange per line and updates each invoice's Chorus Pro
status.  An unknown invoice or a malformed file is an error and nothing
is imported.
"""
import os
import shutil

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from ..billing import chorus_return
from ..exceptions import ChorusError

CHORUS_STATUSES = [
    (None, ""),
    ('DEPOSEE', "Deposited"),
    ('REJETEE', "Rejected"),
    ('SUSPENDUE', "Suspended"),
    ('MISE_A_DISPOSITION', "Made Available"),
    ('MANDATEE', "Approved for Payment"),
    ('MISE_EN_PAIEMENT', "Payment Initiated"),
    ]


def _outbox():
    return fields.Char("Chorus Pro Outbox Folder",
        help="Folder of the server where the Chorus Pro exports are "
        "dropped for the EDI connector.\nLeave empty to only download them.")


class Configuration(metaclass=PoolMeta):
    __name__ = 'account.configuration'

    chorus_outbox = fields.MultiValue(_outbox())

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field == 'chorus_outbox':
            return pool.get('account.configuration.invoice_signature')
        return super().multivalue_model(field)


class ConfigurationChorus(metaclass=PoolMeta):
    __name__ = 'account.configuration.invoice_signature'

    chorus_outbox = _outbox()


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

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
    @without_check_access
    def _chorus_outbox(cls, company):
        Configuration = Pool().get('account.configuration')
        return Configuration(1).get_multivalue(
            'chorus_outbox', company=company.id)

    @classmethod
    def _check_chorus(cls, invoices):
        "The outbox is checked before anything is rendered or written"
        company = super()._check_chorus(invoices)
        folder = cls._chorus_outbox(company)
        if folder and not (
                os.path.isdir(folder) and os.access(folder, os.W_OK)):
            raise ChorusError(gettext(
                    'lot_facturation.msg_chorus_outbox_missing',
                    folder=folder))
        return company

    @classmethod
    def drop_chorus_outbox(cls, export, path):
        super().drop_chorus_outbox(export, path)
        folder = cls._chorus_outbox(export.company)
        if not folder:
            return
        target = os.path.join(folder, export.file_name)
        partial = target + '.part'
        shutil.copyfile(path, partial)
        os.replace(partial, target)
        export.outbox_path = target
        export.save()

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
