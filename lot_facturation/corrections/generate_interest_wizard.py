# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Générer les intérêts (SPEC I1).

Overdue receivable lines → pure computation (billing/interest.py) → pending
charges of kind *interest* that the next batch invoices
(``include_interests``).  Each charge points (``origin``) to its receivable
line and carries the period it charges, so a second run for the same date
creates nothing.
"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from ..billing.interest import compute_charges
from .interest import build_overdue, overdue_lines
from ..exceptions import OperationError

CHARGE_MODEL = 'account.invoice.pending_charge'


def existing_charges(lines):
    "Return the charges not cancelled made for the moves of ``lines``."
    pool = Pool()
    Charge = pool.get(CHARGE_MODEL)
    MoveLine = pool.get('account.move.line')
    siblings = MoveLine.search([
            ('move', 'in', list({l.move.id for l in lines})),
            ('account.type.receivable', '=', True),
            ])
    return Charge.search([
            ('kind', '=', 'interest'),
            ('state', '!=', 'cancelled'),
            ('origin', 'in', [str(l) for l in siblings]),
            ])


def describe(result, line, invoice, policy):
    "Return the description of a charge in the customer's language."
    pool = Pool()
    Lang = pool.get('ir.lang')
    party = line.party
    code = party.lang.code if party.lang else None
    with Transaction().set_context(language=code):
        lang = Lang.get(code)
        document = invoice.rec_name if invoice else line.move.rec_name
        if result.kind == 'indemnity':
            return gettext(
                'lot_facturation.msg_interest_indemnity_description',
                invoice=document)
        rate = lang.format('%.2f', policy.annual_rate * 100)
        return gettext(
            'lot_facturation.msg_interest_description',
            invoice=document, days=result.days, rate=rate,
            start=lang.strftime(result.period_start),
            end=lang.strftime(result.period_end))


def generate_interest(company, as_of, parties=None):
    "Create and return the interest charges of ``company`` at ``as_of``."
    pool = Pool()
    Configuration = pool.get('account.configuration')
    Charge = pool.get(CHARGE_MODEL)
    Invoice = pool.get('account.invoice')
    Date = pool.get('ir.date')
    Lang = pool.get('ir.lang')
    with Transaction().set_context(company=company.id):
        today = Date.today()
    if as_of > today:
        raise OperationError(gettext(
                'lot_facturation.msg_interest_future_date',
                date=Lang.get().strftime(as_of)))
    policy, values = Configuration(1).get_interest_policy(company)
    lines = overdue_lines(company, as_of, parties, policy.grace_days)
    if not lines:
        raise OperationError(gettext(
                'lot_facturation.msg_interest_nothing_overdue',
                date=Lang.get().strftime(as_of)))
    indemnity_product = values['interest_indemnity_product']
    overdue = build_overdue(
        lines, existing_charges(lines), indemnity_product)
    results = compute_charges(overdue, policy, as_of)
    if not results:
        raise OperationError(gettext(
                'lot_facturation.msg_interest_nothing_new',
                date=Lang.get().strftime(as_of)))
    invoices = {i.move.id: i for i in Invoice.search([
                ('move', 'in', list({l.move.id for l in lines})),
                ])}
    charges = []
    for result in results:
        line = result.key
        product = (indemnity_product if result.kind == 'indemnity'
            else values['interest_product'])
        charges.append(Charge(
                company=company, party=line.party, kind='interest',
                date=as_of, product=product, unit=product.sale_uom,
                description=describe(
                    result, line, invoices.get(line.move.id), policy),
                quantity=1.0, unit_price=Decimal(result.amount),
                currency=company.currency, origin=line,
                period_start=result.period_start,
                period_end=result.period_end))
    Charge.save(charges)
    if values['interest_charge_state'] != 'draft':
        Charge.validate_charge(charges)
    return charges


class GenerateInterestStart(ModelView):
    "Generate Interest"
    __name__ = 'account.invoice.generate_interest.start'

    company = fields.Many2One('company.company', "Company", readonly=True)
    date = fields.Date(
        "Date", required=True,
        help="Interest is computed on the receivables overdue at this date, "
        "up to this date.")
    parties = fields.Many2Many(
        'party.party', None, None, "Customers",
        context={'company': Eval('company', -1)}, depends={'company'},
        help="Leave empty for every customer.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()


class GenerateInterest(Wizard):
    "Generate Interest"
    __name__ = 'account.invoice.generate_interest'
    start = StateView('account.invoice.generate_interest.start',
        'lot_facturation.generate_interest_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Generate", 'generate', 'tryton-ok', default=True),
            ])
    generate = StateAction('lot_facturation.act_interest_charges')

    def do_generate(self, action):
        pool = Pool()
        Company = pool.get('company.company')
        company = Company(Transaction().context['company'])
        charges = generate_interest(
            company, self.start.date, list(self.start.parties) or None)
        return action, {'res_id': [c.id for c in charges]}
