# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""``lot-facturation``: run an invoice batch from a terminal (B8).

    lot-facturation batch -c trytond.conf -d DB --date 2026-03-01 \\
        [--post] [--grouping party] [--company ID] [--journal CODE] [--force]

Prints a progress bar and a summary; exits 1 when the batch does not end
*done* (errors, warnings without --force, contracts locked by someone else).
"""
import argparse
import datetime as dt
import os
import sys


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
        help="go on despite warnings (e.g. a batch already ran today)")
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
    from trytond import config
    config.update_etc(args.config)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(args.database)
    pool.init()
    with Transaction().start(args.database, 0, readonly=True):
        user_id, company_id = _user_and_company(pool, args)
        args.date = _reference_date(args.date)
    with Transaction().start(args.database, user_id,
            context={'company': company_id}):
        summary = run_batch(pool, args, company_id)
    print_summary(summary)
    return 0 if summary['state'] == 'done' else 1


def _user_and_company(pool, args):
    from trytond.i18n import gettext
    User = pool.get('res.user')
    Company = pool.get('company.company')
    users = User.search([('login', '=', args.user)])
    if not users:
        raise SystemExit(f"unknown user {args.user!r}")
    user, = users
    if args.company:
        if not Company.search([('id', '=', args.company)]):
            raise SystemExit(gettext(
                    'lot_facturation.msg_batch_unknown_company',
                    company=args.company))
        return user.id, args.company
    company = user.company or (Company.search([], limit=1) or [None])[0]
    if not company:
        raise SystemExit(gettext('lot_facturation.msg_batch_no_company'))
    return user.id, company.id


def _reference_date(text):
    from trytond.i18n import gettext
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SystemExit(gettext('lot_facturation.msg_batch_invalid_date',
                field=f'--date {text}'))


def run_batch(pool, args, company_id):
    from trytond.i18n import gettext
    Batch = pool.get('account.invoice.batch')
    Journal = pool.get('account.journal')
    from .common.runner import in_new_transaction
    journal = None
    if args.journal:
        journals = Journal.search([
                ('code', '=', args.journal), ('type', '=', 'revenue')])
        if not journals:
            raise SystemExit(gettext(
                    'lot_facturation.msg_batch_unknown_journal',
                    journal=args.journal))
        journal = journals[0].id

    def create():
        batch = Batch(
            name=args.name or f'lot-facturation {args.date.isoformat()}',
            company=company_id, reference_date=args.date,
            recording_mode='posted' if args.post else 'draft',
            grouping=args.grouping, invoice_date_mode=args.invoice_date_mode)
        if journal:
            batch.journal = journal
        batch.save()
        return batch.id
    batch_id = in_new_transaction(create)
    return Batch.run_headless(
        batch_id, on_progress=ProgressBar(), force=args.force)


def print_summary(summary):
    print(f"Batch {summary['number']}: {summary['state']}")
    print(f"Invoices: {summary['invoices']}")
    for name in ['untaxed_amount', 'tax_amount', 'total_amount']:
        print(f"{name.replace('_', ' ').capitalize()}: "
            f"{summary[name]} {summary['currency']}")
    if summary['message']:
        print(summary['message'])


if __name__ == '__main__':
    sys.exit(main())
