"""End-to-end browser tests: the French web client (sao) on the demo data.

One session takes a French demo database built by ``scripts/run-demo`` (in
``test-output/browser/demo``, never the developer's ``demo/``; a copy of
the same build while nothing it depends on changed, see ``build_demo``),
starts a
test SMTP server (``tests/smtp_sink.py``) and ``trytond`` serving sao on a
free port of 127.0.0.1 with Tryton's ``[email] uri`` pointing at that
server, then drives Debian's Chromium through Playwright.  Playwright never
downloads a browser here: ``executable_path`` is ``/usr/bin/chromium``.

Run them with ``scripts/run-tests browser`` (a stage of ``make test``).
Screenshots of every step land in ``test-output/browser/``.
"""
import datetime
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUTPUT = ROOT / 'test-output' / 'browser'
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update',
    '--no-first-run']
DATABASE = 'lot_facturation_demo'
VIEWPORT = {'width': 1280, 'height': 800}
# Settings tests/conftest.py gives the unit tests; not for our subprocesses
TEST_ENV = ['TRYTOND_DATABASE__URI', 'TRYTOND_DATABASE_URI',
    'TRYTOND_DATABASE__PATH', 'DB_NAME', 'DB_CACHE', 'TRYTOND_CONFIG']

sys.path.insert(0, str(ROOT / 'tests'))
sys.path.insert(1, str(ROOT / 'scripts'))
import db_cache  # noqa: E402
import demo_pa  # noqa: E402
from pa_simulator import PASimulator  # noqa: E402
from smtp_sink import SMTPSink, free_port  # noqa: E402


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in TEST_ENV}
    env.update(extra)
    return env


def build_demo(folder):
    """The French demo database in folder, as scripts/run-demo builds it.

    Built once per version of what makes it (``demo_key``) and kept
    untouched in .cache/browser-demo/<key>/: a later session copies that
    build, the very database a fresh one would give.  BROWSER_FRESH_DEMO=1
    builds anew; a fresh clone (CI) always builds.
    """
    cache = ROOT / '.cache' / 'browser-demo'
    pristine = cache / demo_key()
    if os.environ.get('BROWSER_FRESH_DEMO') != '1' and pristine.is_dir():
        shutil.copytree(pristine, folder)
        return
    log = OUTPUT / 'run-demo.log'
    with log.open('w') as output:
        result = subprocess.run([str(ROOT / 'scripts' / 'run-demo')],
            env=clean_env(DEMO_DIR=str(folder), DEMO_SERVE='0'),
            stdout=output, stderr=subprocess.STDOUT)
    if result.returncode:
        pytest.fail(f"scripts/run-demo failed, see {log}", pytrace=False)
    shutil.rmtree(cache, ignore_errors=True)  # builds of other versions
    shutil.copytree(folder, pristine.with_suffix('.part'))
    pristine.with_suffix('.part').rename(pristine)


def demo_key():
    """What the demo database depends on: the module and Tryton versions
    (``db_cache.digest``), the scripts that build it and the date (the
    demo data are dated from today)."""
    sha = hashlib.sha1(db_cache.digest(test_helpers=False).encode())
    scripts = ROOT / 'scripts'
    for path in [scripts / 'run-demo', *sorted(scripts.glob('demo_*.py'))]:
        sha.update(path.read_bytes())
    return f'{datetime.date.today().isoformat()}-{sha.hexdigest()[:12]}'


def write_config(folder, port, smtp_uri):
    sao = ROOT / 'demo' / 'web' / 'node_modules' / 'tryton-sao'
    config = folder / 'browser.conf'
    config.write_text(f"""[database]
uri = sqlite://
path = {folder}
language = fr

[web]
listen = 127.0.0.1:{port}
root = {sao}

[email]
uri = {smtp_uri}
from = Artis Services SAS <facturation@artis-services.example>

[queue]
worker = False
""")
    return config


def wait_http(url, process, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("trytond stopped at start-up, see "
                f"{OUTPUT / 'trytond.log'}", pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"trytond did not answer on {url}", pytrace=False)


@pytest.fixture(scope='session')
def output():
    shutil.rmtree(OUTPUT, ignore_errors=True)
    OUTPUT.mkdir(parents=True)
    return OUTPUT


@pytest.fixture(scope='session')
def smtp():
    sink = SMTPSink()
    sink.controller.start()   # not sink.start(): no trytond config here
    yield sink
    sink.controller.stop()


@pytest.fixture(scope='session')
def pa():
    """The demo's Plateforme Agréée: the local simulator with the directory
    run-demo gives it, 200 then 202 right after each deposit"""
    sim = PASimulator(client_secret=demo_pa.CLIENT_SECRET,
        seller_siren=demo_pa.seller_siren())
    for item in demo_pa.directory_argument().split(','):
        siren, _, siret = item.partition(':')
        sim.add_directory_line(siren, siret=siret)
    sim.auto_statuses = [('200', 0), ('202', 0)]
    with sim:
        yield sim


def point_pa(folder, url):
    "The demo company's PA is this session's simulator (its port)"
    import sqlite3
    connection = sqlite3.connect(folder / f'{DATABASE}.sqlite')
    with connection:
        connection.execute(
            'UPDATE account_configuration_pa SET pa_url = ? '
            'WHERE pa_url IS NOT NULL', (url,))
    connection.close()


@pytest.fixture(scope='session')
def server(output, smtp, pa):
    "trytond serving sao and a fresh demo database; yields its URL"
    folder = output / 'demo'
    build_demo(folder)
    point_pa(folder, pa.url)
    port = free_port()
    config = write_config(folder, port, smtp.uri)
    with (output / 'trytond.log').open('w') as log:
        process = subprocess.Popen(
            [str(ROOT / '.venv' / 'bin' / 'trytond'), '-c', str(config),
                '-d', DATABASE, '-v'],
            env=clean_env(), stdout=log, stderr=subprocess.STDOUT)
        url = f'http://127.0.0.1:{port}/'
        try:
            wait_http(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope='session')
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    "Remember each phase's report on the test (screenshot on failure)"
    report = yield
    setattr(item, 'report_' + report.when, report)
    return report
