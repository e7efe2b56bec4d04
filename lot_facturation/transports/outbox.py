# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""A folder watched by an EDI connector (Chorus Pro, SPEC C4).

A file is written under a temporary name then renamed, so the connector
never picks up half a file.
"""
import os
import shutil


def usable(folder):
    "Whether folder exists and can be written to."
    return os.path.isdir(folder) and os.access(folder, os.W_OK)


def drop(path, folder, filename):
    "Copy the file at path into folder as filename; return the new path."
    target = os.path.join(folder, filename)
    partial = target + '.part'
    shutil.copyfile(path, partial)
    os.replace(partial, target)
    return target
