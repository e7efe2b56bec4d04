# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Factur-X PDF/A-3 with the `factur-x` library (SPEC C1).

Pure functions: bytes in, bytes out.  The XML is checked against the
official Factur-X EN 16931 XSD before being embedded; an invalid XML
raises ``FacturXError`` (never a silently invalid invoice).
"""
import io
import logging

import facturx

GUIDELINE_EN16931 = 'urn:cen.eu:en16931:2017'
FLAVOR = 'factur-x'
LEVEL = 'en16931'
XML_FILENAME = 'factur-x.xml'

# The library logs every step at INFO
logging.getLogger('factur-x').setLevel(logging.WARNING)


class FacturXError(Exception):
    "The CII XML does not pass the Factur-X XSD"


def check_xml(xml):
    "Raise FacturXError unless xml passes the Factur-X EN 16931 XSD"
    try:
        facturx.xml_check_xsd(xml, flavor=FLAVOR, level=LEVEL)
    except Exception as exception:
        raise FacturXError(str(exception)) from exception


def embed(pdf, xml, title='', author='', subject='', lang='fr-FR'):
    """Return the PDF/A-3 pdf with xml embedded as factur-x.xml.

    pdf should already be PDF/A (output intent, embedded fonts): the
    library adds the attachment and the Factur-X XMP metadata."""
    check_xml(xml)
    return facturx.generate_from_binary(
        pdf, xml, flavor=FLAVOR, level=LEVEL, check_xsd=False,
        pdf_metadata={
            'author': author, 'keywords': 'Factur-X, facture',
            'title': title, 'subject': subject,
            },
        lang=lang)


def extract(pdf):
    "Return (filename, xml bytes) embedded in a Factur-X PDF"
    filename, xml = facturx.get_facturx_xml_from_pdf(
        io.BytesIO(pdf), check_xsd=False)
    return filename, xml
