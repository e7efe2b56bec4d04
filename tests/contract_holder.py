"""Hold some contracts the way another user's transaction would (B6).

    python contract_holder.py DATABASE ID [ID...]

PostgreSQL: ``SELECT ... FOR UPDATE`` on the contracts, held until a line
arrives on stdin.  SQLite has no row locks: an update of the contracts takes
the database's single write lock, held one second.  Prints ``held`` once the
lock is taken; rolls back at the end (nothing is written).
"""
import sys
import time

from sql import For


def main(database, ids):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(database)
    pool.init()
    with Transaction().start(database, 0) as transaction:
        table = pool.get('sale.subscription').__table__()
        cursor = transaction.connection.cursor()
        where = table.id.in_(ids)
        if transaction.database.has_select_for():
            cursor.execute(*table.select(table.id, where=where,
                    for_=For('UPDATE')))
            print('held', flush=True)
            sys.stdin.readline()
        else:
            cursor.execute(*table.update([table.write_date],
                    [table.write_date], where=where))
            print('held', flush=True)
            time.sleep(1)
        transaction.rollback()


if __name__ == '__main__':
    main(sys.argv[1], [int(i) for i in sys.argv[2:]])
