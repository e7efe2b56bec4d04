# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Telling users what a background task did, in their language and time.

Queued tasks run without the user's language and in UTC; notifications
refuse new lines; the e-mail to the user is informative only.
"""
import datetime as dt
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from trytond import config
from trytond.pool import Pool
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction


def user_language():
    "The language of the transaction's user (queued tasks lose it)."
    pool = Pool()
    User = pool.get('res.user')
    user = User(Transaction().user)
    return (user.language.code if user.language
        else Transaction().language)


def summary(messages, limit=3):
    "Messages on one line (notifications refuse new lines)."
    if not messages:
        return None
    text = ' ; '.join(m.replace('\n', ' ') for m in messages[:limit])
    if len(messages) > limit:
        text += f' (+{len(messages) - limit})'
    return text


def local_datetime(value, company):
    "A UTC datetime from the database in the company's timezone."
    if value is None:
        return dt.datetime.min
    timezone = getattr(company, 'timezone', None)
    if timezone:
        return value.replace(tzinfo=dt.timezone.utc).astimezone(
            ZoneInfo(timezone)).replace(tzinfo=None)
    return value


def mail_user(user, subject, body):
    "Best-effort e-mail to the user, sent after commit."
    if not user.email:
        return
    message = EmailMessage()
    message['From'] = config.get('email', 'from')
    message['To'] = user.email
    message['Subject'] = subject
    message.set_content(body)
    send_message_transactional(message)
