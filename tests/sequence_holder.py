"""Hold the invoice numbering the way another poster would (B7).

    python sequence_holder.py DATABASE

PostgreSQL: ``SELECT ... FOR UPDATE`` on every strict sequence, as a user
posting one invoice holds the sequence until commit.  SQLite has no row
locks: an update of the sequences takes the database's single write lock.
Prints ``held`` once the lock is taken, holds it until a line arrives on
stdin, then rolls back (nothing is written).  Plain SQL through Tryton's
backend: no pool to load, so it starts in a moment.
"""
import sys

from trytond import backend, config


def main(name):
    config.update_etc()
    database = backend.Database(name).connect()
    connection = database.get_connection()
    cursor = connection.cursor()
    if database.has_select_for():
        cursor.execute('SELECT id FROM ir_sequence_strict FOR UPDATE')
    else:
        cursor.execute(
            'UPDATE ir_sequence_strict SET write_date = write_date')
    print('held', flush=True)
    sys.stdin.readline()
    connection.rollback()
    database.put_connection(connection)


if __name__ == '__main__':
    main(sys.argv[1])
