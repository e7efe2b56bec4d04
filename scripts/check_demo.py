#!/usr/bin/env python3
"""Smoke-test a running demo (``make demo``) as the web client would.

    python3 scripts/check_demo.py [http://127.0.0.1:8000]

Why: "the demo works" means a person can open the web client, log in and
see French labels and data, so this checks exactly that over HTTP and
JSON-RPC (``/rpc/`` for the database list, ``/<db>/rpc/`` for the rest):
the sao index and its French locale are served, both demo users log in,
their language is French, the batch invoicing menu and field labels are
French, the contracts are there and invoices went through the demo's PA.
Exits 1 on the first failure.  Standard library only.
"""
import base64
import json
import sys
import urllib.request

DATABASE = 'lot_facturation_demo'
USERS = [('admin', 'admin-demo'), ('comptable', 'comptable-demo')]


def fetch(url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


class Client:
    def __init__(self, base):
        self.base = base.rstrip('/') + '/'
        self.auth = None

    def call(self, path, method, *params):
        headers = {'Content-Type': 'application/json'}
        if self.auth:
            headers['Authorization'] = 'Session ' + base64.b64encode(
                self.auth.encode()).decode()
        body = json.dumps({'id': 1, 'method': method, 'params': params})
        reply = json.loads(fetch(self.base + path, body.encode(), headers))
        if reply.get('error'):
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply['result']

    def login(self, login, password):
        user_id, session, _ = self.call(f'{DATABASE}/rpc/',
            'common.db.login', login, {'password': password}, 'fr')
        self.auth = f'{login}:{user_id}:{session}'
        return self.call(f'{DATABASE}/rpc/',
            'model.res.user.get_preferences', True, {})

    def model(self, name, method, *params):
        return self.call(f'{DATABASE}/rpc/', f'model.{name}.{method}',
            *params)


def check(condition, message):
    print(('ok   ' if condition else 'FAIL ') + message)
    if not condition:
        sys.exit(1)


def main(base='http://127.0.0.1:8000'):
    index = fetch(base + '/').decode()
    check('tryton-sao' in index or 'sao' in index, "web client index served")
    locale = json.loads(fetch(base + '/locale/fr.json'))
    check(bool(locale), "web client French locale served")

    client = Client(base)
    check(DATABASE in client.call('rpc/', 'common.db.list'),
        f"database {DATABASE} listed")
    for login, password in USERS:
        context = client.login(login, password)
        check(context.get('language') == 'fr', f"{login}: language fr")
        check(bool(context.get('company')), f"{login}: has a company")
        menus = client.model('ir.ui.menu', 'search_read',
            [('name', '=', "Facturation en lot")], 0, None, None,
            ['complete_name'], context)
        check(bool(menus), f"{login}: menu {menus[0]['complete_name']!r}"
            if menus else f"{login}: menu Facturation en lot")
        labels = client.model('sale.subscription', 'fields_get',
            ['start_date', 'invoice_recurrence'], context)
        check(labels['start_date']['string'] == "Date de début",
            f"{login}: French label {labels['start_date']['string']!r}")
        running = client.model('sale.subscription', 'search_count',
            [('state', '=', 'running')], context)
        check(running >= 60, f"{login}: {running} running contracts")
        through_pa = client.model('account.invoice', 'search_count',
            [('send_channel', '=', 'pa'), ('send_state', '=', 'sent')],
            context)
        check(through_pa >= 1,
            f"{login}: {through_pa} invoices sent through the demo's PA")
    print("demo OK")


if __name__ == '__main__':
    main(*sys.argv[1:])
