#!/usr/bin/env python3
"""Load the French demo data into the demo database (idempotent).

    .venv/bin/python scripts/demo_data.py -c demo/trytond.conf -d DATABASE

Why: a newcomer, a tester or the lead must see lot_facturation at work on
realistic French data: a company with its French chart of accounts, VAT,
fiscal years, customers and running service contracts (sale.subscription)
whose periods are due.  Every function gets or creates its records by a
natural key (code, name, reference), so running it again (``make demo``
twice) changes nothing and duplicates nothing, and a run that failed half
way is completed by the next one.  One file per concept: demo_company.py
(firm, chart, fiscal years, accountant), demo_catalog.py (terms, VAT,
services), demo_customers.py, demo_contracts.py; the plain tables are in
demo_fixtures.py; batches and pending charges in demo_batches.py.
"""
import argparse
import os
import sys

from proteus import config as pconfig

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from demo_catalog import (  # noqa: E402
    create_categories, create_payment_terms, create_recurrences,
    create_services)
from demo_company import (  # noqa: E402
    attach_company_to_crons, create_accountant, create_chart,
    create_company, create_fiscal_years, set_french)
from demo_contracts import (  # noqa: E402
    create_contract_types, create_subscriptions)
from demo_customers import (  # noqa: E402
    create_customers, create_public_customers, create_sepa)
from demo_records import TODAY, create_country, create_currency  # noqa: E402


def create_lot_facturation_data(config, company):
    """Batch invoicing demo data: pending charges and two batches.

    Called last, with the company and every contract in place; idempotent
    like the rest (see demo_batches.py)."""
    import demo_batches
    demo_batches.create_lot_facturation_data(config, company, TODAY)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('-c', '--config', required=True)
    parser.add_argument('-d', '--database', required=True)
    args = parser.parse_args(argv)

    config = pconfig.set_trytond(args.database, config_file=args.config)
    set_french(config)
    currency = create_currency()
    country = create_country()
    company = create_company(config, currency, country)
    attach_company_to_crons(company)
    create_chart(config, company)
    create_fiscal_years(config, company)
    terms = create_payment_terms(config)
    categories = create_categories(company)
    rule_sets = create_recurrences()
    services = create_services(config, categories, rule_sets)
    customers = create_customers(country, terms)
    create_sepa(company, customers)
    public = create_public_customers(country, terms)
    types = create_contract_types()
    subscriptions = create_subscriptions(
        company, customers, services, rule_sets, types, public)
    create_accountant(config, company)
    create_lot_facturation_data(config, company)
    print(f"Demo data: company {company.rec_name}, "
        f"{len(customers) + len(public)} customers, {len(subscriptions)} "
        "running contracts.")


if __name__ == '__main__':
    main()
