# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""``lot-facturation``: run an invoice batch from a terminal (B8).

    lot-facturation batch -c trytond.conf -d DB --date 2026-03-01 \\
        [--post] [--grouping party] [--company ID] [--journal CODE] [--force]
    lot-facturation batch -c trytond.conf -d DB --resume LOT-00012 [--force]

Prints a progress bar and a summary.  Each step is its own transaction (no
transaction stays open while the batch runs).  Exit codes: 0 the batch is
*done*; 1 it is not (errors, warnings without --force, contracts locked by
someone else, a stalled batch of the same criteria to resume first); 2 the
input is refused (configuration, database, date, closed period, unknown
user, company, journal or batch) and nothing was written.
"""
import argparse
import datetime as dt
import os
import sys


class Refused(Exception):
    "Bad input: said on one line, exit code 2, nothing written."


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog='lot-facturation')
    commands = parser.add_subparsers(dest='command', required=True)
    batch = commands.add_parser('batch', help="run an invoice batch")
    batch.add_argument('-c', '--config', default=os.environ.get(
            'TRYTOND_CONFIG'), help="trytond configuration file")
    batch.add_argument('-d', '--database', required=True)
    batch.add_argument('--date', default=dt.date.today().isoformat(),
        help="reference date (YYYY-MM-DD)")
    batch.add_argument('--name', help="subject of the batch")
    batch.add_argument('--company', type=int, help="company id")
    batch.add_argument('--journal', help="revenue journal code")
    batch.add_argument('--post', action='store_true',
        help="post (estampiller) the invoices")
    batch.add_argument('--grouping', default='subscription',
        choices=['schedule', 'subscription', 'party'])
    batch.add_argument('--invoice-date-mode', default='reference',
        choices=['reference', 'schedule', 'today'])
    batch.add_argument('--force', action='store_true',
        help="go on despite warnings (e.g. a batch already ran today); "
        "with --resume, take over a batch that still looks alive")
    batch.add_argument('--resume', metavar='NUMBER',
        help="finish a stalled or failed batch")
    batch.add_argument('--user', default='admin', help="login to run as")
    return parser.parse_args(argv)


class ProgressBar:
    "A one-line progress bar on the terminal (stderr)."

    def __init__(self, stream=sys.stderr, width=40):
        self.stream = stream
        self.width = width

    def __call__(self, done, total):
        ratio = done / total if total else 1
        filled = int(self.width * ratio)
        self.stream.write('\r[%s%s] %3d%% %d/%d' % (
                '#' * filled, '.' * (self.width - filled), ratio * 100,
                done, total))
        if done >= total:
            self.stream.write('\n')
        self.stream.flush()


def main(argv=None):
    args = parse_args(argv)
    try:
        summary = run(args)
    except Refused as refusal:
        print(f"lot-facturation: {refusal}", file=sys.stderr)
        return 2
    if summary is None:
        return 1
    print_summary(summary)
    return 0 if summary['state'] == 'done' else 1


def run(args):
    "The steps of a run; the summary, or None when it was refused."
    check_config(args.config)
    from trytond import config
    config.update_etc(args.config)
    check_database(args.database)
    from trytond.exceptions import UserError, UserWarning
    from trytond.pool import Pool
    from .common.runner import in_new_transaction, session
    Pool.start()
    loaded = args.database in Pool.database_list()
    pool = Pool(args.database)
    if not loaded:
        pool.init()
    with session(args.database, 0):
        user_id, values = in_new_transaction(checked_values, pool, args)
    try:
        with session(args.database, user_id,
                {'company': values['company']}):
            if args.resume:
                return resume(pool, args, values['company'])
            return launch(pool, args, values)
    except (UserError, UserWarning) as error:
        print(error.message)
        return None


def check_config(path):
    if path and not os.access(path, os.R_OK):
        raise Refused(f"cannot read the configuration file {path!r}")


def check_database(name):
    "Refuse an unknown database at once (not after the pool's timeout)."
    from trytond import backend
    try:
        names = backend.Database().list()
    except Exception as error:
        raise Refused(f"cannot reach the database server: {error}")
    if name not in names:
        raise Refused(f"database {name!r} does not exist or is not a "
            "Tryton database")


def checked_values(pool, args):
    """The user and the values of the batch to run, or Refused.

    Read only: a refused run writes nothing.
    """
    from trytond.exceptions import UserError
    from trytond.i18n import gettext
    User = pool.get('res.user')
    Batch = pool.get('account.invoice.batch')
    users = User.search([('login', '=', args.user)])
    if not users:
        raise Refused(gettext('lot_facturation.msg_batch_unknown_user',
                user=args.user))
    user, = users
    values = {'company': company_id(pool, args, user)}
    if args.resume:
        return user.id, values
    try:
        date = dt.date.fromisoformat(args.date)
    except ValueError:
        raise Refused(gettext('lot_facturation.msg_batch_invalid_date',
                field=f'--date {args.date}'))
    values.update(
        name=args.name or f'lot-facturation {date.isoformat()}',
        reference_date=date,
        recording_mode='posted' if args.post else 'draft',
        grouping=args.grouping, invoice_date_mode=args.invoice_date_mode,
        journal=journal_id(pool, args))
    if not values['journal']:
        raise Refused(gettext('lot_facturation.msg_batch_no_journal'))
    try:
        Batch(company=values['company']).check_period(date)
    except UserError as error:
        raise Refused(error.message)
    return user.id, values


def company_id(pool, args, user):
    from trytond.i18n import gettext
    Company = pool.get('company.company')
    if args.company:
        if not Company.search([('id', '=', args.company)]):
            raise Refused(gettext(
                    'lot_facturation.msg_batch_unknown_company',
                    company=args.company))
        return args.company
    company = user.company or (Company.search([], limit=1) or [None])[0]
    if not company:
        raise Refused(gettext('lot_facturation.msg_batch_no_company'))
    return company.id


def journal_id(pool, args):
    from trytond.i18n import gettext
    Journal = pool.get('account.journal')
    Batch = pool.get('account.invoice.batch')
    if not args.journal:
        return Batch.default_journal()
    journals = Journal.search([
            ('code', '=', args.journal), ('type', '=', 'revenue')])
    if not journals:
        raise Refused(gettext('lot_facturation.msg_batch_unknown_journal',
                journal=args.journal))
    return journals[0].id


def launch(pool, args, values):
    "A new batch, unless a stalled one of the same criteria is to resume."
    from .common.runner import in_new_transaction
    Batch = pool.get('account.invoice.batch')
    stalled = in_new_transaction(stalled_offer, pool, args.database, values)
    if stalled:
        number, offer = stalled
        print(offer)
        if not (sys.stdin.isatty() and input("Resume it? [y/N] ").lower()
                in {'y', 'yes', 'o', 'oui'}):
            return None
        args.resume = number
        return resume(pool, args, values['company'])
    batch_id, token = in_new_transaction(Batch.launch, values, args.force)
    Batch.run_generation([batch_id], on_progress=ProgressBar(), token=token)
    return in_new_transaction(Batch._state, batch_id)


def stalled_offer(pool, database, values):
    from trytond.i18n import gettext
    Batch = pool.get('account.invoice.batch')
    Proposal = pool.get('account.invoice.batch.proposal')
    for batch in Batch.stalled_like(values):
        pending = Proposal.search_count([
                ('batch', '=', batch.id), ('selected', '=', True),
                ('status', '!=', 'blocked'), ('invoice', '=', None)])
        return batch.number, gettext(
            'lot_facturation.msg_batch_stalled_same',
            batch=batch.number, draft=batch.draft_invoice_count,
            pending=pending, database=database)


def resume(pool, args, company):
    "Finish a stalled or failed batch."
    from trytond.exceptions import UserError
    from trytond.i18n import gettext
    from .common.runner import in_new_transaction
    Batch = pool.get('account.invoice.batch')

    def find():
        batches = Batch.search([
                ('number', '=', args.resume), ('company', '=', company)])
        if not batches:
            raise Refused(gettext('lot_facturation.msg_batch_unknown',
                    batch=args.resume))
        batch, = batches
        if batch.state not in {'running', 'failed'}:
            raise Refused(gettext('lot_facturation.msg_batch_not_resumable',
                    batch=batch.rec_name, state=batch.state_string))
        return batch.id
    batch_id = in_new_transaction(find)
    try:
        token = in_new_transaction(Batch.claim_resume, batch_id, args.force)
    except UserError as error:
        print(error.message)
        return None
    Batch.run_generation([batch_id], on_progress=ProgressBar(), token=token)
    return in_new_transaction(Batch._state, batch_id)


def print_summary(summary):
    print(f"Batch {summary['number']}: {summary['state']}")
    print(f"Invoices: {summary['invoices']}")
    print(f"Draft invoices: {summary['draft']}")
    for name in ['untaxed_amount', 'tax_amount', 'total_amount']:
        print(f"{name.replace('_', ' ').capitalize()}: "
            f"{summary[name]} {summary['currency']}")
    if summary['message']:
        print(summary['message'])


if __name__ == '__main__':
    sys.exit(main())
