"""Plateforme Agréée (PA): directory, deposit, flow search, statuses.

``PATransport`` is the interface the models use; ``AfnorTransport`` speaks
AFNOR XP Z12-013 through pyfrctc (token, directory, flows).  Another PA
protocol is another subclass registered in PROTOCOLS.

pyfrctc resolves every URL from its ``PLATFORMS`` table, found from the
session's token URL.  The configured PA is registered there at run time
(``register_platform``): the library's own mechanism, its files untouched.
"""
import datetime as dt
import logging
import os
import re
import threading
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass

import pyfrctc
import requests
import urllib3
from oauthlib.oauth2.rfc6749.errors import MissingTokenError, OAuth2Error
from pyfrctc.pyfrctc import PLATFORMS, TIMEOUT
from requests.adapters import HTTPAdapter

from ..formats.cdar import parse_status

logger = logging.getLogger(__name__)
MODES = ('test', 'production')
LOOPBACK = ('127.0.0.1', 'localhost', '::1')
NAME_SEPARATOR = '__'
_KEY = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$')
_TOKEN_MARGIN = TIMEOUT  # pyfrctc renews a token this close to its expiry
_LOCK = threading.Lock()


class PAError(Exception):
    """A PA operation failed; ``kind`` tells the caller what to do:
    unreachable (nothing reached the PA), timeout (outcome unknown: search
    before depositing again), rejected (the PA refused it: ``reason``),
    server_error (the PA failed: retry later)."""
    kind = 'error'
    retryable = True

    def __init__(self, operation, reason='', status=None, code=''):
        self.operation = operation
        self.reason = reason
        self.status = status
        self.code = code
        super().__init__(f'{operation}: {self.kind}'
            + (f' (HTTP {status})' if status else '')
            + (f' {code}' if code else '') + (f': {reason}' if reason else ''))


class PAUnreachable(PAError):
    kind = 'unreachable'


class PATimeout(PAError):
    kind = 'timeout'


class PARejected(PAError):
    kind = 'rejected'
    retryable = False


class PAServerError(PAError):
    kind = 'server_error'


@dataclass(frozen=True)
class PAConfig:
    """A company's PA: API URL, OAuth2 client credentials, test/production.
    ``token_url`` defaults to ``<url>/oauth2/token``."""
    url: str
    client_id: str
    client_secret: str
    mode: str = 'test'
    token_url: str = ''
    timeout: float = 30.0
    protocol: str = 'afnor'
    search_days: int = 7

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f'PA mode must be one of {MODES}')
        for url in filter(None, (self.url, self.token_url)):
            parts = urllib.parse.urlsplit(url)
            if parts.scheme not in ('http', 'https'):
                raise ValueError(f'Not an HTTP URL: {url!r}')
            if parts.scheme == 'http' and (self.mode == 'production'
                    or parts.hostname not in LOOPBACK):
                raise ValueError(
                    'A PA is reached over https (http: local test PA only)')
        if not (self.client_id and self.client_secret):
            raise ValueError('The PA needs an OAuth2 client id and secret')

    @property
    def base_url(self):
        return self.url.rstrip('/')

    @property
    def oauth_token_url(self):
        return self.token_url or f'{self.base_url}/oauth2/token'

    @property
    def insecure(self):
        "A local test PA over http (the tests' and the demo's simulator)."
        return self.oauth_token_url.startswith('http:')


@dataclass(frozen=True)
class DirectoryLine:
    """The directory line a buyer receives invoices at.  ``address`` is its
    addressing identifier (electronic address BT-49, scheme 0225)."""
    address: str
    kind: str
    siren: str
    siret: str = ''
    routing_code: str = ''
    suffix: str = ''
    state: str = 'disabled'
    platform_type: str = ''
    valid_from: dt.date = None
    valid_to: dt.date = None

    @property
    def usable(self):
        "Invoices may be sent to it now (directoryLineStatus Enabled)."
        return self.state == 'active'

    def as_record(self):
        "JSON-ready values, to store the line used on the exchange."
        return {key: (value.isoformat() if isinstance(value, dt.date)
                else value) for key, value in self.__dict__.items()}


@dataclass(frozen=True)
class LifecycleStatus:
    """One status message fetched from the PA.  The same message can come
    twice (two flows): ``key`` is equal for both, record it once."""
    flow_id: str
    received_at: dt.datetime
    code: str
    invoice_number: str
    seller_siren: str = ''
    name: str = ''
    date: dt.datetime = None
    reason_code: str = ''
    reason: str = ''
    comment: str = ''
    message_id: str = ''
    amounts: tuple = ()
    error: str = ''

    @property
    def key(self):
        if self.message_id:
            return self.message_id
        if self.error:
            return f'flow:{self.flow_id}'
        return '|'.join(str(value) for value in (self.seller_siren,
                self.invoice_number, self.code, self.date, self.amounts))


@dataclass(frozen=True)
class FlowAcknowledgement:
    "The PA's technical checks of a deposited flow: pending, ok or error."
    flow_id: str
    state: str
    details: str = ''


class PATransport:
    "What the models need from a PA, whatever its protocol."

    def lookup(self, siren, siret=None):
        "The DirectoryLine invoices to this buyer go to, or None if absent."
        raise NotImplementedError

    def deposit(self, document, filename, processing_rule, idempotency_key,
            syntax='Factur-X'):
        "Deposit ``document`` (bytes) as a flow; return the PA's flow id."
        raise NotImplementedError

    def find_flow(self, idempotency_key, since=None):
        "Flow id of the flow deposited with this key, or None."
        raise NotImplementedError

    def statuses(self, since):
        "LifecycleStatus of every status message received after ``since``."
        raise NotImplementedError

    def acknowledgement(self, flow_id):
        "FlowAcknowledgement of a deposited flow (virus, format, unicity)."
        raise NotImplementedError


def flow_name(idempotency_key, filename):
    "Flow name carrying the key: pyfrctc 0.24 cannot send a trackingId."
    if not _KEY.match(idempotency_key or ''):
        raise ValueError(f'Invalid idempotency key: {idempotency_key!r}')
    name = f'{idempotency_key}{NAME_SEPARATOR}{filename}'
    if len(name) > 255:
        raise ValueError('Flow name longer than 255 characters')
    return name


def register_platform(config):
    """Register the configured PA in pyfrctc's PLATFORMS and return its key.
    pyfrctc finds the platform of a session by its token URL, so one token
    URL cannot serve two API URLs in one process."""
    entry = {
        'afnor_base_url': config.base_url,
        'token_url': config.oauth_token_url,
        'authorize_url': f'{config.base_url}/oauth2/authorize',
        'label': f'{config.base_url} ({config.mode})',
        }
    with _LOCK:
        for key, existing in PLATFORMS.items():
            if existing.get('token_url') != entry['token_url']:
                continue
            if existing.get('afnor_base_url') != entry['afnor_base_url']:
                raise ValueError(
                    f'Token URL {entry["token_url"]} already serves '
                    f'{existing.get("afnor_base_url")}')
            return key
        key = f'lot_facturation:{entry["token_url"]}'
        PLATFORMS[key] = entry
    return key


class _TimeoutAdapter(HTTPAdapter):
    "Our time-out on every request (pyfrctc passes its own 30 s constant)."

    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def send(self, request, **kwargs):
        kwargs['timeout'] = self.timeout
        return super().send(request, **kwargs)


def _chain(error):
    seen = []
    while error is not None and error not in seen:
        seen.append(error)
        if isinstance(error, requests.ConnectionError) and error.args:
            inner = error.args[0]
            if isinstance(inner, urllib3.exceptions.MaxRetryError):
                seen.append(inner.reason)
        error = error.__cause__ or error.__context__
    return seen


def _network_error(operation, chain):
    "PAUnreachable/PATimeout for a network failure in ``chain``, or None."
    for error in chain:
        if isinstance(error, (requests.exceptions.ConnectTimeout,
                    urllib3.exceptions.NewConnectionError,
                    ConnectionRefusedError)):
            return PAUnreachable(operation, reason=str(error))
    for error in chain:
        if isinstance(error, (requests.Timeout, requests.ConnectionError)):
            # Read time-out or connection dropped: the PA may have acted.
            return PATimeout(operation, reason=str(error))
    return None


def _http_error(operation, response):
    "PARejected/PAServerError/PATimeout for the PA's error ``response``."
    try:
        body = response.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    code = str(body.get('errorCode') or body.get('error') or '')
    reason = str(body.get('errorMessage') or body.get('error_description')
        or body.get('details') or response.reason or '')
    status = response.status_code
    if status == 408:
        return PATimeout(operation, reason, status, code)
    if 400 <= status < 500 and status != 429:
        return PARejected(operation, reason, status, code)
    return PAServerError(operation, reason, status, code)


def _date(value):
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _line(address, vals, raw):
    "DirectoryLine from pyfrctc's parsed line and the raw JSON line."
    period = raw.get('period') if isinstance(raw.get('period'), dict) else {}
    return DirectoryLine(
        address=address, kind=vals['type'], siren=vals['siren'],
        siret=vals.get('siret') or '', routing_code=vals.get('routing_code')
        or '', suffix=vals.get('suffix') or '', state=vals['state'],
        platform_type=str(raw.get('platformType') or ''),
        # Directory API >= 1.1 dropped dateFrom/dateTo: kept when present.
        valid_from=_date(raw.get('dateFrom') or period.get('dateFrom')),
        valid_to=_date(raw.get('dateTo') or period.get('dateTo')))


def choose_line(lines, siret=None):
    """The line an invoice without routing code goes to: the SIRET's own
    line, else the SIREN's; active before upcoming before disabled."""
    rank = {'active': 0, 'upcoming': 1, 'disabled': 2}
    candidates = [line for line in lines
        if (line.kind == 'siret' and siret and line.siret == siret)
        or line.kind == 'siren']
    candidates.sort(key=lambda line: (
            rank.get(line.state, 3), line.kind != 'siret'))
    return candidates[0] if candidates else None


def _utc(moment):
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


class AfnorTransport(PATransport):
    """XP Z12-013 through pyfrctc, client-credentials OAuth2.  One instance
    per thread (it remembers the last responses to classify errors).
    ``load_token``/``save_token`` let the caller share the token."""

    def __init__(self, config, load_token=None, save_token=None):
        self.config = config
        self.platform = register_platform(config)
        if config.insecure:
            # oauthlib's own switch; PAConfig allows http on loopback only.
            os.environ.setdefault('OAUTHLIB_INSECURE_TRANSPORT', '1')
        self._load_token = load_token
        self._save_token = save_token
        self._token = {}
        self._session = None
        self._responses = []

    def _get_token(self, auth_method):
        token = (self._load_token() if self._load_token else None) or (
            self._token)
        return {'access_token': token.get('access_token'),
            'expires_at': token.get('expires_at')}

    def _set_token(self, token):
        self._token = dict(token)
        if self._save_token:
            self._save_token(dict(token))

    def _remember(self, response, *args, **kwargs):
        self._responses.append(response)

    def session(self):
        "pyfrctc's session, renewed shortly before its token expires."
        expires_at = (self._token.get('expires_at') or 0)
        if self._session is None or expires_at < time.time() + _TOKEN_MARGIN:
            session = pyfrctc.get_session(
                self.platform, 'client_credentials', self.config.base_url,
                self._get_token, self._set_token, self.config.client_id,
                self.config.client_secret)
            adapter = _TimeoutAdapter(self.config.timeout)
            session.mount('http://', adapter)
            session.mount('https://', adapter)
            session.hooks['response'].append(self._remember)
            self._token = dict(session.token or self._token)
            self._session = session
        return self._session

    @contextmanager
    def _classified(self, operation):
        "Turn pyfrctc's exceptions into PAError subclasses."
        self._responses = []
        try:
            yield
        except PAError:
            raise
        except ValueError as error:
            if not isinstance(error, requests.RequestException):
                raise  # pyfrctc refused our arguments (e.g. invalid SIREN)
            raise PAServerError(operation, str(error)) from error
        except MissingTokenError as error:
            raise PAServerError(operation, 'The PA gave no token') from error
        except OAuth2Error as error:
            raise PARejected(operation, error.description or error.error,
                error.status_code, 'OAUTH2') from error
        except Exception as error:
            raise self._classify(operation, error) from error

    def _classify(self, operation, error):
        network = _network_error(operation, _chain(error))
        if network is not None:
            return network
        failed = [r for r in self._responses if r.status_code >= 400]
        if not failed:
            return PAServerError(operation, str(error))
        if failed[-1].status_code == 401:  # token refused: fetch a new one
            self._session, self._token = None, {}
            if self._save_token:
                self._save_token({})
        return _http_error(operation, failed[-1])

    def _raw_lines(self):
        raw = {}
        for response in self._responses:
            try:
                results = response.json().get('results') or []
            except (ValueError, AttributeError):
                continue
            for item in results:
                if isinstance(item, dict) and item.get('addressingIdentifier'):
                    raw[item['addressingIdentifier']] = item
        return raw

    def lookup(self, siren, siret=None):
        with self._classified('directory look-up'):
            lines = pyfrctc.get_directory_lines_parsed(self.session(), siren)
        raw = self._raw_lines()
        return choose_line([_line(address, vals, raw.get(address, {}))
                for address, vals in lines.items()], siret)

    def deposit(self, document, filename, processing_rule, idempotency_key,
            syntax='Factur-X'):
        name = flow_name(idempotency_key, filename)
        with self._classified('deposit'):
            flow = pyfrctc.send_flow(
                self.session(), document, name, syntax, processing_rule)
        flow_id = flow.get('flowId') if isinstance(flow, dict) else None
        if not flow_id:
            raise PAServerError('deposit', 'The PA answered without flow id')
        logger.info('deposited %s as flow %s', name, flow_id)
        return str(flow_id)

    def find_flow(self, idempotency_key, since=None):
        prefix = flow_name(idempotency_key, '')
        since = since or (dt.datetime.now(dt.timezone.utc)
            - dt.timedelta(days=self.config.search_days))
        with self._classified('flow search'):
            flows = pyfrctc.search_flows_parsed(
                self.session(), _utc(since), 'out', None)
        for flow in flows:
            if (flow.get('trackingId') == idempotency_key
                    or str(flow.get('name') or '').startswith(prefix)):
                return str(flow['flowId'])
        return None

    def _status(self, flow):
        "LifecycleStatus of one lifecycle flow (its CDAR fetched and read)."
        base = {'flow_id': str(flow['flowId']),
            'received_at': flow.get('updated_at')}
        try:
            with self._classified('status download'):
                content = pyfrctc.get_flow(self.session(), base['flow_id'],
                    doc_type='Original')
            parsed = parse_status(content)
        except (PARejected, ValueError) as error:  # this flow only
            return LifecycleStatus(code='', invoice_number='',
                error=str(error), **base)
        return LifecycleStatus(
            code=parsed.code, invoice_number=parsed.invoice_number,
            seller_siren=parsed.seller_siren, name=parsed.name,
            date=parsed.issued_at, reason_code=parsed.reason_code,
            reason=parsed.reason, comment=parsed.comment,
            message_id=parsed.message_id, amounts=parsed.amounts, **base)

    def statuses(self, since):
        with self._classified('status search'):
            flows = pyfrctc.search_flows_parsed(
                self.session(), _utc(since), 'in', ['CustomerInvoiceLC'])
        flows.sort(key=lambda flow: flow.get('updated_at') or dt.datetime.min)
        return [self._status(flow) for flow in flows]


    def acknowledgement(self, flow_id):
        with self._classified('flow acknowledgement'):
            flow = pyfrctc.get_flow_metadata_parsed(self.session(), flow_id)
        state = {'sent': 'pending', 'done': 'ok'}.get(
            flow.get('state'), flow.get('state') or 'pending')
        return FlowAcknowledgement(str(flow_id), state,
            flow.get('ap_error_details') or '')


PROTOCOLS = {'afnor': AfnorTransport}


def transport(config, **kwargs):
    "The PATransport of ``config.protocol``."
    try:
        factory = PROTOCOLS[config.protocol]
    except KeyError:
        raise ValueError(f'Unknown PA protocol {config.protocol!r}') from None
    return factory(config, **kwargs)
