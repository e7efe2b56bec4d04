# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"Errors and warnings of the invoice send processing."
from trytond.exceptions import UserError, UserWarning


class SendError(UserError):
    pass


class SendWarning(UserWarning):
    pass
