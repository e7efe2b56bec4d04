"""B4, F1: the preview's data rules name the rule the validators give.

The batch preview blocks a proposal with ``validation.data_rules`` before
any XML exists; its words are the gate's only if each data rule carries
the very rule id the official validators report for the same defect.  No
Tryton database: the invoices are built by ``tools_cii``.
"""
from dataclasses import replace

import pytest

from trytond.modules.lot_facturation.validation import data_rules, gate

from tools_cii import cii_xml, sample_invoice


def facts(invoice):
    "What the preview knows of the invoice to be"
    def party(p):
        return data_rules.Party(p.name, siren=p.siren or '',
            electronic_address=p.electronic_address or '',
            electronic_scheme=p.address_scheme if p.electronic_address
            else '')
    return data_rules.Facts(party(invoice.seller), party(invoice.buyer),
        payment_means=invoice.payment_means, seller_iban=bool(invoice.iban),
        number=invoice.number)


def seller(**values):
    return lambda i: replace(i, seller=replace(i.seller, **values))


def buyer(**values):
    return lambda i: replace(i, buyer=replace(i.buyer, **values))


# (defect, change of the valid invoice, data rule ids)
CASES = [
    ("number longer than 35 characters",
        lambda i: replace(i, number='F' * 36), ['BR-FR-01_BT-1']),
    ("number with a space",
        lambda i: replace(i, number='F 2026 42'), ['BR-FR-02_BT-1']),
    ("credit transfer without IBAN",
        lambda i: replace(i, iban=None, bic=None), ['CII-SR-470']),
    ("seller without SIREN", seller(siren=None), ['BR-FR-10_BT-30']),
    ("seller without electronic address",
        seller(electronic_address=None), ['BR-FR-13_BT-34']),
    ("buyer without SIREN", buyer(siren=None), ['BR-FR-11_BT-47']),
    ("buyer without electronic address",
        buyer(electronic_address=None), ['BR-FR-12_BT-49']),
    ("buyer address not starting with its SIREN",
        buyer(electronic_address='552100554'), ['BR-FR-21_BT-49']),
    ]


def test_f1_valid_invoice_passes_data_rules_and_validators():
    invoice = sample_invoice()
    assert data_rules.check(facts(invoice)) == []
    assert gate.validate(cii_xml(invoice)).fatal == []


@pytest.mark.parametrize('name, change, rule_ids', CASES,
    ids=[c[0] for c in CASES])
def test_f1_data_rule_is_the_validators_rule(name, change, rule_ids):
    invoice = change(sample_invoice())
    found = [f.rule_id for f in data_rules.check(facts(invoice))]
    assert found == rule_ids
    fatal = {f.rule_id for f in gate.validate(cii_xml(invoice)).fatal}
    assert set(found) <= fatal, fatal
