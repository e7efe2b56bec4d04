# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""A batch's chunk of drafts posted in bulk, with Tryton's values (B6, B7).

Tryton's ``Invoice._post`` saves each invoice three times (numbers, amount
caches, state and move), and every save validates, recomputes the taxes
and the number fields record by record.  While a batch posts, a chunk of
its drafts (one company, dated, unnumbered) is posted here instead: the
numbers come from the strict sequence's ``get_many`` per (sequence, date)
in invoice-date order, the sequence is looked up once per date, the moves
are Tryton's own ``get_move`` saved in one go, and the invoices' columns
are written by one SQL UPDATE.  Any other invoice, or a pool where another
module changes these steps, goes through Tryton's ``_post``.
"""
from collections import defaultdict

from sql import Literal, Null
from sql.conditionals import Case
from sql.functions import CurrentTimestamp

from trytond.i18n import gettext
from trytond.modules.account_invoice.exceptions import InvoiceNumberError
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..common.sql import execute_update

# The modules whose versions of these steps the bulk path reproduces.
KNOWN = {
    'set_number': {'trytond.modules.account_invoice.invoice'},
    '_number_sequence': {'trytond.modules.account_invoice.invoice'},
    '_store_cache': {'trytond.modules.account_invoice.invoice'},
    'compute_fields': {'trytond.modules.account_invoice.invoice',
        'trytond.model.modelstorage'},
    }
CACHES = ['untaxed_amount', 'tax_amount', 'total_amount']
OURS = __name__.rsplit('.', 2)[0] + '.'


class BulkPost:
    "Post a batch's chunk with one numbering, one move save, one UPDATE."
    __slots__ = ()

    @classmethod
    def _post(cls, invoices):
        """Bulk steps first; then Tryton's ``_post`` (and every module's
        additions) finds the invoices numbered, cached, posted with their
        moves, and only queues what follows a posting."""
        if not (Transaction().context.get('_lot_facturation_posting')
                and cls._bulk_postable(invoices)):
            return super()._post(invoices)
        cls._bulk_post(invoices)
        with Transaction().set_context(_lot_facturation_bulk_posted=True):
            super()._post(cls.browse([i.id for i in invoices]))

    @classmethod
    def _store_cache(cls, invoices):
        if not Transaction().context.get('_lot_facturation_bulk_posted'):
            super()._store_cache(invoices)

    @classmethod
    def _bulk_postable(cls, invoices):
        "Whether Tryton's ``_post`` would do exactly what the bulk path does."
        if not invoices or len({i.company for i in invoices}) != 1:
            return False
        for name, modules in KNOWN.items():
            owners = {k.__module__ for k in cls.__mro__
                if name in vars(k) and k.__module__ != __name__
                and not k.__module__.startswith(OURS)}
            if not owners <= modules:
                return False
        return all(i.type == 'out' and i.state in {'draft', 'validated'}
            and i.invoice_date and not i.number and not i.move
            and all(getattr(i, f + '_cache') is None for f in CACHES)
            and i.currency == i.company.currency
            and not i.alternative_payees
            for i in invoices)

    @classmethod
    def _bulk_post(cls, invoices):
        "Tryton's steps of ``_post`` up to the moves' posting, saved in bulk."
        Move = Pool().get('account.move')
        cls._bulk_number(invoices)
        cls.set_payment_means(invoices)
        amounts = {i.id: [getattr(i, f) for f in CACHES] for i in invoices}
        moves = [i.get_move() for i in invoices]
        Move.save(moves)
        cls._bulk_write(invoices, moves, amounts)
        Move.post(moves)

    @classmethod
    def _bulk_number(cls, invoices):
        """Numbers as ``set_number`` gives them, on the records (not saved).

        One sequence look-up per (date, sequence field), one "invoice after
        this date" search per sequence, one ``get_many`` per (sequence,
        date), in invoice-date order.
        """
        company = invoices[0].company
        found, identifiers, to_number = {}, {}, defaultdict(list)
        for invoice in sorted(invoices, key=lambda i: i.invoice_date):
            if not invoice.tax_identifier:
                country = (invoice.invoice_address.country
                    if invoice.invoice_address else None)
                if country not in identifiers:
                    identifiers[country] = invoice.get_tax_identifier()
                invoice.tax_identifier = identifiers[country]
            if not invoice.party_tax_identifier:
                invoice.party_tax_identifier = invoice.party.tax_identifier
            invoice.sequence_type_cache = invoice._sequence_type
            key = (invoice.accounting_date or invoice.invoice_date,
                invoice._sequence_field)
            if key not in found:
                found[key] = invoice._number_sequence()
                cls._check_number_after(invoice, *found[key])
            to_number[found[key]].append(invoice)
        for (sequence, date), group in to_number.items():
            with Transaction().set_context(date=date, company=company.id):
                for invoice, number in zip(
                        group, sequence.get_many(len(group))):
                    invoice.sequence = sequence
                    invoice.number = number

    @classmethod
    def _check_number_after(cls, invoice, sequence, date):
        "Tryton's refusal to number before an invoice of a later date."
        Lang = Pool().get('ir.lang')
        after = cls.search([
                ('sequence', '=', sequence),
                ('invoice_date', '>', invoice.invoice_date),
                ], limit=1, order=[('invoice_date', 'DESC')])
        if after:
            raise InvoiceNumberError(gettext(
                    'account_invoice.msg_invoice_number_after',
                    invoice=invoice.rec_name, sequence=sequence.rec_name,
                    date=Lang.get().strftime(invoice.invoice_date),
                    after_invoice=after[0].rec_name))

    @classmethod
    def _bulk_write(cls, invoices, moves, amounts):
        "One UPDATE of the columns Tryton's three saves would write."
        table = cls.__table__()
        columns = {
            'number': lambda i, m: i.number,
            'number_alnum': lambda i, m: i.compute_fields(
                {'number'})['number_alnum'],
            'number_digit': lambda i, m: i.compute_fields(
                {'number'})['number_digit'],
            'sequence': lambda i, m: _id(i.sequence),
            'sequence_type_cache': lambda i, m: i.sequence_type_cache,
            'tax_identifier': lambda i, m: _id(i.tax_identifier),
            'party_tax_identifier': lambda i, m: _id(i.party_tax_identifier),
            'move': lambda i, m: m.id,
            }
        for index, name in enumerate(CACHES):
            columns[name + '_cache'] = (
                lambda i, m, index=index: amounts[i.id][index])
        values = {name: _column(table, invoices, moves, get)
            for name, get in columns.items()}
        values['state'] = Literal('posted')
        values['write_uid'] = Literal(Transaction().user)
        values['write_date'] = CurrentTimestamp()
        names = list(values)
        query = table.update([getattr(table, n) for n in names],
            [values[n] for n in names],
            where=table.id.in_([i.id for i in invoices]))
        execute_update(query, cls)
        for invoice in invoices:
            invoice._values = None


def _column(table, invoices, moves, get):
    "The value of one column for each invoice: a constant or a CASE on id."
    values = [get(i, m) for i, m in zip(invoices, moves)]
    if len(set(values)) == 1:
        return Null if values[0] is None else Literal(values[0])
    return Case(*((table.id == i.id, Null if v is None else Literal(v))
            for i, v in zip(invoices, values)))


def _id(value):
    "The id of a Many2One value set on a record (a record, an id or None)."
    return getattr(value, 'id', value)
