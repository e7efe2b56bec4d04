# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The e-invoice gate's findings in the accountant's language (SPEC F1).

The gate (on an invoice's XML) and the batch preview (on the data of an
invoice to be) word what blocks with the same function: one line per thing
to fix, naming the rule, e.g. "BR-FR-11 : Le client Mairie de Lyon n'a pas
de SIREN valide...".  The facts the data rules read are gathered here too,
for both.
"""
from trytond.i18n import gettext

from ..billing.items import BLOCKING, Problem
from ..validation import data_rules, gate, messages

MESSAGE = 'lot_facturation.msg_einvoice_%s'


def finding_text(explanation):
    "One translated line: the rule and what to fix"
    return gettext('lot_facturation.msg_einvoice_finding',
        rule=explanation.rule_id,
        text=gettext(MESSAGE % explanation.key, **explanation.values))


def explain(report):
    "The translated lines of a gate Report's fatal findings"
    return [finding_text(e) for e in messages.explain_report(report)]


def warnings(report):
    "The validators' warnings, as they word them"
    return ['%s: %s' % (f.rule_id, ' '.join(f.text.split()))
        for f in report.warnings]


def blocked_message(invoice, lines):
    "The error of an invoice the gate blocks"
    return gettext('lot_facturation.msg_einvoice_blocked',
        invoice=invoice, reasons='\n'.join('- ' + l for l in lines))


def party_facts(party, address=None):
    "What the data rules read of a party (seller or buyer)"
    siret = getattr(address, 'siret', None) if address else None
    electronic, scheme = party.electronic_address_scheme()
    return data_rules.Party(
        name=party.name or '', kind=party.customer_kind or 'business',
        siren=party.siren.code_compact if party.siren else '',
        siret=siret.code_compact if siret else '',
        electronic_address=electronic, electronic_scheme=scheme)


def company_facts(company):
    "(seller facts, whether the company has an IBAN to be paid to)"
    party = company.party
    seller = party_facts(party, party.address_get('invoice'))
    iban = any(getattr(a, 'iban', None) for a in getattr(
            party, 'bank_accounts', None) or [])
    return seller, iban


def facts(company, party, address, number='', payment_means='30',
        service_code=None, engagement=None, seller=None):
    """The Facts of an invoice to be; seller is company_facts(company)
    when the caller already read it"""
    seller, iban = seller or company_facts(company)
    return data_rules.Facts(
        seller=seller, buyer=party_facts(party, address),
        channel=party.invoice_send_channel or '',
        payment_means=payment_means, seller_iban=iban, number=number or '',
        service_code=service_code or '', engagement=engagement or '',
        service_required=bool(party.chorus_service_required),
        engagement_required=bool(party.chorus_engagement_required))


def fact_report(facts_, beyond_xml=False):
    "A gate Report of the data rules facts_ break"
    return gate.Report(tuple(data_rules.check(facts_, beyond_xml=beyond_xml)),
        data_rules.context(facts_))


PROBLEM = 'einvoice'


def problems(report):
    """Batch preview problems (blocking) of a Report of the data rules,
    worded at display time as the gate words them"""
    return tuple(Problem(PROBLEM, BLOCKING, tuple(sorted(dict(
                        e.values, key=e.key, rule=e.rule_id).items())))
        for e in messages.explain_report(report))


def problem_text(problem):
    "The line of an e-invoice problem: what the gate would say"
    values = problem.as_dict()
    key, rule = values.pop('key'), values.pop('rule')
    return finding_text(messages.Explanation(
            rule, data_rules.DATA, key, '', '', values))
