"""Get-or-create helpers the demo scripts share (proteus).

Why: every demo record is found by a natural key before it is created, so
that ``make demo`` run twice changes nothing.
"""
import datetime as dt
from decimal import Decimal

from proteus import Model

from demo_identifiers import siret_from, vat_from

TODAY = dt.date.today()


def model_id(config, xml_id):
    ModelData = Model.get('ir.model.data')
    module, fs_id = xml_id.split('.')
    return ModelData.get_id(module, fs_id, config.context)


def get_or_new(model_name, domain, **values):
    "Return (record, created): the first record matching or a new one."
    Model_ = Model.get(model_name)
    records = Model_.find(domain, limit=1)
    if records:
        return records[0], False
    return Model_(**values), True


def refresh_context(config):
    User = Model.get('res.user')
    config._context = User.get_preferences(True, {})


def create_currency():
    currency, created = get_or_new('currency.currency',
        [('code', '=', 'EUR')],
        name="Euro", code='EUR', symbol='€', rounding=Decimal('0.01'))
    if created:
        currency.numeric_code = '978'
        currency.save()
    return currency


def create_country():
    country, created = get_or_new('country.country', [('code', '=', 'FR')],
        name="France", code='FR', code3='FRA', code_numeric='250')
    if created:
        country.save()
    return country


def create_party(name, code, street, postal_code, city, country, email=None,
        phone=None, website=None):
    party, created = get_or_new('party.party', [('code', '=', code)],
        name=name, code=code)
    if created:
        party.lang = Model.get('ir.lang').find([('code', '=', 'fr')])[0]
        address, = party.addresses
        address.street = street
        address.postal_code = postal_code
        address.city = city
        address.country = country
        for type_, value in [
                ('email', email), ('phone', phone), ('website', website)]:
            if value:
                party.contact_mechanisms.new(type=type_, value=value)
        party.save()
    return party


def add_french_identifiers(party, siren, siret=True, vat=True):
    "SIREN on the party, SIRET on its first address, intra-EU VAT number."
    types = {i.type for i in party.identifiers}
    if 'fr_siren' not in types:
        party.identifiers.new(type='fr_siren', code=siren)
    if vat and 'eu_vat' not in types:
        party.identifiers.new(type='eu_vat', code=vat_from(siren))
    if siret and 'fr_siret' not in types:
        party.identifiers.new(type='fr_siret', code=siret_from(siren),
            address=party.addresses[0])
    party.save()
