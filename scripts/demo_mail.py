#!/usr/bin/env python3
"""The demo's mail catcher: an SMTP server that delivers nothing.

    .venv/bin/python scripts/demo_mail.py --port 8025 --folder demo/mail

Why: the demo sends real e-mails (invoices to customers, notices to the
accountant) and must neither fail for want of a server nor mail anyone.
Every message it receives is written to the folder as ``NNNN.eml`` (open it
with any mail client) and listed, one line each, in ``index.txt``.
Started and stopped by ``scripts/run-demo``.
"""
import argparse
import datetime as dt
import email
import email.policy
import pathlib
import signal
import threading

from aiosmtpd.controller import Controller


class Catcher:
    "aiosmtpd handler: each message to a file and a line of the index"

    def __init__(self, folder):
        self.folder = folder
        self.lock = threading.Lock()
        self.count = len(list(folder.glob('*.eml')))

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default)
        with self.lock:
            self.count += 1
            name = f'{self.count:04d}.eml'
            (self.folder / name).write_bytes(envelope.content)
            line = '  '.join([
                    dt.datetime.now().strftime('%Y-%m-%d %H:%M:%S'), name,
                    ', '.join(envelope.rcpt_tos),
                    str(message.get('Subject', ''))])
            with (self.folder / 'index.txt').open('a') as index:
                index.write(line + '\n')
        return '250 2.0.0 Caught by the demo, not delivered'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--folder', type=pathlib.Path, required=True)
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(
        Catcher(args.folder), hostname='127.0.0.1', port=args.port)
    controller.start()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    print(f"mail catcher on 127.0.0.1:{args.port}, e-mails in "
        f"{args.folder}", flush=True)
    stop.wait()
    controller.stop()


if __name__ == '__main__':
    main()
