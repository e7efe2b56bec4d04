# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"The nightly automatic sending of ready invoices (SPEC S4)."
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('account.invoice|fetch_pa_statuses_cron',
                "Fetch the Approved Platform's Statuses"))
        cls.method.selection.append(
            ('account.invoice|send_ready_invoices', "Send Ready Invoices"))
