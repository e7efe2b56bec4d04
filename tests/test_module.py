"Tryton's generic module checks (views, depends, access, translations)."
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class LotFacturationTestCase(CompanyTestMixin, ModuleTestCase):
    "Generic checks of the lot_facturation module"
    module = 'lot_facturation'


del ModuleTestCase
