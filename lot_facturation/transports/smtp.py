# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Hand e-mails to the mail server and say what it answered (SPEC S3).

Synchronous on purpose: an invoice counts as sent only once the server
accepted its message (Tryton's transactional e-mail only logs failures).
A message is handed over at most once: unlike ``trytond.sendmail``, nothing
is sent again when the connection drops.  A connection found dead before
the message (the server closed an idle one) is opened again: nothing had
been sent.  When it breaks once the message's data went out, the server
may have kept it: ``OutcomeUnknown``, for a person to check.
"""
import copy
import email.generator
import email.utils
import io
import smtplib

from trytond.sendmail import get_smtp_server

SMTPErrors = (smtplib.SMTPException, OSError)
TIMEOUT = 60  # seconds, unless the [email] uri sets ?timeout=


class OutcomeUnknown(Exception):
    "The connection broke after the data was sent: maybe delivered."


def send(message, server=None):
    """Hand message over once; return the connection to reuse.

    Raise ``SMTPErrors`` when the server refused the message or could not
    be reached (nothing was delivered), ``OutcomeUnknown`` when the
    connection broke after the message's data went out.
    """
    if server is None or not _alive(server):
        close(server)
        server = connect()
    from_addr, to_addrs, data = envelope(message)
    server.ehlo_or_helo_if_needed()
    options = ['SMTPUTF8', 'BODY=8BITMIME'] if _international(
        from_addr, to_addrs) else []
    code, reply = server.mail(from_addr, options)
    if code != 250:
        _reset(server)
        raise smtplib.SMTPSenderRefused(code, reply, from_addr)
    refused = {}
    for address in to_addrs:
        code, reply = server.rcpt(address)
        if code not in {250, 251}:
            refused[address] = (code, reply)
    if len(refused) == len(to_addrs):
        _reset(server)
        raise smtplib.SMTPRecipientsRefused(refused)
    try:
        code, reply = server.data(data)
    except smtplib.SMTPDataError:
        _reset(server)
        raise
    except SMTPErrors as error:
        close(server)
        raise OutcomeUnknown(error_text(error)) from error
    if code != 250:
        _reset(server)
        raise smtplib.SMTPDataError(code, reply)
    return server


def connect():
    "A connection to Tryton's [email] uri, with a timeout."
    server = get_smtp_server(strict=True)
    if server.sock is not None and server.sock.gettimeout() is None:
        server.sock.settimeout(TIMEOUT)
    return server


def envelope(message):
    "Sender, recipients and bytes of message, as smtplib.send_message does."
    sender = message['Sender'] or message['From']
    from_addr = email.utils.getaddresses([sender])[0][1]
    to_addrs = [a for _, a in email.utils.getaddresses(
            message.get_all('To', []) + message.get_all('Cc', [])
            + message.get_all('Bcc', [])) if a]
    copied = copy.copy(message)
    del copied['Bcc']
    del copied['Resent-Bcc']
    with io.BytesIO() as buffer:
        policy = message.policy.clone(
            utf8=_international(from_addr, to_addrs))
        email.generator.BytesGenerator(buffer, policy=policy).flatten(
            copied, linesep='\r\n')
        return from_addr, to_addrs, buffer.getvalue()


def _international(from_addr, to_addrs):
    return any(not a.isascii() for a in [from_addr, *to_addrs])


def _alive(server):
    "Whether a connection kept from the previous message still answers."
    try:
        return server.noop()[0] == 250
    except SMTPErrors:
        return False


def _reset(server):
    try:
        server.rset()
    except SMTPErrors:
        pass


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
