"""Checks of the XML we send to a PA: pyfrctc's XSD and official schematrons.

CDAR lifecycle messages and e-reporting (SPEC P4-P6).

pyfrctc checks the XSD itself (``check_cdar_xsd``, ``check_ereporting_xsd``)
but runs schematrons through an external Saxon HTTP server, and silently skips
them when that server is not reachable.  We run the same XSLT files, the ones
shipped inside pyfrctc, locally with saxonche through ``schematron`` (the
one Saxon runner of the module), so a document is never sent unchecked.
"""
import importlib.resources
import re
from dataclasses import dataclass

import pyfrctc
from lxml import etree

from .schematron import Schematron

CDAR_XSLT = 'cdar-schematron/BR-FR-CDV-Schematron-CDAR.xslt'
EREPORTING_XSLT = 'frr-schematron/Flux10.xslt'
_RULE = re.compile(r'\[([A-Z0-9][A-Za-z0-9_./-]*)')
# fnfempe/France_RFE#60 (open): the Flux 10 schematron applies G1.16 ("no
# negative sign") to collected amounts TT-95/TT-99, although rule G7.07 and
# XP Z12-014 (case 43) require negative amounts to correct a collection.
_NEGATIVE_COLLECTION = re.compile(r'^-\d{1,19}(\.\d{1,6})?$')
_COLLECTION_AMOUNT = re.compile(
    r'^/Report\[1\]/PaymentsReport\[1\]/(Invoice|Transactions)\[\d+\]'
    r'/Payment\[1\]/SubTotals\[\d+\]/Amount\[1\]$')


@dataclass(frozen=True)
class Finding:
    "One failed rule of a schematron (or the XSD)."
    rule: str
    flag: str
    location: str
    text: str

    def __str__(self):
        return f'{self.rule}: {self.text} ({self.location})'


class XMLInvalid(ValueError):
    "The document breaks the official XSD or schematron: nothing is sent."

    def __init__(self, kind, findings):
        self.kind = kind
        self.findings = tuple(findings)
        super().__init__(
            f'{kind} is not valid: '
            + '; '.join(str(f) for f in self.findings))


def _schematron(relpath):
    "pyfrctc's stylesheet at relpath, compiled once per process."
    if relpath not in _SCHEMATRONS:
        path = importlib.resources.files('pyfrctc').joinpath(relpath)
        _SCHEMATRONS[relpath] = Schematron(
            relpath, str(path), optimise=False,
            default_rule=lambda text: (
                _RULE.match(text).group(1) if _RULE.match(text) else '?'))
    return _SCHEMATRONS[relpath]


_SCHEMATRONS = {}


def schematron_findings(relpath, xml_bytes):
    "Failed asserts and reports of pyfrctc's schematron at ``relpath``."
    return [Finding(rule=f.rule_id, flag=f.flag, location=f.location,
            text=f.text) for f in _schematron(relpath).validate(xml_bytes)]


def _fatal(findings):
    return [f for f in findings if f.flag == 'fatal']


def _xsd(check, kind, xml_bytes):
    try:
        check(xml_bytes)
    except Exception as error:  # pyfrctc raises a bare Exception
        raise XMLInvalid(kind, [Finding('XSD', 'fatal', '', str(error))])


def check_cdar(xml_bytes):
    "Raise XMLInvalid unless the CDAR passes the CDAR XSD and BR-FR-CDV rules."
    _xsd(pyfrctc.check_cdar_xsd, 'CDAR', xml_bytes)
    fatal = _fatal(schematron_findings(CDAR_XSLT, xml_bytes))
    if fatal:
        raise XMLInvalid('CDAR', fatal)


def _known_false_positive(finding, tree):
    "G1.16 on a well-formed negative collected amount (France_RFE#60)."
    if finding.rule != 'G1.16' or not _COLLECTION_AMOUNT.match(
            finding.location):
        return False
    try:
        nodes = tree.xpath(finding.location)
    except etree.XPathError:
        return False
    return bool(nodes) and bool(
        _NEGATIVE_COLLECTION.match((nodes[0].text or '').strip()))


def check_ereporting(xml_bytes):
    "Raise XMLInvalid unless the e-reporting passes the XSD and Flux 10 rules."
    _xsd(pyfrctc.check_ereporting_xsd, 'E-reporting', xml_bytes)
    tree = etree.fromstring(xml_bytes)
    fatal = [f for f in _fatal(schematron_findings(EREPORTING_XSLT, xml_bytes))
        if not _known_false_positive(f, tree)]
    if fatal:
        raise XMLInvalid('E-reporting', fatal)
