# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Hand e-mails to the mail server and say what it answered (SPEC S3).

Synchronous on purpose: an invoice counts as sent only once the server
accepted its message (Tryton's transactional e-mail only logs failures).
"""
import smtplib

from trytond.sendmail import get_smtp_server, send_message

SMTPErrors = (smtplib.SMTPException, OSError)


def send(message, server=None):
    "Send message; return the connection to reuse, or raise SMTPErrors."
    if server is None:
        server = get_smtp_server(strict=True)
    return send_message(message, server=server, strict=True) or server


def quit(server):
    "Politely end a connection, whatever state it is in."
    if server is None:
        return
    try:
        server.quit()
    except SMTPErrors:
        pass


def error_text(exception):
    if isinstance(exception, smtplib.SMTPResponseException):
        error = exception.smtp_error
        if isinstance(error, bytes):
            error = error.decode('utf-8', 'replace')
        return '%s %s' % (exception.smtp_code, error)
    if isinstance(exception, smtplib.SMTPRecipientsRefused):
        return '; '.join('%s: %s %s' % (r, c, m.decode('utf-8', 'replace')
                if isinstance(m, bytes) else m)
            for r, (c, m) in exception.recipients.items())
    return str(exception) or exception.__class__.__name__


def close(server):
    if server is None:
        return
    try:
        server.close()
    except (smtplib.SMTPException, OSError):
        pass


def refused(exception):
    "Whether the server answered and refused, rather than was not reached"
    return isinstance(exception, (
            smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused))
