# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""What the items of a batch share: headers, accounts, taxes, labels (B4).

Everything is computed once per distinct key (customer, product, date...),
never once per item.  What depends on the customers is read a chunk of
customers at a time, with one query per value (``start_chunk``); what
depends on products, units and periods is kept for the whole preview.
"""
from collections import namedtuple
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..billing import items as core
from ..billing.money import line_amount
from ..common.multivalues import company_values
from .core_values import encode_problems, load_taxes
from .schedule_plan import LABEL, language_codes

# A customer as the items need it: read for a whole chunk at once.
Customer = namedtuple('Customer', ['id', 'lang', 'receivable', 'tax_rule',
        'mandate'])
# Records read for one chunk's customers only.
CUSTOMER_MODELS = {'party.party', 'party.address'}


class ItemContext:
    "Caches of one preview; customers' values per chunk (``start_chunk``)."

    def __init__(self, batch):
        pool = Pool()
        self.batch = batch
        self.pool = pool
        self.company = batch.company.id
        self.customers = {}
        self._headers = {}
        self._records = {}
        self._defaults = {}
        self._labels = {}
        self._templates = {}
        self._hours = {}
        self._accounts = {}
        self.tax_records = {}
        self.einvoice = {}  # what the e-invoice checks read once
        self.today = pool.get('ir.date').today()
        with Transaction().set_context(company=self.company):
            self._default_receivable = self._config_receivable()

    def start_chunk(self, party_ids):
        "Read the customers ``party_ids``; forget those of the last chunk."
        Party = self.pool.get('party.party')
        party_ids = list(party_ids)
        self._headers.clear()
        with Transaction().set_context(company=self.company):
            langs = language_codes(party_ids)
            receivables = company_values(
                Party, 'account_receivable', party_ids, self.company)
            rules = company_values(
                Party, 'customer_tax_rule', party_ids, self.company)
            mandates = self._mandates(party_ids)
        self.customers = {p: Customer(p, langs[p], receivables[p], rules[p],
                mandates.get(p)) for p in party_ids}
        # one browse list: the e-invoice checks read them together; the
        # last chunk's customers and addresses go, or 100,000 customers'
        # records (and all they read) would stay in memory
        for key in [k for k in self._records if k[0] in CUSTOMER_MODELS]:
            del self._records[key]
        for party in Party.browse(party_ids):
            self._records['party.party', party.id] = party

    def _config_receivable(self):
        Configuration = self.pool.get('account.configuration')
        account = Configuration(1).get_multivalue(
            'default_account_receivable')
        return account.id if account else None

    def _mandates(self, party_ids):
        "The first validated mandate of each customer with the company."
        Mandate = self.pool.get('account.payment.sepa.mandate')
        result = {}
        for mandate in Mandate.search([
                    ('party', 'in', party_ids),
                    ('company', '=', self.company),
                    ('state', '=', 'validated'),
                    ]):
            result.setdefault(mandate.party.id, mandate.id)
        return result

    def record(self, model, id_):
        "A product, unit, currency or payment term, kept for the preview."
        if id_ is None:
            return None
        key = (model, id_)
        if key not in self._records:
            self._records[key] = self.pool.get(model)(id_)
        return self._records[key]

    def invoice_date(self, date):
        mode = self.batch.invoice_date_mode
        if mode == 'schedule':
            return date
        if mode == 'today':
            return self.today
        if mode == 'fixed':
            return self.batch.invoice_date
        return self.batch.reference_date

    def header(self, party, address, currency, payment_term, date,
            references=(None, None)):
        """The homogeneity key of SPEC B3 (ids), and its problems;
        references: the Chorus Pro service code and engagement number"""
        key = (party, address, currency, payment_term, date, references)
        if key not in self._headers:
            self._headers[key] = self._make_header(*key)
        return self._headers[key]

    def references(self, party, service_code=None, engagement=None):
        "The contract's Chorus Pro references, else its customer's"
        customer = self.record('party.party', party)
        return (service_code or customer.chorus_service_code or None,
            engagement or customer.chorus_engagement or None)

    def _make_header(self, party, address, currency, payment_term, date,
            references):
        problems = []
        customer = self.customers[party]
        account = self.receivable(customer)
        if not account:
            problems.append(core.Problem('missing_receivable_account',
                    core.BLOCKING, (('party', self.party_name(party)),)))
        if not address:
            problems.append(core.Problem('missing_invoice_address',
                    core.BLOCKING, (('party', self.party_name(party)),)))
        mandate = None
        term = self.record('account.invoice.payment_term', payment_term)
        if term and term.direct_debit:
            mandate = customer.mandate
            if not mandate:
                problems.append(core.Problem('mandate_missing', core.WARNING,
                        (('party', self.party_name(party)),)))
        header = core.Header(
            company=self.company, party=party, invoice_address=address,
            currency=currency, payment_term=payment_term, account=account,
            journal=self.batch.journal.id, sepa_mandate=mandate,
            invoice_date=self.invoice_date(date),
            chorus_service_code=references[0],
            chorus_engagement=references[1])
        with Transaction().set_context(company=self.company):
            problems.extend(self.batch.einvoice_problems(self.einvoice,
                    self.record('party.party', party),
                    self.record('party.address', address),
                    header.invoice_date, references))
        return header, tuple(problems)

    def receivable(self, customer):
        """The receivable account as ``party.account_receivable_used`` gives
        it: the customer's, else the configuration's, as of today."""
        account = customer.receivable or self._default_receivable
        if account is None:
            return None
        if account not in self._accounts:
            Account = self.pool.get('account.account')
            with Transaction().set_context(company=self.company):
                current = Account(account).current()
            self._accounts[account] = current.id if current else None
        return self._accounts[account]

    def party_name(self, party):
        Party = self.pool.get('party.party')
        with Transaction().set_context(company=self.company):
            return Party(party).rec_name

    def defaults(self, product, party, address, date, taxable=True):
        """Revenue account and taxes as Tryton's invoice line sets them.

        ``on_change_product`` reads the customer only through its tax rule
        and the tax rule pattern: it runs once per product and such key.
        """
        customer = self.customers[party]
        line = self._invoice_line(product, party, address, date)
        pattern = tuple(sorted(line._get_tax_rule_pattern().items()))
        key = (product, customer.tax_rule, pattern, date, taxable)
        if key not in self._defaults:
            self._defaults[key] = self._line_defaults(line, taxable)
        return self._defaults[key]

    def _invoice_line(self, product, party, address, date):
        Invoice = self.pool.get('account.invoice')
        InvoiceLine = self.pool.get('account.invoice.line')
        company = self.batch.company
        with Transaction().set_context(company=self.company):
            invoice = Invoice(type='out', company=company, party=party,
                invoice_address=address, invoice_date=date,
                currency=company.currency)
            return InvoiceLine(invoice=invoice, type='line',
                product=self.record('product.product', product),
                company=company)

    def _line_defaults(self, line, taxable):
        with Transaction().set_context(company=self.company):
            try:
                line.on_change_product()
                account = line.account
            except UserError:
                account = None
        taxes = sorted(line.taxes or [], key=lambda t: (
                t.sequence is None, t.sequence or 0, t.id)) if taxable else []
        for tax in taxes:
            self.tax_records.setdefault(tax.id, tax)
        return (account.id if account else None, tuple(t.id for t in taxes))

    def label(self, product, party):
        "The product's name translated in the customer's language."
        code = self.customers[party].lang
        key = (product, code)
        if key not in self._labels:
            with Transaction().set_context(language=code):
                Product = self.pool.get('product.product')
                self._labels[key] = Product(product).rec_name
        return self._labels[key]

    def describe(self, party, label, start, end):
        "A period worded in the customer's language, one gettext a period."
        code = self.customers[party].lang
        key = (code, start, end)
        if key not in self._templates:
            Schedule = self.pool.get('sale.subscription.schedule')
            self._templates[key] = Schedule.describe(code, LABEL, start, end)
        return self._templates[key].replace(LABEL, label)

    def core_taxes(self):
        return load_taxes(self.tax_records.values())

    def rounding(self, currency_id):
        return self.record('currency.currency', currency_id).rounding

    def currencies(self, items):
        return [self.record('currency.currency', c)
            for c in {i.header.currency for i in items}]

    def hours(self, unit, quantity):
        "Hours worked, when the unit measures time (seed 002)."
        if unit is None:
            return None
        if unit not in self._hours:
            self._hours[unit] = self._hour_unit(unit)
        hour = self._hours[unit]
        if hour is None:
            return None
        Uom = self.pool.get('product.uom')
        return Decimal(str(Uom.compute_qty(self.record('product.uom', unit),
                    float(quantity), hour))).quantize(Decimal('0.01'))

    def _hour_unit(self, unit):
        ModelData = self.pool.get('ir.model.data')
        Uom = self.pool.get('product.uom')
        time = ModelData.get_id('product', 'uom_cat_time')
        if self.record('product.uom', unit).category.id != time:
            return None
        return Uom(ModelData.get_id('product', 'uom_hour'))

    def item(self, kind, contract, line, schedule, quantity,
            consumption_count, period, date, consumption=None):
        "An item of a contract line (schedule or time entry), from rows."
        party = contract.party
        header, header_problems = self.header(party, contract.invoice_address,
            contract.currency, contract.payment_term, date, self.references(
                party, contract.service_code, contract.engagement))
        account, tax_ids = self.defaults(line.product, party,
            contract.invoice_address, header.invoice_date, contract.taxable)
        return self._values(
            kind=kind, header=header, problems=header_problems,
            product=line.product, account=account, tax_ids=tax_ids,
            label=self.label(line.product, party), quantity=quantity,
            unit_price=line.unit_price, unit=line.unit,
            subscription=contract.id, line=line.id,
            schedule=schedule.id if schedule else None,
            consumption=consumption, charge=None,
            consumption_count=consumption_count, period=period, party=party)

    def charge_item(self, charge):
        "An item of a pending charge (a record)."
        party = charge.party
        subscription = charge.subscription
        address = (subscription.invoice_address if subscription
            else party.address_get(type='invoice'))
        with Transaction().set_context(company=self.company):
            payment_term = (subscription.payment_term if subscription
                else party.customer_payment_term)
        header, header_problems = self.header(party.id, _id(address),
            charge.currency.id, _id(payment_term), charge.date,
            self.references(party.id, *(
                    (subscription.chorus_service_code,
                        subscription.chorus_engagement)
                    if subscription else ())))
        account, tax_ids = self.defaults(charge.product.id, party.id,
            _id(address), header.invoice_date,
            subscription.taxable if subscription else True)
        label = charge.description or self.label(charge.product.id, party.id)
        return self._values(
            kind=charge.kind, header=header, problems=header_problems,
            product=charge.product.id, account=account, tax_ids=tax_ids,
            label=label, quantity=Decimal(str(charge.quantity)),
            unit_price=charge.unit_price, unit=_id(charge.unit),
            subscription=_id(subscription), line=None, schedule=None,
            consumption=None, charge=charge.id, consumption_count=0,
            period=(charge.period_start, charge.period_end), party=party.id)

    def _values(self, kind, header, problems, product, account, tax_ids,
            label, quantity, unit_price, unit, subscription, line, schedule,
            consumption, charge, consumption_count, period, party):
        "(stored item values, keyword arguments of the pure item)."
        problems = list(problems)
        if not account:
            problems.append(core.Problem('missing_revenue_account',
                    core.BLOCKING, (('product', self.record(
                                'product.product', product).rec_name),)))
        description = self.describe(party, label, *period)
        hours = self.hours(unit, quantity)
        values = {
            'kind': kind, 'subscription': subscription,
            'schedule': schedule, 'subscription_line': line,
            'consumption': consumption, 'charge': charge,
            'consumption_count': consumption_count, 'product': product,
            'unit': unit, 'quantity': float(quantity),
            'unit_price': unit_price,
            'tax_ids': ','.join(map(str, tax_ids)) or None,
            'account': account, 'label': label, 'description': description,
            'period_start': period[0], 'period_end': period[1],
            'hours': hours,
            'amount': line_amount(quantity, unit_price,
                self.rounding(header.currency)),
            'problems': encode_problems(problems),
            }
        ref = (('charge', charge) if charge
            else ('consumption', consumption) if consumption
            else ('schedule', schedule, line))
        pure = dict(ref=ref, kind=kind, header=header, quantity=quantity,
            unit_price=unit_price, tax_ids=tax_ids,
            subscription=subscription, schedule=schedule,
            origin=f'sale.subscription.line,{line}' if line else None,
            product=product, unit=unit, account=account, label=label,
            description=description, period_start=period[0],
            period_end=period[1], hours=hours, problems=tuple(problems))
        return values, pure


def _id(record):
    return record.id if record else None
