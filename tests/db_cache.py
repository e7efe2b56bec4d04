"""Where Tryton's test database cache (``DB_CACHE``) lives.

Shared by ``conftest.py`` and ``scripts/update_po.py`` so that both reuse
the same cached databases.  The folder name is a digest of everything that
changes what an activated database contains: our module's files, the test
helpers that build cached databases (``tests/*.py`` but ``test_*.py``:
scenario set-up functions, the translation set-up) and the versions of the
installed Tryton distributions.
"""
import hashlib
import importlib.metadata
import os
import pathlib
import shutil
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODULE = ROOT / 'lot_facturation'
SUFFIXES = {'.py', '.xml', '.cfg', '.po', '.fodt', '.odt', '.html', '.svg'}
STALE_AFTER = 24 * 60 * 60


def _source_files(test_helpers):
    for path in sorted(MODULE.rglob('*')):
        if (path.is_file() and path.suffix in SUFFIXES
                and '__pycache__' not in path.parts):
            yield path
    if test_helpers:
        for path in sorted((ROOT / 'tests').glob('*.py')):
            if not path.name.startswith('test_'):
                yield path


def _tryton_versions():
    names = set()
    for dist in importlib.metadata.distributions():
        name = (dist.metadata['Name'] or '').lower().replace('_', '-')
        if name.startswith(('trytond', 'proteus')) and name not in names:
            names.add(name)
            yield f'{name}=={dist.version}'


def digest(test_helpers=True):
    "Hash of the module's files, test helpers and Tryton versions."
    sha = hashlib.sha1()
    for path in _source_files(test_helpers):
        sha.update(str(path.relative_to(ROOT)).encode())
        sha.update(path.read_bytes())
    for version in sorted(_tryton_versions()):
        sha.update(version.encode())
    return sha.hexdigest()[:12]


def cache_folder():
    root = pathlib.Path(
        os.environ.get('LOT_FACTURATION_CACHE', ROOT / '.cache' / 'db'))
    return root / digest()


def prune_stale(current):
    "Remove cache folders of other digests unused for a day (disk space)."
    if not current.parent.is_dir():
        return
    now = time.time()
    for folder in current.parent.iterdir():
        if (folder != current and folder.is_dir()
                and now - folder.stat().st_mtime > STALE_AFTER):
            shutil.rmtree(folder, ignore_errors=True)
