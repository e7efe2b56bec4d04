"""French must stay complete: every string of the module is translated.

The users are French-speaking accountants (SPEC: UI language).  Fix a
failure with ``make update-po``, then translate the listed entries in
``lot_facturation/locale/fr.po`` (and remove any ``#, fuzzy`` flag once the
suggested text is checked).
"""
import pytest

from translations import describe, export_po, untranslated


def test_fr_po_complete():
    missing = untranslated(export_po('fr'))
    if missing:
        pytest.fail(
            f"{len(missing)} string(s) of lot_facturation lack a French "
            "translation in lot_facturation/locale/fr.po "
            "(run `make update-po`, then translate them):\n"
            + '\n'.join(describe(e) for e in missing), pytrace=False)
