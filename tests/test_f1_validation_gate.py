"""F1: the e-invoice validation gate (XSD, CEN EN 16931, Factur-X, BR-FR).

No Tryton database: the invoices are built by ``tools_cii`` and the four
validators run in the test itself.
"""
import datetime
import multiprocessing
import re
import threading
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from trytond.modules.lot_facturation.validation import gate, messages
from trytond.modules.lot_facturation.validation.schematron import (
    Finding, Schematron)

from tools_cii import (
    NSMAP, Line, cii_xml, credit_note, sample_invoice)


@pytest.fixture(scope='module', autouse=True)
def compiled():
    "Compile the stylesheets once for the module (about a second each)"
    gate.warm_up()


def seller(**values):
    return lambda i: replace(i, seller=replace(i.seller, **values))


def buyer(**values):
    return lambda i: replace(i, buyer=replace(i.buyer, **values))


def invoice(**values):
    return lambda i: replace(i, **values)


def without_note(code):
    return lambda i: replace(i, notes={
            k: v for k, v in i.notes.items() if k != code})


def line(index=0, **values):
    def mutate(i):
        lines = list(i.lines)
        lines[index] = replace(lines[index], **values)
        return replace(i, lines=lines)
    return mutate


def in_xml(path, edit):
    "Change the built XML: edit(element) for each element at path"
    def mutate(xml):
        tree = etree.fromstring(xml)
        for element in tree.xpath(path, namespaces=NSMAP):
            edit(element)
        return etree.tostring(tree)
    mutate.on_xml = True
    return mutate


def remove(element):
    element.getparent().remove(element)


def split_vat_breakdown(element):
    "Two VAT breakdowns at 20 %: the same basis cut in two"
    copy = etree.fromstring(etree.tostring(element))
    for tag in ('CalculatedAmount', 'BasisAmount'):
        half = Decimal(element.find('ram:' + tag, NSMAP).text) / 2
        for tax in (element, copy):
            tax.find('ram:' + tag, NSMAP).text = format(
                half.quantize(Decimal('0.01')), 'f')
    element.addnext(copy)


def line_exemption(element):
    "The exemption reason on a line (allowed at header level only)"
    reason = etree.SubElement(element, '{%s}ExemptionReason' % NSMAP['ram'])
    reason.text = "Exonération de TVA, article 261 du CGI"
    element.find('ram:TypeCode', NSMAP).addnext(reason)


HEADER_TAX = ('//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax')
EXEMPT_LINE = Line("Formation professionnelle", Decimal('1'),
    Decimal('300.00'), Decimal('0'), category='E')

# (name, change of the valid invoice, rule ids that must block it)
MUTATIONS = [
    ("credit transfer without the seller's IBAN",
        invoice(iban=None), {'CII-SR-470'}),
    ("two VAT breakdowns at one rate",
        in_xml(HEADER_TAX, split_vat_breakdown), {'BR-S-08'}),
    ("negative net price (discount line)",
        line(2, unit_price=Decimal('-18.40')), {'BR-27', 'BR-FR-DEC-03'}),
    ("no BT-23 billing framework",
        invoice(business_process=None), {'BR-FR-08'}),
    ("BT-23 not in the French list",
        invoice(business_process='A1'), {'BR-FR-08'}),
    ("no buyer electronic address (BT-49)",
        buyer(electronic_address=None), {'BR-FR-12', 'BR-FR-21'}),
    ("buyer electronic address not SIREN-based",
        buyer(electronic_address='compta@martin.example'),
        {'BR-FR-21', 'BR-FR-23'}),
    ("no seller electronic address (BT-34)",
        seller(electronic_address=None), {'BR-FR-13'}),
    ("credit note without the credited invoice",
        lambda i: replace(credit_note(i), preceding=None), {'BR-FR-CO-05'}),
    ("no note PMT (recovery indemnity)",
        without_note('PMT'), {'BR-FR-05'}),
    ("no note PMD (late-payment penalties)",
        without_note('PMD'), {'BR-FR-05'}),
    ("no note AAB (discount)", without_note('AAB'), {'BR-FR-05'}),
    ("note PMD twice",
        lambda i: replace(i, notes=dict(i.notes, **{'PMD#2': "Bis"})),
        {'BR-FR-06'}),
    ("seller without SIREN",
        seller(siren=None), {'BR-FR-10'}),
    ("B2B buyer without SIREN",
        buyer(siren=None), {'BR-FR-11'}),
    ("invoice number longer than 35 characters",
        invoice(number='F' * 36), {'BR-FR-01'}),
    ("invoice number with a space",
        invoice(number='F 2026 42'), {'BR-FR-02'}),
    ("due date before the invoice date",
        invoice(due_date=datetime.date(2026, 11, 1)), {'BR-FR-CO-07'}),
    ("VAT rate that does not exist in France",
        lambda i: replace(i, lines=[replace(l, vat_rate=Decimal('19'))
                for l in i.lines]), {'BR-FR-16'}),
    ("exempt line without exemption reason",
        lambda i: replace(i, lines=i.lines + [EXEMPT_LINE]), {'BR-E-10'}),
    ("exemption reason at line level",
        in_xml('//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax',
            line_exemption), {'FX-PROFILE'}),
    ("country code outside ISO 3166",
        buyer(country='XX'), {'BR-CL-14'}),
    ("amount with three decimals",
        in_xml('//ram:DuePayableAmount',
            lambda e: setattr(e, 'text', e.text + '1')),
        {'BR-DEC-18', 'BR-FR-DEC-01'}),
    ("grand total that is not net + VAT",
        in_xml('//ram:GrandTotalAmount',
            lambda e: setattr(e, 'text', '1.00')), {'BR-CO-15'}),
    ("total that is not a number (a stylesheet's dynamic error)",
        in_xml('//ram:GrandTotalAmount', lambda e: setattr(e, 'text', 'abc')),
        {'XSD', 'XSLT'}),
    ("element out of the XSD order",
        in_xml('//ram:ApplicableHeaderTradeSettlement/ram:PaymentReference',
            lambda e: e.getparent().append(e)), {'XSD'}),
    ]


def mutated(change):
    if getattr(change, 'on_xml', False):
        return change(cii_xml(sample_invoice()))
    return cii_xml(change(sample_invoice()))


def test_f1_valid_french_invoice_passes_the_four_validators():
    report = gate.validate(cii_xml(sample_invoice()))
    assert report.fatal == []
    assert report.warnings == []
    assert report.ok


def test_f1_valid_credit_note_passes_the_four_validators():
    report = gate.validate(cii_xml(credit_note(sample_invoice())))
    assert report.fatal == []
    assert report.ok


@pytest.mark.parametrize('name,change,rules', MUTATIONS,
    ids=[m[0] for m in MUTATIONS])
def test_f1_gate_blocks_broken_rule(name, change, rules):
    report = gate.validate(mutated(change))
    assert not report.ok
    assert rules <= set(report.fatal_rules()), report.fatal_rules()


def test_f1_warning_is_shown_not_blocking():
    "An empty element is a Factur-X warning (PEPPOL-EN16931-R008)"
    report = gate.validate(mutated(invoice(delivery_date=None)))
    assert report.ok
    assert [f.rule_id for f in report.warnings] == ['PEPPOL-EN16931-R008']


def test_f1_not_xml_is_blocked():
    report = gate.validate(b'<rsm:CrossIndustryInvoice')
    assert report.fatal_rules() == ['XML']


# (change, message key, words the accountant must read)
EXPLAINED = [
    (invoice(iban=None), 'seller_iban',
        ["Cabinet Dupont Expertise", "IBAN"]),
    (buyer(siren=None), 'buyer_siren', ["Boulangerie Martin SARL", "SIREN"]),
    (buyer(electronic_address=None), 'buyer_electronic_address',
        ["Boulangerie Martin SARL", "0225"]),
    (seller(siren=None), 'seller_siren', ["Cabinet Dupont Expertise"]),
    (without_note('PMT'), 'note_recovery_indemnity', ["F2026-00042", "40"]),
    (invoice(business_process=None), 'billing_framework', ["S1", "B1"]),
    (lambda i: replace(credit_note(i), preceding=None), 'credited_invoice',
        ["A2026-00007"]),
    (line(0, unit_price=Decimal('-1')), 'unit_price', ["negative"]),
    (invoice(number='F 2026'), 'invoice_number', ["F 2026", "35"]),
    ]


@pytest.mark.parametrize('change,key,words', EXPLAINED,
    ids=[e[1] for e in EXPLAINED])
def test_f1_blocked_message_names_what_to_fix(change, key, words):
    explanations = messages.explain_report(gate.validate(mutated(change)))
    by_key = {e.key: e for e in explanations}
    assert key in by_key, [e.key for e in explanations]
    explanation = by_key[key]
    assert explanation.field
    for word in words:
        assert word in explanation.text


def test_f1_one_message_per_fix():
    "The same rule seen by CEN and Factur-X gives one message"
    explanations = messages.explain_report(
        gate.validate(mutated(invoice(iban=None))))
    assert [e.key for e in explanations] == ['seller_iban']


def test_f1_unknown_rule_message_names_rule_and_validator_text():
    finding = Finding('br-fr', 'BR-FR-99_BT-1', 'fatal', "Texte du contrôle")
    explanation = messages.explain(finding, {'invoice': 'F1'})
    assert explanation.key == 'rule_failed'
    assert 'BR-FR-99_BT-1' in explanation.text
    assert 'Texte du contrôle' in explanation.text


def test_f1_every_message_fills_its_placeholders():
    finding = Finding('cen', 'BR-00', 'fatal', "detail")
    context = {'invoice': 'F1', 'seller': 'S', 'buyer': 'B'}
    for rule_id, entry in messages.RULES.items():
        explanation = messages.explain(replace(finding, rule_id=rule_id),
            context)
        assert explanation.key == entry.key
        assert '%(' not in explanation.text, rule_id


def test_f1_versions_name_the_artefacts_the_gate_runs():
    versions = {v.name: v for v in gate.versions()}
    assert list(versions) == ['xsd', 'cen', 'facturx', 'br-fr']
    readme = (Path(gate.CEN_PATH).parent / 'README.md').read_text()
    release = re.search(r'Validation release \| \*\*([0-9.]+)\*\*', readme)
    assert versions['cen'].version.startswith(release.group(1) + ' ')
    assert versions['cen'].sha256 in readme
    for version in versions.values():
        assert '?' not in version.version, version


def _original(schematron):
    "The same stylesheet compiled from its file, without our rewrites"
    return Schematron(schematron.name + '-original', schematron.path,
        default_rule=schematron.default_rule, optimise=False)


def test_f1_rewritten_stylesheets_report_what_the_originals_report():
    "Dropping idle walks and parsing the codedb once change no finding"
    documents = [cii_xml(sample_invoice())] + [
        mutated(change) for _, change, _ in MUTATIONS]
    for schematron in gate.SCHEMATRONS:
        assert schematron.rewrites, schematron.name
        original = _original(schematron)
        for xml in documents:
            assert _comparable(schematron.validate(xml)) == _comparable(
                original.validate(xml))


def _comparable(findings):
    "A dynamic error's text names its line in the stylesheet: leave it out"
    return [(f.rule_id, f.flag, '' if f.rule_id == 'XSLT' else f.text,
            f.location) for f in findings]


def _fatal_rules(xml):
    return gate.validate(xml).fatal_rules()


def test_f1_gate_from_several_threads():
    documents = [mutated(change) for _, change, _ in MUTATIONS[:8]]
    expected = [_fatal_rules(xml) for xml in documents]
    results = {}

    def run(index):
        results[index] = [_fatal_rules(xml) for xml in documents]
    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {i: expected for i in range(4)}


def test_f1_gate_in_a_forked_worker():
    "Queue workers fork after the parent compiled the stylesheets"
    documents = [mutated(change) for _, change, _ in MUTATIONS[:4]]
    expected = [_fatal_rules(xml) for xml in documents]
    with multiprocessing.get_context('fork').Pool(1) as pool:
        assert pool.map(_fatal_rules, documents) == expected


FIRST_USE_IN_A_THREAD = '''
import sys, threading
sys.path.insert(0, {tests!r})
import test_f1_validation_gate as g
from trytond.modules.lot_facturation.validation import pa_documents
results = []
def run():
    results.append(g._fatal_rules(g.mutated(g.MUTATIONS[0][1])))
threads = [threading.Thread(target=run) for _ in range(3)]
[t.start() for t in threads]
[t.join() for t in threads]
assert len(set(map(tuple, results))) == 1, results
print('validated', len(results))
'''


def test_f1_first_validation_in_a_server_thread_and_exit():
    """A server's first invoice may be validated in a request thread (8 MB
    stack), and the process must exit cleanly after: Saxon stops the whole
    process on either fault, so this runs in a process of its own"""
    import subprocess
    import sys
    script = FIRST_USE_IN_A_THREAD.format(
        tests=str(Path(__file__).resolve().parent))
    result = subprocess.run([sys.executable, '-c', script],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'validated 3' in result.stdout
