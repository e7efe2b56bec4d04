# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"Scheduled tasks of batch invoicing (each one inactive or daily)."
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('sale.subscription.schedule|update_states',
                    "Update Billing Schedules"),
                ('account.invoice.batch|run_scheduled',
                    "Run Scheduled Invoice Batches"),
                ])
