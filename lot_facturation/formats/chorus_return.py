# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Return file of the Chorus Pro EDI flow (SPEC C4), format in
docs/chorus.md.

CSV, UTF-8 (with or without BOM), ``;`` or ``,`` separated, a header line
``numero_facture;statut;date;message`` (the last two optional), one line
per status change.  Statuses are Chorus Pro's, written as its portal shows
them or as its API codes (accents and case ignored): déposée (DEPOSEE),
rejetée (REJETEE), suspendue (SUSPENDUE), mise à disposition
(MISE_A_DISPOSITION), mandatée (MANDATEE), mise en paiement
(MISE_EN_PAIEMENT).  Pure: bytes in, ``ReturnLine`` list out, or
``ReturnFileError`` with the line number and a reason code.
"""
import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass

# Chorus Pro status -> exchange status of our log
STATUSES = {
    'DEPOSEE': 'sent',
    'MISE_A_DISPOSITION': 'accepted',
    'SUSPENDUE': 'pending',
    'REJETEE': 'rejected',
    'MANDATEE': 'accepted',
    'MISE_EN_PAIEMENT': 'accepted',
    }
NUMBER, STATUS, DATE, MESSAGE = (
    'numero_facture', 'statut', 'date', 'message')


class ReturnFileError(Exception):
    "reason: encoding, header, empty, number, status or date"

    def __init__(self, reason, line=0, value=''):
        super().__init__(reason, line, value)
        self.reason, self.line, self.value = reason, line, value


@dataclass(frozen=True)
class ReturnLine:
    line: int
    number: str
    status: str  # Chorus Pro code, e.g. MISE_EN_PAIEMENT
    date: datetime.date = None
    message: str = ''

    @property
    def exchange_status(self):
        return STATUSES[self.status]


def status_code(text):
    "DEPOSEE from 'Déposée', 'deposee', 'DEPOSEE', 'Mise à disposition'..."
    text = unicodedata.normalize('NFKD', text or '')
    text = ''.join(c for c in text if not unicodedata.combining(c))
    return '_'.join(text.upper().replace('-', ' ').replace('_', ' ').split())


def _date(text, line):
    text = (text or '').strip()
    if not text:
        return None
    for format_ in ('%Y-%m-%d', '%d/%m/%Y'):
        try:
            return datetime.datetime.strptime(text, format_).date()
        except ValueError:
            pass
    raise ReturnFileError('date', line, text)


def _reader(data):
    try:
        text = data.decode('utf-8-sig')
    except (UnicodeDecodeError, AttributeError):
        raise ReturnFileError('encoding')
    first = text.split('\n', 1)[0]
    delimiter = ';' if first.count(';') >= first.count(',') else ','
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    fields = [(f or '').strip().lower() for f in reader.fieldnames or []]
    if NUMBER not in fields or STATUS not in fields:
        raise ReturnFileError('header', 1, first)
    reader.fieldnames = fields
    return reader


def parse(data):
    "Return the ReturnLine list of a return file (bytes)"
    lines = []
    reader = _reader(data)
    for row in reader:
        line = reader.line_num
        if not any((v or '').strip() for v in row.values()
                if isinstance(v, str)):
            continue
        number = (row.get(NUMBER) or '').strip()
        if not number:
            raise ReturnFileError('number', line)
        status = status_code(row.get(STATUS))
        if status not in STATUSES:
            raise ReturnFileError('status', line, row.get(STATUS) or '')
        lines.append(ReturnLine(line=line, number=number, status=status,
                date=_date(row.get(DATE), line),
                message=(row.get(MESSAGE) or '').strip()))
    if not lines:
        raise ReturnFileError('empty')
    return lines
