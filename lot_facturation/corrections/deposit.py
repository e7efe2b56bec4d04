# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Customer deposit (acompte client, SPEC O4) over Tryton's account_deposit.

The deposit is the party's balance on an account whose type is *deposit*.
Money goes in and out of it through Tryton's own invoice payment
(``Invoice.pay_invoice``) with a payment method whose accounts are that
deposit account: the receivable line is settled, the deposit line carries
the party.  The company setting that enables it is in ``configuration``.
"""


def deposit_available(party, method, currency):
    "Return the party's deposit that can pay invoices (positive amount)."
    balance = party.get_deposit_balance(
        method.debit_account.current(), currency=currency)
    return max(-balance, 0)
