# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""What a send tells the accountant: counts, then one line per failure.

Shared by "Imprimer ou traiter les factures client" (S3) and the batch
e-mail send (S5): each failed invoice is named with its customer and the
cause, and the accountant is pointed at the exchange log.
"""
from trytond.i18n import gettext
from trytond.pool import Pool


def counts(outcomes):
    "(delivered, in error) of outcomes"
    errors = sum(1 for o in outcomes if not o.delivered)
    return len(outcomes) - errors, errors


def error_lines(outcomes):
    "One line per invoice in error: number, customer and cause"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    failed = [o for o in outcomes if not o.delivered]
    invoices = {i.id: i for i in Invoice.browse([o.invoice for o in failed])}
    lines = []
    for outcome in failed:
        invoice = invoices[outcome.invoice]
        lines.append(gettext('lot_facturation.msg_send_error_line',
                invoice=invoice.number or invoice.rec_name,
                party=invoice.party.rec_name, error=outcome.message))
    return lines


def process_summary(outcomes, selected):
    "The result of Imprimer ou traiter › Envoyer: counts, failures, advice"
    sent, errors = counts(outcomes)
    lines = [gettext('lot_facturation.msg_process_send_summary',
            sent=sent, errors=errors, count=selected)]
    skipped = selected - len(outcomes)
    if skipped:
        lines.append(gettext(
                'lot_facturation.msg_process_send_skipped', count=skipped))
    if errors:
        lines.extend(error_lines(outcomes))
        lines.append(gettext('lot_facturation.msg_send_errors_advice'))
    return '\n'.join(lines)
