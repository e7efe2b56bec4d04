"""F1 property: any invoice a batch generates passes the four validators.

Hypothesis draws service contracts (prices tiny to large, credit lines,
quantities in hours with decimals), a French VAT rate per line (20, 10,
5.5, 2.1 %), customers of every kind and every grouping mode; the batch is
previewed, generated and posted through the module's own methods, then each
invoice's structured XML (``Invoice.structured_invoice``, what every
channel sends) is checked here by the four validators: 0 fatal finding.
Strategies are those of test_billing_hypothesis; examples are
derandomized and run in one rolled-back transaction.
"""
import datetime as dt

import pytest
from decimal import Decimal as D

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from test_billing_hypothesis import PERCENTAGES, QUANTITIES, UNIT_PRICES
from test_f1_einvoice_paths import validators
from tools_chorus import public_customer, tax
from tools_einvoice_batch import (
    batch_world, contract, generated_invoices, previewed_batch)
from tools_einvoice_shapes import country
from tools_send import create_customer

RATES = dict(zip(PERCENTAGES, ['0.20', '0.10', '0.055', '0.021']))
KINDS = ['business', 'public', 'foreign']
LINE = st.tuples(QUANTITIES, UNIT_PRICES, st.sampled_from(PERCENTAGES))
CONTRACTS = st.lists(st.tuples(st.sampled_from(KINDS),
        st.lists(LINE, min_size=1, max_size=4)), min_size=1, max_size=3)
GROUPINGS = st.sampled_from(['schedule', 'subscription', 'party'])


@pytest.fixture(scope='module')
def tryton():
    activate_module('lot_facturation')


def customers(env):
    "One customer of each kind, with the data its kind needs"
    with set_company(env.company):
        foreign = create_customer("Uhren Keller AG",
            email='rechnung@keller.example')
        foreign.customer_kind = 'foreign'
        address = foreign.addresses[0]
        address.country = country('CH', "Suisse")
        address.save()
        foreign.save()
        return {
            'business': create_customer("Boulangerie Martin",
                siren='732829320'),
            'public': public_customer("Mairie de Villeurbanne"),
            'foreign': foreign,
            }


def test_f1_any_batch_invoice_passes_the_four_validators(tryton):
    check_batches()


@with_transaction()
def check_batches():
    pool = Pool()
    Uom = pool.get('product.uom')
    ModelData = pool.get('ir.model.data')
    env = batch_world()
    parties = customers(env)
    hour = Uom(ModelData.get_id('product', 'uom_hour'))

    @settings(max_examples=12, deadline=None, derandomize=True,
        database=None, print_blob=False,
        phases=[Phase.explicit, Phase.generate],  # a batch is no quick shrink
        suppress_health_check=[HealthCheck.too_slow])
    @given(contracts=CONTRACTS, grouping=GROUPINGS)
    # a contract of credit lines: a credit note crediting no invoice
    @example(contracts=[('business', [(D('201.45'), D('-0.0352'), 'vat55'),
                    (D('27214.26'), D('-5762.7838'), 'vat21')])],
        grouping='schedule')
    # a negative total from a discount larger than the fee, every kind
    @example(contracts=[(kind, [(D('1'), D('100'), 'vat20'),
                    (D('1'), D('-150'), 'vat10')]) for kind in KINDS],
        grouping='party')
    def check(contracts, grouping):
        start = dt.date(2026, 1, 1)
        for kind, lines in contracts:
            contract(env, parties[kind], [(float(q), p, [tax(env, RATES[r])])
                    for q, p, r in lines], unit=hour)
        with Transaction().set_context(_skip_warnings=True):
            batch = previewed_batch(env, reference=start, grouping=grouping)
            invoices = generated_invoices(env, batch)
        assert len(invoices) == len([p for p in batch.proposals
                if p.status != 'blocked'])
        for invoice in invoices:
            with set_company(env.company):
                xml = invoice.structured_invoice()
            assert [(f.rule_id, f.text) for f in validators(xml).fatal] == []
    check()
