"""Test settings shared by every test.

Tryton caches the databases it creates for tests in ``DB_CACHE`` under a
name made of the module names only, so a cache would survive a change of our
models or XML.  We key the cache folder by a hash of the module's files.
"""
import hashlib
import os
import pathlib

MODULE = pathlib.Path(__file__).resolve().parent.parent / 'lot_facturation'


def _module_digest():
    digest = hashlib.sha1()
    for path in sorted(MODULE.rglob('*')):
        if path.is_file() and path.suffix in {'.py', '.xml', '.cfg', '.po'}:
            digest.update(str(path.relative_to(MODULE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


if 'DB_CACHE' not in os.environ:
    cache_root = pathlib.Path(
        os.environ.get('LOT_FACTURATION_CACHE',
            MODULE.parent / '.cache' / 'db'))
    os.environ['DB_CACHE'] = str(cache_root / _module_digest())


# --- A real SMTP server (aiosmtpd) for the send tests (SPEC S3) ---
import pytest  # noqa: E402


@pytest.fixture
def smtp_server():
    "An SMTP server on 127.0.0.1 that trytond's [email] uri points to"
    from smtp_sink import SMTPSink
    with SMTPSink() as sink:
        yield sink
