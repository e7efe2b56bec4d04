"""The HTTP side of the local PA (scripts/pa_simulator.py): state and handler.

Endpoints (as pyfrctc calls them): POST /oauth2/token; POST
/afnor-directory/v1/directory-line/search, GET .../siren/code-insee:<siren>,
GET .../siret/code-insee:<siret>; POST /afnor-flow/v1/flows (multipart file +
flowInfo), POST /afnor-flow/v1/flows/search, GET /afnor-flow/v1/flows/<id>
(?docType=Metadata|Original); GET .../healthcheck.
"""
import base64
import datetime as dt
import email.parser
import email.policy
import hashlib
import itertools
import json
import logging
import re
import secrets
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from trytond.modules.lot_facturation.formats import cdar

logger = logging.getLogger('pa_simulator')
FLOW = '/afnor-flow/v1'
DIRECTORY = '/afnor-directory/v1'
PLATFORM = cdar.TradeParty('WK', 'Simulateur PA')
SELLER_CODES = {'212', '220'}
CII = {'rsm': 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
    'ram': 'urn:un:unece:uncefact:data:standard:'
    'ReusableAggregateBusinessInformationEntity:100',
    'udt': 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100'}
UNKNOWN_SIREN = '000000000'  # a party the invoice does not identify
FLOW_TYPES = {'CDAR': 'CustomerInvoiceLC', 'FRR': 'MultiFlowReport'}


@dataclass
class Invoice:
    "What the simulator needs of a deposited invoice to answer about it."
    number: str
    date: dt.date
    seller: cdar.TradeParty
    buyer: cdar.TradeParty


@dataclass
class Flow:
    meta: dict
    content: bytes
    invoice: Invoice = None
    pending: list = field(default_factory=list)


def _iso(moment):
    return moment.isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def _party(node, role):
    if node is None:
        return cdar.TradeParty(role, role, UNKNOWN_SIREN, UNKNOWN_SIREN)
    name = node.findtext('ram:Name', namespaces=CII)
    siren = node.findtext('ram:SpecifiedLegalOrganization/ram:ID',
        namespaces=CII)
    address = node.findtext('ram:URIUniversalCommunication/ram:URIID',
        namespaces=CII)
    siren = siren or UNKNOWN_SIREN
    return cdar.TradeParty(role, name or role, siren, address or siren)


def read_invoice(content, name, default_siren):
    "Invoice number, date and parties of a Factur-X (or from the flow name)."
    from facturx import get_xml_from_pdf
    from lxml import etree
    try:
        if not content.startswith(b'%PDF-') or b'%%EOF' not in content[-1024:]:
            raise ValueError('not a PDF')
        root = etree.fromstring(get_xml_from_pdf(content, check_xsd=False)[1])
        number = root.findtext('rsm:ExchangedDocument/ram:ID', namespaces=CII)
        date = root.findtext('rsm:ExchangedDocument/ram:IssueDateTime/'
            'udt:DateTimeString', namespaces=CII)
        agreement = root.find('.//ram:ApplicableHeaderTradeAgreement', CII)
        return Invoice(number, dt.datetime.strptime(date, '%Y%m%d').date(),
            _party(agreement.find('ram:SellerTradeParty', CII), 'SE'),
            _party(agreement.find('ram:BuyerTradeParty', CII), 'BY'))
    except Exception:
        number = re.sub(r'\.[A-Za-z0-9]+$', '', name.split('__')[-1])[:35]
        return Invoice(number or 'UNKNOWN', dt.date.today(),
            cdar.TradeParty('SE', 'Vendeur', default_siren, default_siren),
            _party(None, 'BY'))


class State:
    "Everything the simulator keeps: it survives go_down()/come_back()."

    def __init__(self, client_id, client_secret, seller_siren):
        self.lock = threading.RLock()
        self.client_id, self.client_secret = client_id, client_secret
        self.seller_siren = seller_siren
        self.tokens = {}
        self.token_lifetime = 3600
        self.directory = {}
        self.answer_all = False
        self.flows = {}
        self.keys = {}  # trackingId (or name) -> flowId of deposited flows
        self.faults = []
        self.auto_statuses = [('200', 0.0, '', '')]
        self.deposits = 0
        self.duplicate_deposits = 0
        self.requests = []
        self.folder = None
        self._clock = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
        self._ids = itertools.count(1)
        self._messages = itertools.count(1)
        self.stopping = threading.Event()

    def now(self):
        "Strictly increasing UTC time (the flow search compares strictly)."
        with self.lock:
            moment = dt.datetime.now(dt.timezone.utc)
            moment = moment.replace(
                microsecond=moment.microsecond // 1000 * 1000)
            if moment <= self._clock:
                moment = self._clock + dt.timedelta(milliseconds=1)
            self._clock = moment
            return moment

    def fault(self, operation):
        with self.lock:
            for fault in self.faults:
                if fault['operation'] == operation:
                    self.faults.remove(fault)
                    return fault
        return None

    def store(self, meta, content, invoice=None):
        with self.lock:
            now = self.now()
            meta.update(flowId=f'FLOW-{next(self._ids):06d}',
                submittedAt=_iso(now), updatedAt=_iso(now))
            flow = self.flows[meta['flowId']] = Flow(meta, content, invoice)
        if self.folder:
            path = self.folder / f"{meta['flowId']}__{meta.get('name', '')}"
            path.write_bytes(content)
        return flow

    def status_flow(self, origin, code, reason_code='', reason='', copies=1,
            comment=''):
        "Store the CDAR of ``code`` about ``origin`` as incoming LC flow(s)."
        invoice = origin.invoice
        sender = (invoice.seller if code in SELLER_CODES else PLATFORM
            if code in cdar.TRANSMISSION_CODES else invoice.buyer)
        recipient = invoice.buyer if code in SELLER_CODES else invoice.seller
        message = cdar.StatusMessage(
            message_id='#'.join((origin.meta['flowId'], code,
                    str(next(self._messages)))),
            issued_at=self.now().replace(tzinfo=None, microsecond=0),
            code=code, sender=sender, recipient=recipient,
            invoice_number=invoice.number, invoice_date=invoice.date,
            seller_siren=invoice.seller.siren or self.seller_siren,
            reason_code=reason_code, reason=reason, comment=comment)
        content = cdar.build_status(message)
        flows = [self.store({'name': f'cdar_{code}_{invoice.number}.xml',
                    'flowSyntax': 'CDAR', 'flowType': 'CustomerInvoiceLC',
                    'flowDirection': 'In', 'processingRule': 'B2B',
                    'acknowledgement': {'status': 'Ok'}}, content)
            for _ in range(copies)]
        logger.info('status %s %s for invoice %s (flow %s)%s', code,
            cdar.STATUS_NAMES.get(code, ''), invoice.number,
            origin.meta['flowId'], f' x{copies}' if copies > 1 else '')
        return flows

    def materialize(self):
        "Emit the automatic statuses that are due."
        with self.lock:
            due = [(flow, item) for flow in list(self.flows.values())
                for item in flow.pending if item[0] <= time.monotonic()]
            for flow, item in due:
                flow.pending.remove(item)
                self.status_flow(flow, *item[1:])


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    fault = None
    server_version = 'PASimulator/1'

    @property
    def state(self):
        return self.server.state

    def log_message(self, format, *args):
        logger.debug(format, *args)

    def setup(self):
        super().setup()
        # Headers and body are written separately: without this, Nagle and
        # the client's delayed ACK add 40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.connections.add(self.connection)

    def finish(self):
        self.server.connections.discard(self.connection)
        super().finish()

    def _body(self):
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def reply(self, status, body=None, content_type='application/json',
            headers=None):
        data = (json.dumps(body).encode() if content_type == 'application/json'
            and body is not None else body or b'')
        try:
            self.send_response(status)
            self.send_header('Content-Type', content_type)
            self.send_header('Content-Length', str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (time-out)
        logger.debug('%s %s -> %s', self.command, self.path, status)

    def error(self, status, code, message=None):
        self.reply(status, {'errorCode': code, 'errorMessage': message})

    def do_GET(self):
        self.route('GET')

    def do_POST(self):
        self.route('POST')

    def route(self, method):
        path = urllib.parse.urlsplit(self.path).path
        body = self._body()
        self.state.requests.append((method, path))
        if method == 'POST' and path == '/oauth2/token':
            return self.guarded('token', self.token, body, path)
        if not self.authorized():
            return self.error(401, 'INVALID_TOKEN', 'Missing or expired token')
        routes = [
            ('POST', DIRECTORY + '/directory-line/search', 'directory',
                self.directory_search),
            ('GET', DIRECTORY + '/siren/code-insee:', 'directory',
                self.directory_siren),
            ('GET', DIRECTORY + '/siret/code-insee:', 'directory',
                self.directory_siret),
            ('POST', FLOW + '/flows/search', 'search', self.search),
            ('POST', FLOW + '/flows', 'deposit', self.deposit),
            ('GET', FLOW + '/flows/', 'get', self.get_flow),
            ]
        if path.endswith('/healthcheck'):
            return self.reply(200, {'status': 'OK'})
        for verb, prefix, operation, handler in routes:
            exact = prefix.endswith(('search', '/flows'))
            if verb == method and (path == prefix if exact
                    else path.startswith(prefix)):
                return self.guarded(operation, handler, body, path)
        self.error(404, 'MISSING_RESOURCE', f'{method} {path}')

    def guarded(self, operation, handler, *args):
        "Run ``handler`` unless a fault armed for ``operation`` says else."
        fault = self.state.fault(operation)
        if fault and fault['action'] == 'fail':
            return self.error(fault['status'], fault['code'],
                fault['message'])
        self.fault = fault
        try:
            answer = handler(*args)
        except Exception:
            logger.exception('simulator error on %s', self.path)
            answer = (500, {'errorCode': 'INTERNAL_ERROR'})
        finally:
            self.fault = None
        if fault and fault['action'] == 'slow':
            self.state.stopping.wait(fault['seconds'])
        if fault and fault['action'] == 'drop':
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.reply(*answer)

    def authorized(self):
        auth = self.headers.get('Authorization', '')
        expiry = self.state.tokens.get(auth[7:]) if auth.startswith(
            'Bearer ') else None
        return expiry is not None and expiry > time.time()

    def token(self, body, path):
        form = dict(urllib.parse.parse_qsl(body.decode()))
        client_id, secret = form.get('client_id'), form.get('client_secret')
        auth = self.headers.get('Authorization', '')
        if auth.startswith('Basic '):
            client_id, _, secret = base64.b64decode(auth[6:]).decode(
                ).partition(':')
            client_id = urllib.parse.unquote(client_id)
            secret = urllib.parse.unquote(secret)
        state = self.state
        if form.get('grant_type') != 'client_credentials' or (
                client_id, secret) != (state.client_id, state.client_secret):
            return 401, {'error': 'invalid_client',
                'error_description': 'Unknown client or wrong secret'}
        token = secrets.token_hex(16)
        state.tokens[token] = time.time() + state.token_lifetime
        logger.info('token issued to %s', client_id)
        return 200, {'access_token': token, 'token_type': 'Bearer',
            'expires_in': state.token_lifetime}

    def _directory_lines(self, siren):
        state = self.state
        lines = state.directory.get(siren)
        if lines is None and state.answer_all:
            lines = [{'addressingIdentifier': siren, 'siren': siren,
                    'directoryLineStatus': 'Enabled', 'platformType': 'WK'}]
        return lines or []

    def directory_search(self, body, path):
        filters = json.loads(body or b'{}').get('filters', {})
        siren = (filters.get('siren') or {}).get('value', '')
        siret = (filters.get('siret') or {}).get('value')
        lines = [line for line in self._directory_lines(siren)
            if not siret or line.get('siret') == siret]
        logger.info('directory look-up %s: %s', siret or siren, ', '.join(
                line['addressingIdentifier'] for line in lines) or 'absent')
        return 200, {'results': lines, 'totalNumberOfResults': len(lines)}

    def directory_siren(self, body, path):
        siren = path.rsplit(':', 1)[-1]
        if not self._directory_lines(siren):
            return 404, {'errorCode': 'NOT_FOUND', 'errorMessage': siren}
        return 200, {'siren': siren, 'businessName': f'Entreprise {siren}',
            'entityType': 'PrivateVatRegistered', 'administrativeStatus': 'A'}

    def directory_siret(self, body, path):
        siret = path.rsplit(':', 1)[-1]
        if not self._directory_lines(siret[:9]):
            return 404, {'errorCode': 'NOT_FOUND', 'errorMessage': siret}
        return 200, {'siret': siret, 'name': f'Établissement {siret}',
            'administrativeStatus': 'A', 'address': {'countryCode': 'FR'}}

    def _multipart(self, body):
        head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n"
        message = email.parser.BytesParser(policy=email.policy.default
            ).parsebytes(head.encode() + body)
        parts = {}
        for part in message.iter_parts():
            name = part.get_param('name', header='content-disposition')
            parts[name] = (part.get_filename(), part.get_payload(decode=True))
        return parts

    def deposit(self, body, path):
        state = self.state
        parts = self._multipart(body)
        info = json.loads((parts.get('flowInfo') or (None, b'{}'))[1])
        content = (parts.get('file') or (None, b''))[1]
        name = info.get('name') or (parts.get('file') or ('',))[0]
        if not content or not name or info.get('flowSyntax') not in (
                'CII', 'UBL', 'Factur-X', 'CDAR', 'FRR'):
            return 400, {'errorCode': 'MISSING_REQUIRED_FIELD',
                'errorMessage': 'file, name and flowSyntax are required'}
        with state.lock:
            state.deposits += 1
            key = info.get('trackingId') or name
            flow = state.flows.get(state.keys.get(key))
            if flow is not None:  # idempotency: the same flow again
                state.duplicate_deposits += 1
                logger.info('deposit %s again: same flow %s', name,
                    flow.meta['flowId'])
                return 202, self._info(flow)
            flow = self._store_deposit(info, name, content)
            state.keys[key] = flow.meta['flowId']
            return 202, self._info(flow)

    def _store_deposit(self, info, name, content):
        state = self.state
        syntax = info['flowSyntax']
        invoice = None
        if syntax not in FLOW_TYPES:
            invoice = read_invoice(content, name, state.seller_siren)
        meta = {'name': name, 'trackingId': info.get('trackingId'),
            'flowSyntax': syntax, 'processingRule': info.get('processingRule'),
            'processingRuleSource': 'Input' if info.get('processingRule')
            else 'Computed',
            'flowType': FLOW_TYPES.get(syntax, 'CustomerInvoice'),
            'flowDirection': 'Out', 'flowProfile': 'Undefined',
            'sha256': hashlib.sha256(content).hexdigest(),
            'acknowledgement': {'status': 'Ok'}}
        if self.fault and self.fault['action'] == 'ack':
            meta['acknowledgement'] = {'status': 'Error',
                'details': self.fault['details']}
        flow = state.store(meta, content, invoice)
        logger.info('deposit %s %s (flow %s)', syntax,
            invoice.number if invoice else name, meta['flowId'])
        if invoice is not None:
            start = time.monotonic()
            flow.pending = [(start + delay, code, reason_code, reason)
                for code, delay, reason_code, reason in state.auto_statuses]
        return flow

    @staticmethod
    def _info(flow):
        return {key: value for key, value in flow.meta.items()
            if value is not None}

    def search(self, body, path):
        self.state.materialize()
        query = json.loads(body or b'{}')
        where = query.get('where') or {}
        after = where.get('updatedAfter')
        after = dt.datetime.fromisoformat(after) if after else None
        limit = min(int(query.get('limit') or 25), 100)
        with self.state.lock:
            flows = sorted(self.state.flows.values(),
                key=lambda flow: flow.meta['updatedAt'])
        results = []
        for flow in flows:
            meta = flow.meta
            if after and dt.datetime.fromisoformat(meta['updatedAt']) <= after:
                continue
            if any(where.get(key) and meta.get(key) not in where[key] for key
                    in ('flowType', 'flowDirection', 'processingRule')):
                continue
            if where.get('trackingId') and (
                    meta.get('trackingId') != where['trackingId']):
                continue
            results.append(self._info(flow))
        if results:
            logger.info('flow search %s: %s flow(s)', where.get(
                    'flowDirection') or '', len(results[:limit]))
        return 200, {'results': results[:limit], 'limit': limit,
            'filters': where}

    def get_flow(self, body, path):
        self.state.materialize()
        flow = self.state.flows.get(path.rsplit('/', 1)[-1])
        if flow is None:
            return 404, {'errorCode': 'MISSING_RESOURCE'}
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(
                    self.path).query))
        if query.get('docType', 'Metadata') == 'Metadata':
            return 200, self._info(flow)
        return (200, flow.content, 'application/octet-stream',
            {'Content-Disposition':
                f"attachment;filename={flow.meta['name']}"})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, state):
        self.state = state
        self.connections = set()
        super().__init__(address, Handler)


