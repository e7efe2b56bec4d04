# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Company settings read once per company, not once per record.

``get_multivalue`` searches the value table at every call: loops over
invoices or proposals read each setting here, before the loop.
"""
from trytond.pool import Pool


def by_company(name, company_ids):
    "{company id: value of the account configuration setting name}."
    Configuration = Pool().get('account.configuration')
    config = Configuration(1)
    return {c: config.get_multivalue(name, company=c)
        for c in set(company_ids)}
