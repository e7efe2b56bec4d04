"""What the web client (sao) needs from our views, checked on the server.

sao has no tree column for ``datetime`` fields: a list showing one without
``widget="date"`` or ``widget="time"`` does not open at all ("ColumnFactory
is not a constructor").  Its progress bar multiplies the value by 100, so
the field it shows must be a fraction with at least two decimals.
"""
import unittest

from lxml import etree

from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import activate_module, with_transaction


class WebViewsTestCase(unittest.TestCase):
    "Views of lot_facturation as the web client reads them"

    @classmethod
    def setUpClass(cls):
        activate_module('lot_facturation')

    @with_transaction()
    def test_tree_views_open_in_web_client(self):
        "Every list showing a date-time gives it a date or time widget"
        pool = Pool()
        View = pool.get('ir.ui.view')
        broken = []
        for view in View.search([('type', '=', 'tree')]):
            Model = pool.get(view.model)
            result = Model.fields_view_get(view_id=view.id)
            arch = etree.fromstring(result['arch'])
            for node in arch.iter('field'):
                field = result['fields'].get(node.get('name'), {})
                if (field.get('type') in {'datetime', 'timestamp'}
                        and not node.get('widget')):
                    broken.append(f"{view.module}.{view.name}: "
                        f"{view.model}.{node.get('name')}")
        self.assertEqual(broken, [])

    @with_transaction()
    def test_progress_bars_show_percent(self):
        "A progress bar's field is a fraction with two decimals or more"
        pool = Pool()
        View = pool.get('ir.ui.view')
        wrong = []
        for view in View.search([('module', '=', 'lot_facturation')]):
            if not view.model:
                continue
            Model = pool.get(view.model)
            result = Model.fields_view_get(view_id=view.id)
            arch = etree.fromstring(result['arch'])
            for node in arch.iter('field'):
                if node.get('widget') != 'progressbar':
                    continue
                field = result['fields'][node.get('name')]
                digits = field.get('digits')
                if isinstance(digits, str):
                    digits = PYSONDecoder().decode(digits)
                if field['type'] != 'float' or not digits or digits[1] < 2:
                    wrong.append(f"{view.name}: {node.get('name')}")
        self.assertEqual(wrong, [])
