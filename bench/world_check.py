"""Are two bench worlds the same rows, modulo ids and timestamps?

Every table of the pool is read in both databases.  A row created by the
world (id above the company template's) is compared by its values, each
foreign key or reference to another such row replaced by that row's own
values (recursively), timestamps by whether they are set; rows of the
template are compared as they are.  Tryton's number sequences (party codes,
contract numbers) must be at the same point.
"""
import datetime as dt
import re
from collections import Counter

from trytond import backend
from trytond.transaction import Transaction

import world_sql

TIMESTAMPS = {'create_date', 'write_date'}


def snapshot(database, tables, marks):
    "{table: Counter of canonical rows} and the sequence states."
    with Transaction().start(database, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        rows = {}
        for name in tables.names:
            cursor.execute(f'SELECT * FROM "{name}"')
            columns = [d[0] for d in cursor.description]
            rows[name] = {r[0]: dict(zip(columns, r)) for r in cursor}
        sequences = _sequences(cursor)
    canon = Canon(tables, rows, marks)
    return {name: Counter(canon.row(name, id_) for id_ in table_rows)
        for name, table_rows in rows.items()}, sequences


def _sequences(cursor):
    if backend.name != 'postgresql':
        return {}  # SQLite keeps them in ir_sequence, compared as a table
    cursor.execute("SELECT sequencename, last_value FROM pg_sequences")
    return {n: v for n, v in cursor if re.fullmatch(r'ir_sequence_\d+', n)}


class Canon:
    "Rows as values only: ids of world rows replaced by those rows' values."

    def __init__(self, tables, rows, marks):
        self.tables = tables
        self.rows = rows
        self.marks = marks
        self.cache = {}

    def row(self, table, id_):
        key = table, id_
        if key not in self.cache:
            self.cache[key] = None  # a cycle reads as None
            self.cache[key] = self._row(table, id_)
        return self.cache[key]

    def _row(self, table, id_):
        row = self.rows[table][id_]
        world = id_ > self.marks.get(table, 0)
        values = [('id', 'world' if world else id_)]
        fks = self.tables.fks[table]
        for column, value in sorted(row.items()):
            if column == 'id':
                continue
            if column in TIMESTAMPS or isinstance(value, dt.datetime):
                value = value is not None
            elif column in fks:
                value = self.reference(fks[column], value)
            elif column in self.tables.refs[table] and value and (
                    ',' in value):
                model, target = value.split(',', 1)
                target_table = self.tables.model_table.get(model)
                if target_table and target.lstrip('-').isdigit():
                    value = (model, self.reference(target_table, int(target)))
            values.append((column, _hashable(value)))
        return tuple(values)

    def reference(self, table, id_):
        if id_ is None or id_ <= self.marks.get(table, 0):
            return id_
        if id_ not in self.rows.get(table, {}):
            return ('missing', table, id_)
        return self.row(table, id_)


def compare(pool, template, first, second, limit=5):
    "Differences between two worlds, as lines of text (none: the same)."
    tables = world_sql.Tables(pool)
    with Transaction().start(template, 0, readonly=True):
        marks = world_sql.max_ids(tables)
    one, one_sequences = snapshot(first, tables, marks)
    two, two_sequences = snapshot(second, tables, marks)
    lines = []
    for name in tables.names:
        if one[name] == two[name]:
            continue
        only_one = one[name] - two[name]
        only_two = two[name] - one[name]
        lines.append(f'{name}: {sum(only_one.values())} rows only in '
            f'{first}, {sum(only_two.values())} only in {second}')
        for row in list(only_one)[:limit]:
            lines.append(f'  {first}: {_short(row)}')
        for row in list(only_two)[:limit]:
            lines.append(f'  {second}: {_short(row)}')
    if one_sequences != two_sequences:
        lines.append(f'sequences: {one_sequences} != {two_sequences}')
    return lines


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _short(row):
    text = repr(row)
    return text if len(text) < 600 else text[:600] + '…'
