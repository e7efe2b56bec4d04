# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The gate's checks in the preview, before any invoice exists (B4, F1).

An invoice the customer receives as a structured invoice (Chorus Pro,
later a Plateforme Agréée) must pass the validators.  The preview checks
the data that invoice will carry with the gate's own data rules
(``validation.data_rules``: customer identifiers per customer kind,
electronic address, Chorus Pro SIRET, service code and engagement, the
company's SIREN, electronic address and IBAN, the invoice numbers of the
sequence) and blocks the proposal with the gate's words.  Customers who
receive a PDF (e-mail, portal, paper) are not blocked for it.  A customer
of the PA channel absent from the PA's directory gets a warning: its
invoice will not be sent through the PA.
"""
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..billing import send_rules
from ..billing.items import WARNING, Problem
from ..common import einvoice


class BatchEInvoiceChecks:
    "The e-invoice data rules, per invoice header of the preview (F1)."
    __slots__ = ()

    def einvoice_problems(self, cache, party, address, date, references):
        """Blocking problems of the invoice to be for party at date;
        cache is a dict kept for the whole preview"""
        if not send_rules.is_structured(party.invoice_send_channel):
            return ()
        if 'seller' not in cache:
            cache['seller'] = einvoice.company_facts(self.company)
        if date not in cache:
            cache[date] = self.einvoice_number_sample(date)
        service_code, engagement = references
        facts = einvoice.facts(self.company, party, address,
            number=cache[date], service_code=service_code,
            engagement=engagement, seller=cache['seller'])
        return einvoice.problems(einvoice.fact_report(facts)) + (
            self.pa_directory_problems(cache, party))

    def pa_directory_problems(self, cache, party):
        "A warning when party receives through the PA but is not listed"
        Party = Pool().get('party.party')
        if party.invoice_send_channel != send_rules.PA:
            return ()
        key = ('pa_directory', party.id)
        if key not in cache:
            cache[key] = bool(Party.pa_directory_absent(
                    self.company, [party]))
        if not cache[key]:
            return ()
        return (Problem('pa_directory', WARNING, (
                    ('party', party.rec_name), ('siren', party.siren_code))),)

    def einvoice_number_sample(self, date):
        "The next number of the invoice sequence at date (BR-FR-01/02)"
        Invoice = Pool().get('account.invoice')
        with Transaction().set_context(company=self.company.id):
            invoice = Invoice(type='out', company=self.company,
                invoice_date=date, accounting_date=None,
                sequence_type_cache='invoice')
            try:
                sequence, _ = invoice._number_sequence()
            except UserError:
                return ''  # the date checks say what is missing
            return sequence.on_change_with_preview() or ''
