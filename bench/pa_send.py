"""Deposits per second through the PA transport alone (issue 13, P3).

Starts the local PA simulator in its own process (scripts/pa_simulator.py on
127.0.0.1), then deposits N documents through ``transports.pa`` (pyfrctc
underneath) from W threads, one transport each, and reports deposits/s,
latencies and the client's CPU per deposit.  ``--baseline`` also times the
same multipart POSTs with a bare requests session, to show what pyfrctc and
our transport add to the round trip.

    .venv/bin/python bench/pa_send.py -n 1000 [--workers 2] [--baseline]
"""
import argparse
import json
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import threading
import time

import requests

ROOT = pathlib.Path(__file__).resolve().parent.parent
from trytond.modules.lot_facturation.transports import pa  # noqa: E402


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def start_simulator(port):
    process = subprocess.Popen([sys.executable,
            str(ROOT / 'scripts' / 'pa_simulator.py'), '--port', str(port),
            '--statuses', '', '--client-secret', 'bench'],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(('127.0.0.1', port), 0.1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit('the PA simulator did not start')


def document(size):
    "A PDF-looking payload of ``size`` bytes (the simulator stores it as is)."
    return (b'%PDF-1.7\n' + os.urandom(size // 2).hex().encode())[:size]


def deposit_all(config, payload, keys):
    "Deposit one flow per key with one transport; return the latencies."
    transport = pa.transport(config)
    transport.lookup('732829320')  # token and connection outside the timing
    latencies = []
    for key in keys:
        start = time.perf_counter()
        transport.deposit(payload, f'{key}.pdf', 'B2B', key)
        latencies.append(time.perf_counter() - start)
    return latencies


def baseline(url, payload, count):
    "The same multipart POST with a bare requests session (no pyfrctc)."
    session = requests.Session()
    token = session.post(f'{url}/oauth2/token', data={
            'grant_type': 'client_credentials', 'client_id': 'lot-facturation',
            'client_secret': 'bench'}).json()['access_token']
    session.headers['Authorization'] = f'Bearer {token}'
    start = time.perf_counter()
    for index in range(count):
        name = f'raw-{index}__raw-{index}.pdf'
        response = session.post(f'{url}/afnor-flow/v1/flows', files={
                'file': (name, payload),
                'flowInfo': (None, json.dumps(
                        {'flowSyntax': 'Factur-X', 'name': name}),
                    'text/plain')})
        response.raise_for_status()
    return count / (time.perf_counter() - start)


def run(count, workers, size, with_baseline):
    port = free_port()
    process = start_simulator(port)
    try:
        url = f'http://127.0.0.1:{port}'
        config = pa.PAConfig(url, 'lot-facturation', 'bench')
        payload = document(size)
        shares = [[f'bench-{w}-{i}' for i in range(w, count, workers)]
            for w in range(workers)]
        results = [None] * workers
        cpu, wall = time.process_time(), time.perf_counter()
        threads = [threading.Thread(target=lambda w=w: results.__setitem__(
                    w, deposit_all(config, payload, shares[w])))
            for w in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        latencies = sorted(sum(results, []))
        print(f'{count} deposits of {size} bytes, {workers} worker(s): '
            f'{count / wall:.0f} deposits/s, latency median '
            f'{statistics.median(latencies) * 1000:.1f} ms, p95 '
            f'{latencies[int(len(latencies) * .95)] * 1000:.1f} ms, client '
            f'CPU {cpu / count * 1000:.2f} ms per deposit')
        if with_baseline:
            print(f'bare requests, same POSTs: '
                f'{baseline(url, payload, count):.0f} deposits/s')
    finally:
        process.terminate()
        process.wait(10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('-n', type=int, default=1000)
    parser.add_argument('--workers', type=int, default=1)
    parser.add_argument('--size', type=int, default=40_000,
        help='bytes per document (a Factur-X is typically 30-60 kB)')
    parser.add_argument('--baseline', action='store_true')
    args = parser.parse_args()
    run(args.n, args.workers, args.size, args.baseline)


if __name__ == '__main__':
    main()
