# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Build the e-mails of the invoice sending (pure, no transport)."""
import re
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

    def render(self, context):
        """The subject and body rendered with context.

        context is the e-mail template's own (``record``, ``format_date``,
        ``format_currency``...): the text the dialog proposes is the
        template's, so it needs the same names."""
        from genshi.template import TextTemplate
        values = {}
        for name in ['subject', 'body']:
            text = getattr(self, name)
            if text:
                values[name] = TextTemplate(text).generate(
                    **context).render()
        return values


_DOLLAR = re.compile(r'\$(?!\{)')


def readable_text(template, labels):
    """template with its known expressions shown as their labels.

    labels maps a Genshi expression (``${record.number}``) to the words a
    person reads in its place (``[numéro de facture]``)."""
    for expression, label in labels.items():
        template = template.replace(expression, label)
    return template.replace('$$', '$')


def template_text(text, labels):
    """The Genshi template of a readable text (inverse of readable_text).

    A lone ``$`` the person typed stays a dollar sign; expressions the
    text still holds (an administrator's own) are kept as they are."""
    text = _DOLLAR.sub('$$', text)
    for expression, label in labels.items():
        text = text.replace(label, expression)
    return text


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
