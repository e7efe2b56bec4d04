"""What the demo firm sells and on which terms: payment terms, VAT
(with the exempt training tax), product categories, recurrences, services.
"""
from decimal import Decimal

from proteus import Model

import demo_fixtures as fx
from demo_company import account, tax
from demo_records import get_or_new, model_id


def create_payment_terms(config):
    """Tryton's own terms (30 jours nets, à la réception, 30 jours fin de
    mois) plus "Prélèvement SEPA à 30 jours" for direct debit, and two terms
    paid by bill of exchange (LCR, billet à ordre) for the traites."""
    PaymentTerm = Model.get('account.invoice.payment_term')
    terms = {
        key: PaymentTerm(model_id(config, f'account_invoice.{xml_id}'))
        for key, xml_id in [
            ('net30', 'payment_term_net30'),
            ('receipt', 'payment_term_0'),
            ('eom30', 'payment_term_30_eom'),
            ]}
    name = "Prélèvement SEPA à 30 jours"
    term, created = get_or_new('account.invoice.payment_term',
        [('name', '=', name)], name=name)
    if created:
        line = term.lines.new(type='remainder')
        delta, = line.relativedeltas
        delta.days = 30
    if 'direct_debit' in PaymentTerm._fields and not term.direct_debit:
        term.direct_debit = True  # field added by lot_facturation
    if created or term._changed:
        term.save()
    terms['sdd30'] = term
    for key, name, days, bill in [
            ('lcr45', "LCR à 45 jours", 45, 'lcr'),
            ('note60', "Billet à ordre à 60 jours", 60, 'promissory_note')]:
        term, created = get_or_new('account.invoice.payment_term',
            [('name', '=', name)], name=name, bill_of_exchange=bill)
        if created:
            line = term.lines.new(type='remainder')
            delta, = line.relativedeltas
            delta.days = days
            term.save()
        terms[key] = term
    return terms


def create_exempt_tax(company):
    "The 0 % exempt tax of training, with its legal notice and VATEX code"
    Tax = Model.get('account.tax')
    name, notice, vatex = fx.EXEMPT_TAX
    if Tax.find([('company', '=', company.id), ('name', '=', name)]):
        return
    normal = tax(company, "T.V.A. Vente de services 20%")
    exempt = Tax(name=name, description=name, type='percentage',
        rate=Decimal(0), company=company, legal_notice=notice,
        invoice_account=normal.invoice_account,
        credit_note_account=normal.credit_note_account)
    exempt.unece_code = 'VAT'
    exempt.unece_category_code = 'E'
    exempt.vatex_code = vatex
    exempt.save()


def create_categories(company):
    create_exempt_tax(company)
    categories = {}
    for name, revenue, tax_name in fx.CATEGORIES:
        category, created = get_or_new('product.category',
            [('name', '=', name)], name=name, accounting=True)
        if created:
            category.account_revenue = account(company, revenue)
            category.customer_taxes.append(tax(company, tax_name))
            category.save()
        categories[name] = category
    return categories


def create_recurrences():
    "Recurrence rule sets of invoicing and consumption (sale_subscription)."
    rule_sets = {}
    for key, (name, freq, interval, bymonthday) in fx.RECURRENCES.items():
        rule_set, created = get_or_new(
            'sale.subscription.recurrence.rule.set', [('name', '=', name)],
            name=name)
        if created:
            rule, = rule_set.rules
            rule.freq = freq
            rule.interval = interval
            rule.bymonthday = bymonthday
            rule_set.save()
        rule_sets[key] = rule_set
    return rule_sets


def create_services(config, categories, rule_sets):
    "Service products and their subscription services."
    Template = Model.get('product.template')
    Uom = Model.get('product.uom')
    recurrence_of = {
        'monthly': rule_sets['monthly_start'],
        'yearly': rule_sets['yearly']}
    services = {}
    for code, name, category, uom, price, consumption in fx.SERVICES:
        templates = Template.find([('code', '=', code)], limit=1)
        if templates:
            template, = templates
        else:
            unit = Uom(model_id(config, f'product.{uom}'))
            template = Template(name=name, code=code, type='service',
                default_uom=unit, list_price=price,
                account_category=categories[category])
            template.salable = True
            template.sale_uom = unit
            template.save()
        product, = template.products
        service, created = get_or_new('sale.subscription.service',
            [('product', '=', product.id)], product=product)
        if created:
            service.consumption_recurrence = recurrence_of[consumption]
            service.save()
        services[code] = service
    return services
