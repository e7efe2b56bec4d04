"""The legal mentions of a French invoice, once for the PDF and the CII.

The PDF's legal block and the CII notes PMT, PMD and AAB (BR-FR-05) must
say the same thing; both are built from ``legal_mentions``.  A mention
names the message that words it and the values to format into it: the
caller translates (it knows the language and the currency format).
"""
from dataclasses import dataclass, field
from decimal import Decimal

# Code de commerce art. D441-5: fixed indemnity for recovery costs
RECOVERY_INDEMNITY = Decimal(40)
CONSUMER = 'consumer'


@dataclass(frozen=True)
class Mention:
    """One legal mention: subject is its UNTDID 4451 note code in the CII
    (None: printed on the PDF only, the CII carries it elsewhere)"""
    subject: str | None
    message: str
    values: dict = field(default_factory=dict)


def legal_mentions(customer_kind, late_payment_rate=None,
        vat_on_debits=False):
    """The mentions of an invoice, in the order the PDF prints them.

    late_payment_rate is the annual rate in percent (None: the legal rate);
    vat_on_debits the company's option to pay VAT on debits (BT-8)."""
    mentions = [Mention('AAB', 'msg_einvoice_note_aab')]
    if late_payment_rate is not None:
        mentions.append(Mention('PMD', 'msg_einvoice_note_pmd_rate',
                {'rate': Decimal(late_payment_rate)}))
    else:
        mentions.append(Mention('PMD', 'msg_einvoice_note_pmd_legal'))
    if customer_kind == CONSUMER:
        mentions.append(Mention('PMT', 'msg_einvoice_note_pmt_consumer'))
    else:
        mentions.append(Mention('PMT', 'msg_einvoice_note_pmt',
                {'amount': RECOVERY_INDEMNITY}))
    if vat_on_debits:
        mentions.append(Mention(None, 'msg_einvoice_vat_on_debits'))
    return mentions


def notes(mentions):
    "The mentions the CII carries as notes: [(subject, mention)]"
    return [(m.subject, m) for m in mentions if m.subject]
