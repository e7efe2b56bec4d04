"""Valid French identifiers for the demo data, check digits computed.

Why: the demo parties carry SIREN, SIRET, VAT numbers, IBANs and a SEPA
creditor identifier that every validator accepts (python-stdnum computes
the keys); the customers' SIREN follow from their rank in the fixtures.
"""
from stdnum import iban, luhn
from stdnum.eu import at_02


def siren_from(base8):
    return base8 + luhn.calc_check_digit(base8)


def siret_from(siren, nic='0001'):
    number = siren + nic
    return number + luhn.calc_check_digit(number)


def vat_from(siren):
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f'FR{key:02d}{siren}'


def french_iban(bank_code, branch, account):
    "IBAN from a French RIB (bank, branch, 11-digit account, RIB key)."
    key = 97 - ((89 * int(bank_code) + 15 * int(branch) + 3 * int(account))
        % 97)
    bban = f'{bank_code}{branch}{account}{key:02d}'
    return 'FR' + iban.calc_check_digits('FR00' + bban) + bban


def sepa_creditor_id(national_id):
    return 'FR' + at_02.calc_check_digits(f'FR00ZZZ{national_id}') + (
        'ZZZ' + national_id)


def customer_siren(index):
    "The SIREN of the business customer of rank index in the fixtures"
    return siren_from(f'{40123456 + index * 7919:08d}')
