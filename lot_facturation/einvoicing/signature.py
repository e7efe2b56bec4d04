# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Signed invoice PDFs (SPEC C2): the PDFs the send processing renders (and
so archives) are PAdES-signed when the company has a certificate."""
from trytond.i18n import gettext
from trytond.pool import Pool

from ..formats import signature


class InvoiceSignature:
    "PAdES-signed PDFs of customer invoices (C2)."
    __slots__ = ()

    @classmethod
    def pdf_signatures(cls, invoices):
        """(signer, SignatureInfo) by invoice id, for the invoices whose
        company signs its PDFs"""
        pool = Pool()
        Configuration = pool.get('account.configuration')
        signers, signatures = {}, {}
        for invoice in invoices:
            company = invoice.company
            if company.id not in signers:
                signers[company.id] = Configuration.get_signer(company)
            signer = signers[company.id]
            if signer is not None:
                signatures[invoice.id] = (signer, signature.SignatureInfo(
                        reason=gettext(
                            'lot_facturation.msg_chorus_signature_reason',
                            number=invoice.number),
                        location=company.party.rec_name,
                        name=company.party.rec_name))
        return signatures

    @classmethod
    def sign_pdfs(cls, invoices, pdfs):
        """Return pdfs (bytes by invoice id) signed with the certificate of
        each invoice's company; unchanged where there is none"""
        invoices = [i for i in invoices if i.id in pdfs]
        signatures = cls.pdf_signatures(invoices)
        signed = {}
        for invoice in invoices:
            pdf = pdfs[invoice.id]
            if invoice.id in signatures:
                pdf = signature.sign_pdf(pdf, *signatures[invoice.id])
            signed[invoice.id] = pdf
        return signed

    @classmethod
    def _render_all(cls, Report, invoices):
        pdfs, errors = super()._render_all(Report, invoices)
        return cls.sign_pdfs(invoices, pdfs), errors
