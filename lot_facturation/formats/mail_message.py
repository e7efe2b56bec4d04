# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Build the e-mails of the invoice sending (pure, no transport)."""
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid


@dataclass
class Attachment:
    filename: str
    data: bytes
    maintype: str = 'application'
    subtype: str = 'pdf'


@dataclass
class Mail:
    subject: str
    body: str
    to: list = field(default_factory=list)
    attachments: list = field(default_factory=list)
    language: str = ''


@dataclass
class MailOverride:
    "Subject and body typed by the user (Genshi text, ``record``)"
    subject: str = None
    body: str = None

    def render(self, record):
        from genshi.template import TextTemplate
        values = {}
        for name in ['subject', 'body']:
            text = getattr(self, name)
            if text:
                values[name] = TextTemplate(text).generate(
                    record=record).render()
        return values


def new_message_id(domain=None):
    return make_msgid(domain=domain)


def addresses(values):
    "The bare e-mail addresses of formatted recipients"
    return [a for _, a in getaddresses(values) if a]


def build_message(mail, from_addr, message_id):
    "The EmailMessage of mail, sent by from_addr"
    msg = EmailMessage()
    msg['From'] = from_addr
    msg['To'] = ', '.join(mail.to)
    msg['Subject'] = mail.subject
    msg['Message-ID'] = message_id
    msg['Date'] = formatdate(localtime=True)
    if mail.language:
        msg['Content-Language'] = mail.language
    msg.set_content(mail.body)
    for attachment in mail.attachments:
        msg.add_attachment(
            attachment.data, maintype=attachment.maintype,
            subtype=attachment.subtype,
            filename=('utf-8', '', attachment.filename))
    return msg
