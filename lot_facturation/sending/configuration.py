# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"Per-company settings of invoice sending (SPEC S3, S4)."
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta

SEND_FIELDS = {
    'days_before_auto_send', 'auto_send_month_end_only', 'archive_invoices',
    'invoice_portal_url', 'late_payment_rate',
    }


def _days_before_auto_send():
    return fields.Integer(
        "NB_JOURS_AVANT_ENVOI_FACTURES",
        domain=['OR',
            ('days_before_auto_send', '=', None),
            ('days_before_auto_send', '>=', 0),
            ],
        help="Days after its creation before the nightly job sends "
        "an invoice that is ready to send.")


def _auto_send_month_end_only():
    return fields.Boolean(
        "Auto Send on Month End Only",
        help="The nightly job sends only on the last day of the month.")


def _archive_invoices():
    return fields.Boolean(
        "Archive Sent Invoices",
        help="Keep the PDF of every sent invoice as an attachment.")


def _invoice_portal_url():
    return fields.Char(
        "Customer Portal URL",
        help="Address given to the customers whose invoices are put "
        "on their customer space.")


def _late_payment_rate():
    return fields.Numeric(
        "Late Payment Rate", digits=(16, 2),
        help="Annual rate of the late payment penalties printed on the "
        "invoices, in percent.\n"
        "Leave empty to print the legal rate (ECB rate plus 10 points).")


class Configuration(metaclass=PoolMeta):
    __name__ = 'account.configuration'

    days_before_auto_send = fields.MultiValue(_days_before_auto_send())
    auto_send_month_end_only = fields.MultiValue(_auto_send_month_end_only())
    archive_invoices = fields.MultiValue(_archive_invoices())
    invoice_portal_url = fields.MultiValue(_invoice_portal_url())
    late_payment_rate = fields.MultiValue(_late_payment_rate())

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in SEND_FIELDS:
            return pool.get('account.configuration.invoice_send')
        return super().multivalue_model(field)

    @classmethod
    def default_auto_send_month_end_only(cls, **pattern):
        return False

    @classmethod
    def default_archive_invoices(cls, **pattern):
        return True


class ConfigurationInvoiceSend(ModelSQL, CompanyValueMixin):
    __name__ = 'account.configuration.invoice_send'

    days_before_auto_send = _days_before_auto_send()
    auto_send_month_end_only = _auto_send_month_end_only()
    archive_invoices = _archive_invoices()
    invoice_portal_url = _invoice_portal_url()
    late_payment_rate = _late_payment_rate()

    @classmethod
    def default_auto_send_month_end_only(cls):
        return False

    @classmethod
    def default_archive_invoices(cls):
        return True
