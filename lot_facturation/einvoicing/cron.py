# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"The scheduled reporting to the Approved Platform (SPEC P6, P7)."
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('account.invoice.pa_collection|emit_pending',
                    "Deposit the Pending 212 Statuses"),
                ('account.invoice.pa_report|deposit_due_cron',
                    "Deposit the Due E-Reporting"),
                ])
