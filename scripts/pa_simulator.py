"""A local Plateforme Agréée for the tests and the demo (127.0.0.1 only).

It speaks the AFNOR XP Z12-013 endpoints pyfrctc calls: OAuth2 token,
directory-line search (and SIREN/SIRET), flow deposit, flow search and flow
download.  It keeps the deposited flows, answers directory look-ups from the
lines a test adds, and serves lifecycle statuses as CDAR flows: queued by
the test (``push_status``) or emitted after each deposit (``auto_statuses``).

Faults a test can arm (each on the next request of an operation: token,
directory, deposit, search, get): ``fail_next`` (HTTP error, nothing
stored), ``slow_next`` (stores the flow, answers after the client gave up),
``drop_next`` (stores the flow, closes the connection unanswered),
``refuse_next_flow`` (stores it with an Error acknowledgement);
``go_down``/``come_back`` refuse connections altogether.  Lifecycle:
``push_status(flow_id, '213'|'210'|..., reason_code, reason, copies=2)``.

    with PASimulator() as pa: ...            # tests, ephemeral port
    python scripts/pa_simulator.py --port 8765 --folder demo/pa   # demo
"""
import argparse
import logging
import pathlib
import socket
import threading
import time

from pa_simulator_http import Server, State, read_invoice

logger = logging.getLogger('pa_simulator')


class PASimulator:
    "The local PA: start()/stop() or a context manager, like SMTPSink."

    def __init__(self, host='127.0.0.1', port=0, client_id='lot-facturation',
            client_secret='secret-de-test', seller_siren='552100554',
            folder=None):
        self.host, self.port = host, port
        self.state = State(client_id, client_secret, seller_siren)
        if folder:
            self.state.folder = pathlib.Path(folder)
            self.state.folder.mkdir(parents=True, exist_ok=True)
        self._server = None

    # --- life cycle ----------------------------------------------------
    def start(self):
        self._server = Server((self.host, self.port), self.state)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever,
            kwargs={'poll_interval': 0.05}, daemon=True).start()
        return self

    def stop(self):
        self.state.stopping.set()
        self.go_down()

    def __enter__(self):
        return self.start()

    def __exit__(self, *args):
        self.stop()

    def go_down(self):
        "Refuse every connection (and cut the open ones) until come_back()."
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        for connection in list(server.connections):
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def come_back(self):
        self.state.stopping.clear()
        return self.start()

    # --- configuration -------------------------------------------------
    @property
    def url(self):
        return f'http://{self.host}:{self.port}'

    @property
    def token_url(self):
        return f'{self.url}/oauth2/token'

    @property
    def client_id(self):
        return self.state.client_id

    @property
    def client_secret(self):
        return self.state.client_secret

    def add_directory_line(self, siren, siret=None, routing_code=None,
            status='Enabled', platform_type='WK', **extra):
        "A directory line for ``siren`` (SIREN, SIRET or routing code line)."
        line = {'siren': siren, 'directoryLineStatus': status,
            'platformType': platform_type, **extra}
        if siret:
            line['siret'] = siret
        if routing_code:
            line['routingCode'] = {'routingIdentifier': routing_code,
                'routingIdentifierType': '0224',
                'routingCodeName': f'Service {routing_code}'}
        line['addressingIdentifier'] = '_'.join(
            part for part in (siren, siret, routing_code) if part)
        self.state.directory.setdefault(siren, []).append(line)
        return line

    # --- faults --------------------------------------------------------
    def fail_next(self, status=500, operation='deposit', code=None,
            message=None, count=1):
        "Answer the next ``count`` requests of ``operation`` with an error."
        code = code or ('INTERNAL_ERROR' if status >= 500 else 'REJECTED')
        for _ in range(count):
            self.state.faults.append({'operation': operation,
                    'action': 'fail', 'status': status, 'code': code,
                    'message': message or f'Simulated HTTP {status}'})

    def slow_next(self, seconds, operation='deposit'):
        "Do the next ``operation`` (store the flow) but answer late."
        self.state.faults.append({'operation': operation, 'action': 'slow',
                'seconds': seconds})

    def drop_next(self, operation='deposit'):
        "Do the next ``operation`` (store the flow), then hang up unanswered."
        self.state.faults.append({'operation': operation, 'action': 'drop'})

    def refuse_next_flow(self, reason_code='AlreadyExistingFlow',
            message='Flow already received'):
        "Store the next deposit with an Error acknowledgement (its checks)."
        self.state.faults.append({'operation': 'deposit', 'action': 'ack',
                'details': [{'level': 'Error', 'item': 'flow',
                        'reasonCode': reason_code, 'reasonMessage': message}]})

    # --- lifecycle -----------------------------------------------------
    @property
    def auto_statuses(self):
        return self.state.auto_statuses

    @auto_statuses.setter
    def auto_statuses(self, statuses):
        "[(code, delay_seconds[, reason_code, reason])] after each deposit."
        self.state.auto_statuses = [tuple(item) + ('', '')[len(item) - 2:]
            for item in statuses]

    def push_status(self, flow_id, code, reason_code='', reason='', copies=1,
            comment=''):
        "Queue the status ``code`` of the invoice deposited as ``flow_id``."
        self.state.materialize()  # automatic statuses already due go first
        return [flow.meta['flowId'] for flow in self.state.status_flow(
                self.state.flows[flow_id], code, reason_code, reason, copies,
                comment)]

    def push_raw_status(self, content, name='cdar_raw.xml'):
        "An incoming lifecycle flow with arbitrary ``content`` (bad CDAR)."
        self.state.materialize()
        return self.state.store({'name': name, 'flowSyntax': 'CDAR',
                'flowType': 'CustomerInvoiceLC', 'flowDirection': 'In',
                'processingRule': 'B2B', 'acknowledgement': {'status': 'Ok'}},
            content).meta['flowId']

    # --- inspection ----------------------------------------------------
    def deposited(self):
        "Flows received from the client, in order."
        return [flow for flow in self.state.flows.values()
            if flow.meta['flowDirection'] == 'Out']

    @property
    def deposits(self):
        "Number of deposit requests the simulator handled (duplicates too)."
        return self.state.deposits

    @property
    def duplicate_deposits(self):
        return self.state.duplicate_deposits


def reload(sim, folder):
    """The flows an earlier run kept in folder, under the same ids, so that
    a restarted demo still knows its invoices and its statuses (their
    message ids unchanged: recorded once); the automatic statuses not
    emitted yet are emitted again from now."""
    state = sim.state
    files = sorted(folder.glob('FLOW-*__*'))
    emitted = {path.name.split('__', 1)[1].rsplit('.', 1)[0]
        for path in files if '__cdar_' in path.name}
    state.folder = None  # the files are there already
    for path in files:
        name = path.name.split('__', 1)[1]
        content = path.read_bytes()
        if name.startswith('cdar_'):
            state.store({'name': name, 'flowSyntax': 'CDAR',
                    'flowType': 'CustomerInvoiceLC', 'flowDirection': 'In',
                    'processingRule': 'B2B',
                    'acknowledgement': {'status': 'Ok'}}, content)
            continue
        invoice = read_invoice(content, name, state.seller_siren)
        flow = state.store({'name': name, 'trackingId': None,
                'flowSyntax': 'Factur-X', 'processingRule': 'B2B',
                'processingRuleSource': 'Input', 'flowType': 'CustomerInvoice',
                'flowDirection': 'Out', 'flowProfile': 'Undefined',
                'acknowledgement': {'status': 'Ok'}}, content, invoice)
        state.keys[name] = flow.meta['flowId']
        start = time.monotonic()
        flow.pending = [(start + delay, code, reason_code, reason)
            for code, delay, reason_code, reason in state.auto_statuses
            if f'cdar_{code}_{invoice.number}' not in emitted]
    state.folder = folder
    logger.info('%s flows of the earlier run reloaded from %s', len(files),
        folder)


def _statuses(text):
    "'200:0,202:5' -> [('200', 0.0), ('202', 5.0)]"
    items = []
    for item in filter(None, text.split(',')):
        code, _, delay = item.partition(':')
        items.append((code.strip(), float(delay or 0)))
    return items


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8765)
    parser.add_argument('--folder', help='keep the deposited files here')
    parser.add_argument('--client-id', default='lot-facturation')
    parser.add_argument('--client-secret', default='secret-de-demo')
    parser.add_argument('--statuses', default='200:0,202:5,203:10,205:30',
        help='statuses emitted after each deposit, code:seconds')
    parser.add_argument('--directory-empty', action='store_true',
        help='answer no directory line (by default every SIREN has one)')
    parser.add_argument('--directory', default='',
        help='only these buyers in the directory: SIREN[:SIRET],...')
    parser.add_argument('--seller-siren', default='552100554',
        help='the SIREN of the company that deposits (its statuses)')
    args = parser.parse_args(argv)
    handlers = [logging.StreamHandler()]
    if args.folder:
        pathlib.Path(args.folder).mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(
                pathlib.Path(args.folder) / 'pa_simulator.log'))
    logging.basicConfig(level=logging.INFO, handlers=handlers,
        format='%(asctime)s %(message)s')
    for noisy in ('factur-x', 'pyfrctc'):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    sim = PASimulator(args.host, args.port, args.client_id,
        args.client_secret, seller_siren=args.seller_siren,
        folder=args.folder)
    sim.state.answer_all = not (args.directory_empty or args.directory)
    for item in filter(None, args.directory.split(',')):
        siren, _, siret = item.strip().partition(':')
        sim.add_directory_line(siren, siret=siret or None)
    sim.auto_statuses = _statuses(args.statuses)
    if args.folder:
        reload(sim, pathlib.Path(args.folder))
    sim.start()
    logger.info('PA simulator on %s (token %s, client %s / %s)', sim.url,
        sim.token_url, sim.client_id, sim.client_secret)
    try:
        while True:
            time.sleep(1)
            sim.state.materialize()
    except KeyboardInterrupt:
        sim.stop()


if __name__ == '__main__':
    main()
