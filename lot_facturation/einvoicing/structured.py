# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The structured invoice, checked before anything leaves (SPEC C1, F1).

``Invoice.structured_invoice()`` is the one way to the CII XML of an
invoice: the Factur-X print, the send through Chorus Pro, the Chorus Pro
export and the Plateforme Agréée channel all call it (or its bulk form
``check_structured``).  It renders the CII, runs the four validators
(Factur-X XSD, CEN EN 16931, Factur-X and BR-FR schematrons) and the
checks Chorus Pro adds, and returns the XML only when nothing is fatal.
A blocked invoice raises ``EInvoiceError``: one line per thing to fix,
naming the rule.  Warnings do not block; they are logged and returned.
"""
import logging
from dataclasses import dataclass, field

from trytond.pool import Pool
from trytond.transaction import Transaction

from ..common import einvoice
from ..exceptions import EInvoiceError
from ..validation import gate
from .edocument import FACTURX_TEMPLATE, UNCHECKED

logger = logging.getLogger(__name__)


@dataclass
class Structured:
    "The outcome of the gate for one invoice"
    invoice: int
    xml: bytes = field(default=None, repr=False)
    blocked: list = field(default_factory=list)  # translated lines
    warnings: list = field(default_factory=list)
    report: object = field(default=None, repr=False)

    @property
    def ok(self):
        return not self.blocked


class InvoiceStructured:
    "The validated CII XML of customer invoices (C1, F1)."
    __slots__ = ()

    def structured_invoice(self):
        """The CII XML the platforms accept, or raise EInvoiceError saying
        what to fix (the entry point of every structured channel)"""
        return self.structured_invoices([self])[self.id]

    @classmethod
    def structured_invoices(cls, invoices):
        """{invoice id: CII XML} of invoices checked together, or raise
        EInvoiceError for the first blocked one"""
        checked = cls.check_structured(invoices)
        for invoice in invoices:
            if not checked[invoice.id].ok:
                raise EInvoiceError(
                    invoice.blocked_message(checked[invoice.id]))
        return {i.id: checked[i.id].xml for i in invoices}

    def blocked_message(self, result):
        return einvoice.blocked_message(self.rec_name, result.blocked)

    @classmethod
    def check_structured(cls, invoices):
        "{invoice id: Structured}: the gate on each invoice, none raises"
        xmls = cls.render_ciis(invoices)
        return {i.id: i._check_structured(xmls[i.id]) for i in invoices}

    def _check_structured(self, xml):
        report = gate.validate(xml)
        facts = self.einvoice_facts()
        extra = einvoice.fact_report(facts, beyond_xml=True)
        report = gate.Report(extra.findings + report.findings,
            report.context)
        result = Structured(self.id, xml, einvoice.explain(report),
            einvoice.warnings(report), report)
        if result.warnings:
            logger.info("e-invoice %s: %s", self.number,
                '; '.join(result.warnings))
        if not result.ok:
            result.xml = None
        return result

    def render_cii(self):
        """The CII XML as the template renders it, NOT checked: for
        diagnostics only; what leaves goes through structured_invoice()"""
        return self.render_ciis([self])[self.id]

    @classmethod
    def render_ciis(cls, invoices):
        "{invoice id: CII XML} of invoices read together, NOT checked"
        EDocument = Pool().get('edocument.uncefact.invoice')
        for invoice in invoices:
            invoice.check_cii_renderable()
        documents = EDocument.of_invoices(invoices)
        with Transaction().set_context(**{UNCHECKED: True}):
            return {i.id: documents[i.id].render(FACTURX_TEMPLATE)
                for i in invoices}

    def einvoice_facts(self):
        "The data rules' view of the invoice (CHORUS-... checks)"
        return einvoice.facts(self.company, self.party, self.invoice_address,
            number=self.number, service_code=self.chorus_service_code,
            engagement=self.chorus_engagement)
