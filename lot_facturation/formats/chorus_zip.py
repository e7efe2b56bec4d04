# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""ZIP of the Chorus Pro deposit, streamed to a temporary file (SPEC C3).

Each PDF is written to the archive as soon as it is added and then
forgotten: memory holds one chunk of PDFs at most, whatever the number of
invoices.  The file is on disk until ``close`` hands its path over.
"""
import os
import tempfile
import zipfile


class ChorusZip:
    "Add PDFs one by one; close() returns the path of the ZIP file"

    def __init__(self, folder=None, prefix='chorus-'):
        handle, self.path = tempfile.mkstemp(
            prefix=prefix, suffix='.zip', dir=folder)
        self._file = os.fdopen(handle, 'w+b')
        self._zip = zipfile.ZipFile(
            self._file, 'w', compression=zipfile.ZIP_DEFLATED,
            compresslevel=6)
        self.names = []
        self.size = 0

    def add(self, name, data):
        "Write data as the archive member name (unique names only)"
        if name in self.names:
            raise ValueError("duplicate member %s" % name)
        with self._zip.open(name, 'w') as member:
            for start in range(0, len(data), 1 << 16):
                member.write(data[start:start + (1 << 16)])
        self.names.append(name)

    def close(self):
        "Finish the archive; return its path"
        self._zip.close()
        self._file.flush()
        self.size = self._file.tell()
        self._file.close()
        return self.path

    def discard(self):
        "Abandon the archive and remove its file"
        try:
            self._zip.close()
            self._file.close()
        finally:
            if os.path.exists(self.path):
                os.unlink(self.path)


def member_name(number, invoice_id):
    "Name of the PDF of an invoice in the archive"
    safe = ''.join(c if c.isalnum() or c in '-_' else '_'
        for c in str(number or invoice_id))
    return 'facture-%s.pdf' % safe
