# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Exceptions raised to users, one class per kind of refusal.

Their texts are messages of ``message.xml`` (translated); the class tells
callers (command line, tests, queue tasks) which flow refused.
"""
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


class MandateMissingError(ValidationError):
    "A SEPA direct debit invoice has no validated mandate (B5)."


class BatchError(UserError):
    "A batch cannot be previewed, generated or posted (B5, B6)."


class BatchWarning(UserWarning):
    "Something in a batch the accountant may accept (B5)."


class BatchLockedError(UserError):
    "Contracts of a batch are held by another transaction (B5)."


class LockWaitError(UserError):
    "A step waited too long for what another transaction holds (B7)."


class SendError(UserError):
    "An invoice cannot move to the asked send state or be sent (S2, S3)."


class SendWarning(UserWarning):
    "A definitive send step the accountant must confirm (S3)."


class ChorusError(UserError):
    "A Chorus Pro export or return file is refused (C1-C4)."


class ExportError(UserError):
    "An accounting export is refused (E2)."


class OperationError(UserError):
    "An invoice operation is refused (O1-O4, I1)."
