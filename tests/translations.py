"""The module's translations as Tryton itself exports them.

Used by ``test_i18n.py`` and ``scripts/update_po.py``.  Rather than parsing
our sources, we ask Tryton: on a test database with the module activated and
French loaded, the wizards ``trytond-admin --export-translations`` runs ("Set Translations"
for views and reports, "Clean Translations", "Update Translations" for the
language, then the export) yield every translatable string of the module
(fields, help, selections, views, wizard buttons, messages, menus, actions,
groups, sequence types...) with its French text, if any.

The database set-up is cached by Tryton's ``DB_CACHE`` like any scenario.
"""
import polib
from proteus import Model, Wizard

from trytond.ir.translation import TrytonPOFile
from trytond.tests.test_tryton import drop_db
from trytond.tests import tools

MODULE = 'lot_facturation'


def prepare_translations(config, lang='fr'):
    "Load the language and build its translation records like an admin."
    Lang = Model.get('ir.lang')
    language, = Lang.find([('code', '=', lang)])
    Lang.click([language], 'load_translations')
    # The steps of `trytond-admin --export-translations`: set (views and
    # reports), clean (strings that no longer exist), update (language).
    Wizard('ir.translation.set').execute('set_')
    Wizard('ir.translation.clean').execute('clean')
    update = Wizard('ir.translation.update')
    update.form.language = language
    update.execute('update')


def export_po(lang='fr', module=MODULE):
    "Return Tryton's export of the module's translations as a PO file."
    assert lang == 'fr', "prepare_translations is only cached for fr"
    try:
        tools.activate_modules(module, prepare_translations)
        Lang = Model.get('ir.lang')
        Module = Model.get('ir.module')
        export = Wizard('ir.translation.export')
        export.form.language, = Lang.find([('code', '=', lang)])
        export.form.module, = Module.find([('name', '=', module)])
        export.execute('export')
        content = export.form.file or b''
    finally:
        drop_db()
    return polib.pofile(content.decode('utf-8'), klass=TrytonPOFile,
        wrapwidth=78)


def is_translated(entry):
    "Whether the entry has a French text that Tryton would use."
    if 'fuzzy' in entry.flags:  # Tryton ignores fuzzy translations
        return False
    if entry.msgid_plural:
        return all(entry.msgstr_plural.values()) and bool(entry.msgstr_plural)
    return bool(entry.msgstr)


def untranslated(pofile):
    return [e for e in pofile if not e.obsolete and not is_translated(e)]


def describe(entry):
    return f'{entry.msgctxt}  {entry.msgid!r}'
