# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"The control report (rapport de contrôle) of a batch preview (B4)."
from trytond.modules.company import CompanyReport
from trytond.pool import Pool


class BatchControlReport(CompanyReport):
    __name__ = 'account.invoice.batch.control'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Lang = pool.get('ir.lang')
        context = super().get_context(records, header, data)
        context['lang'] = Lang.get()
        return context
