#!/usr/bin/env python3
"""Run the validation gate on the CII the module produces, shape by shape.

Creates, in a fresh SQLite test database, the invoices of every shape of
issue 10 (``tests/tools_einvoice_shapes.py``) through the module's own path
(``Invoice.facturx_xml()``, used by the Factur-X print, the send and the
Chorus export), twice: with the test world's data as the tests create it,
then "complete" (the company's IBAN, the customers' SIREN, the legal
notices of the exempt taxes: fields Tryton already has).  Writes each XML
and the gate's findings to OUT and prints the table of blocking rules that
docs/einvoicing.md shows.

Usage: .venv/bin/python scripts/einvoice_shapes.py [OUT]   (/tmp/einvoice)
"""
import json
import os
import pathlib
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
if 'DB_NAME' not in os.environ:
    os.environ['DB_NAME'] = 'einvoice_shapes'
    os.environ['TRYTOND_DATABASE__URI'] = 'sqlite://'
    os.environ['TRYTOND_DATABASE__PATH'] = tempfile.mkdtemp(
        prefix='einvoice-shapes-')
sys.path.insert(0, str(HERE.parent / 'tests'))
import conftest  # noqa: E402,F401  (sets DB_CACHE like the tests)

from tools_einvoice_shapes import shape_xmls  # noqa: E402
from tools_send import committed_database, setup_company  # noqa: E402
from trytond.modules.lot_facturation.validation import (  # noqa: E402
    gate, messages)


def produce():
    env = setup_company()
    return {'plain': shape_xmls(env), 'complete': shape_xmls(env, True)}


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '/tmp/einvoice')
    out.mkdir(parents=True, exist_ok=True)
    with committed_database() as run:
        xmls = run(produce)
    table = {}
    for variant, shapes in xmls.items():
        for name, xml in shapes.items():
            (out / ('%s-%s.xml' % (name, variant))).write_bytes(xml)
            report = gate.validate(xml)
            table.setdefault(name, {})[variant] = report.fatal_rules()
            (out / ('%s-%s.json' % (name, variant))).write_text(json.dumps([
                        dict(vars(f), message=messages.message(f).key)
                        for f in report.findings], indent=1,
                    ensure_ascii=False))
    print('| shape | blocking rules (test data) | blocking rules '
        '(complete data) |')
    print('|---|---|---|')
    for name, row in table.items():
        print('| %s | %s | %s |' % (name, ', '.join(row['plain']) or '—',
                ', '.join(row['complete']) or '—'))


if __name__ == '__main__':
    main()
