"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, free port).

It keeps every message it accepted, can refuse them (failure injection),
can hold the DATA of the next message until released (to make two sends
overlap) and can keep a message then drop the connection before its reply
(a lost reply: the client cannot know the message was kept).
"""
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller

import trytond.config as config


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        sink = self.sink
        if sink.refusal:
            sink.refused += 1
            return sink.refusal
        if sink.hold_event is not None:
            sink.holding.set()
            event, sink.hold_event = sink.hold_event, None
            # Blocking on purpose: the next message waits for release()
            event.wait(30)
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default)
        with sink.lock:
            sink.messages.append((list(envelope.rcpt_tos), message))
            drop, sink.drops = sink.drops > 0, max(sink.drops - 1, 0)
        if drop:
            server.transport.abort()
        return '250 2.0.0 Message accepted for delivery'


class SMTPSink:
    def __init__(self):
        self.messages = []
        self.refusal = None
        self.refused = 0
        self.drops = 0
        self.lock = threading.Lock()
        self.hold_event = None
        self.holding = threading.Event()
        self.port = free_port()
        self.controller = Controller(
            _Handler(self), hostname='127.0.0.1', port=self.port)
        self._saved = {}

    @property
    def uri(self):
        return 'smtp://127.0.0.1:%s' % self.port

    def start(self, from_addr='Service facturation <facturation@example.com>'):
        self.controller.start()
        for option, value in [('uri', self.uri), ('from', from_addr),
                ('retry', '1')]:
            self._saved[option] = config.get('email', option)
            config.set('email', option, value)
        return self

    def stop(self):
        for option, value in self._saved.items():
            if value is None:
                config._config.remove_option('email', option)
                config._cache_clear()
            else:
                config.set('email', option, value)
        self.controller.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *args):
        self.stop()

    def refuse(self, reply='550 5.7.1 Delivery refused'):
        "Refuse every message until accept() is called"
        self.refusal = reply

    def accept(self):
        self.refusal = None

    def drop_after_data(self, count=1):
        "Keep the next count messages, then cut the line before replying"
        self.drops = count

    def hold_next(self):
        "Block the DATA of the next message until release()"
        event = threading.Event()
        self.hold_event = event
        self.holding.clear()
        self._release = event
        return event

    def release(self):
        self._release.set()

    def subjects(self):
        return [m['Subject'] for _, m in self.messages]

    def recipients(self):
        return [r for rcpts, _ in self.messages for r in rcpts]

    def pdf_attachments(self, message):
        return [part for part in message.iter_attachments()
            if part.get_content_type() == 'application/pdf']
