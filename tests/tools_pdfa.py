"""What PDF/A readers check in a PDF's metadata: the XMP's PDF/A
identification and properties, and the Info dictionary, which PDF/A-3
wants equal to the XMP (ISO 19005-3 6.6.2.3.1)."""
import datetime as dt
import io
import re

import pypdf
from lxml import etree

NS = {
    'rdf': 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
    'dc': 'http://purl.org/dc/elements/1.1/',
    'xmp': 'http://ns.adobe.com/xap/1.0/',
    'pdf': 'http://ns.adobe.com/pdf/1.3/',
    'pdfaid': 'http://www.aiim.org/pdfa/ns/id/',
    'fx': 'urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#',
    }
PREFIXES = {uri: prefix for prefix, uri in NS.items()}
# Info entry: the XMP property PDF/A pairs it with
INFO_XMP = {'/Title': 'dc:title', '/Author': 'dc:creator',
    '/Subject': 'dc:description', '/Keywords': 'pdf:Keywords',
    '/Creator': 'xmp:CreatorTool', '/Producer': 'pdf:Producer',
    '/CreationDate': 'xmp:CreateDate', '/ModDate': 'xmp:ModifyDate'}


def xmp(pdf):
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return reader.trailer['/Root']['/Metadata'].get_object(
        ).get_data().decode('utf-8')


def _name(tag):
    uri, local = tag[1:].split('}')
    return '%s:%s' % (PREFIXES.get(uri, uri), local)


def xmp_fields(pdf):
    """{'prefix:Name': value} of the document's XMP properties, written as
    elements (Typst, factur-x) or as attributes (pyHanko); a list's first
    item; the extension schemas' own descriptions left out"""
    tree = etree.fromstring(xmp(pdf).encode('utf-8'))
    fields = {}
    for description in tree.iterfind('rdf:RDF/rdf:Description', NS):
        for key, value in description.attrib.items():
            if key.startswith('{'):
                fields[_name(key)] = value
        for element in description:
            item = element.find('.//rdf:li', NS)
            value = element.text if item is None else item.text
            fields[_name(element.tag)] = (value or '').strip()
    return fields


def pdfa_id(pdf):
    "(part, conformance) of the XMP's PDF/A identification"
    fields = xmp_fields(pdf)
    return fields.get('pdfaid:part'), fields.get('pdfaid:conformance')


def _pdf_date(value):
    "D:20261201231746+00'00' as the XMP writes it"
    match = re.match(r"D:(\d{14})(Z|[+-]\d\d'\d\d'?)?", value)
    date = dt.datetime.strptime(match.group(1), '%Y%m%d%H%M%S')
    zone = (match.group(2) or 'Z').replace("'", '')
    if zone != 'Z':
        zone = zone[:3] + ':' + zone[3:5]
    return date.isoformat() + ('+00:00' if zone == 'Z' else zone)


def info_as_xmp(pdf):
    "{XMP property: value} of the Info dictionary's entries"
    info = pypdf.PdfReader(io.BytesIO(pdf)).trailer.get('/Info')
    info = info.get_object() if info is not None else {}
    return {INFO_XMP[key]: _pdf_date(str(value)) if key.endswith('Date')
        else str(value) for key, value in info.items() if key in INFO_XMP}
