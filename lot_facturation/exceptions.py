# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"Exceptions raised to users; their texts are messages in message.xml."
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


class MandateMissingError(ValidationError):
    pass


class BatchError(UserError):
    pass


class BatchWarning(UserWarning):
    pass


class BatchLockedError(UserError):
    pass


class ChorusError(UserError):
    pass


class ExportError(UserError):
    pass
