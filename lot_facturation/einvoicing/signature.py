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
    def sign_pdfs(cls, invoices, pdfs):
        """Return pdfs (bytes by invoice id) signed with the certificate of
        each invoice's company; unchanged where there is none"""
        pool = Pool()
        Configuration = pool.get('account.configuration')
        signers, signed = {}, {}
        for invoice in invoices:
            if invoice.id not in pdfs:
                continue
            company = invoice.company
            if company.id not in signers:
                signers[company.id] = Configuration.get_signer(company)
            signer = signers[company.id]
            pdf = pdfs[invoice.id]
            if signer is not None:
                pdf = signature.sign_pdf(pdf, signer, signature.SignatureInfo(
                        reason=gettext(
                            'lot_facturation.msg_chorus_signature_reason',
                            number=invoice.number),
                        location=company.party.rec_name,
                        name=company.party.rec_name))
            signed[invoice.id] = pdf
        return signed

    @classmethod
    def _render_all(cls, Report, invoices):
        pdfs, errors = super()._render_all(Report, invoices)
        return cls.sign_pdfs(invoices, pdfs), errors
