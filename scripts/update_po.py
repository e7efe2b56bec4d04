#!/usr/bin/env python3
"""Refresh lot_facturation/locale/fr.po from the module itself.

    .venv/bin/python scripts/update_po.py [--check]

Why: translators should only ever fill in French text, never hunt for the
strings.  The module is activated on a temporary SQLite database with French
loaded (cached like the tests), Tryton's own "Set / Update / Export
Translations" wizards produce the PO file, French texts already in fr.po are
kept, entries of strings that no longer exist are dropped, and the file is
written sorted as Tryton writes it.  Strings that still lack French are
printed; ``--check`` also exits 1 when there are some.  Untranslated strings
that Tryton already translates elsewhere come with its text, flagged
``#, fuzzy``: check it, then remove the flag.
"""
import argparse
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PO_PATH = ROOT / 'lot_facturation' / 'locale' / 'fr.po'

# A throwaway in-memory SQLite database, whatever the shell says.
sys.path.insert(0, str(ROOT / 'tests'))
os.environ['TRYTOND_DATABASE__URI'] = 'sqlite://'
os.environ.pop('TRYTOND_DATABASE_URI', None)
os.environ['DB_NAME'] = ':memory:'

import db_cache  # noqa: E402

os.environ.setdefault('DB_CACHE', str(db_cache.cache_folder()))

import polib  # noqa: E402

import world  # noqa: E402
import translations  # noqa: E402


def merge(exported, current):
    "Keep the French texts of ``current`` that the export lacks."
    known = {(e.msgctxt, e.msgid): e for e in current if not e.obsolete}
    for entry in exported:
        old = known.pop((entry.msgctxt, entry.msgid), None)
        if (old is not None and translations.is_translated(old)
                and not translations.is_translated(entry)):
            entry.msgstr = old.msgstr
            entry.msgstr_plural = dict(old.msgstr_plural)
            entry.flags = [f for f in entry.flags if f != 'fuzzy']
    return list(known.values())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--check', action='store_true',
        help="exit 1 when strings lack a French translation")
    args = parser.parse_args(argv)

    world.install()
    exported = translations.export_po('fr')
    current = (polib.pofile(str(PO_PATH)) if PO_PATH.exists() else [])
    dropped = merge(exported, current)
    exported.sort()
    exported.save(str(PO_PATH))

    print(f"{PO_PATH.relative_to(ROOT)}: {len(exported)} entries")
    for entry in dropped:
        print(f"  dropped (no longer in the module): "
            f"{translations.describe(entry)}")
    missing = translations.untranslated(exported)
    if missing:
        print(f"{len(missing)} string(s) still lack French:")
        for entry in missing:
            fuzzy = ' (fuzzy suggestion)' if 'fuzzy' in entry.flags else ''
            print(f"  {translations.describe(entry)}{fuzzy}")
    else:
        print("French translation complete.")
    return 1 if (args.check and missing) else 0


if __name__ == '__main__':
    sys.exit(main())
