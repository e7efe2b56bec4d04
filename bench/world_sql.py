"""The bench world by bulk SQL: the rows Tryton writes, copied N times.

Building contracts through the ORM costs ~0.2 s each, so a world of 100,000
would take hours.  Here one contract of each shape (1 line, 2 lines) is
created, quoted, run and consumed through the ORM (the very code of the ORM
world) in a transaction that is rolled back; every row it wrote, in every
table, is its prototype.  Each contract of the world is a copy of its
shape's prototype with fresh ids (foreign keys and references remapped),
its own customer name, party code and contract number (taken from Tryton's
sequences, as the ORM would) and schedule descriptions naming it; rows go
in with COPY (PostgreSQL) or multi-row INSERT (SQLite).
``bench_world.py check`` compares the result with an ORM world.
"""
import datetime as dt
import sys
import time
from collections import defaultdict

from trytond import backend
from trytond.model import ModelSQL, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

CHUNK = 5000
SENTINEL = '\x00label\x00'


class Tables:
    "Every table of the pool with the columns that hold ids of other rows."

    def __init__(self, pool):
        self.fks = defaultdict(dict)    # table: {column: target table}
        self.refs = defaultdict(set)    # table: {Reference columns}
        self.model_table = {}
        for _, model in pool.iterobject():
            if (not issubclass(model, ModelSQL) or model._is_table_query()
                    or model._table is None):
                continue
            self.model_table[model.__name__] = model._table
            for name, field in model._fields.items():
                if isinstance(field, fields.Function):
                    continue
                if isinstance(field, fields.Many2One):
                    target = pool.get(field.model_name)
                    self.fks[model._table][name] = target._table
                elif isinstance(field, fields.Reference):
                    self.refs[model._table].add(name)
        self.names = sorted(self.model_table.values())

    def order(self, names):
        "``names`` sorted so that referenced tables come first."
        names, done, result = set(names), set(), []

        def visit(name, path=()):
            if name in done or name not in names or name in path:
                return
            for target in self.fks[name].values():
                visit(target, path + (name,))
            done.add(name)
            result.append(name)
        for name in sorted(names):
            visit(name)
        return result


def max_ids(tables):
    cursor = Transaction().connection.cursor()
    result = {}
    for name in tables.names:
        cursor.execute(f'SELECT MAX(id) FROM "{name}"')
        result[name] = cursor.fetchone()[0] or 0
    return result


def created_rows(tables, marks):
    "{table: [row dict]} of the rows created since ``marks`` (max ids)."
    transaction = Transaction()
    transaction._store_log_records()
    cursor = transaction.connection.cursor()
    result = {}
    for name in tables.names:
        cursor.execute(
            f'SELECT * FROM "{name}" WHERE id > %s ORDER BY id'.replace(
                '%s', '?' if backend.name == 'sqlite' else '%s'),
            (marks[name],))
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, r)) for r in cursor]
        if rows:
            result[name] = rows
    return result


class PgSequences:
    "PostgreSQL sequences are not rolled back: put them back by hand."

    def __init__(self):
        self.states = self._read()

    @staticmethod
    def _read():
        if backend.name != 'postgresql':
            return {}
        cursor = Transaction().connection.cursor()
        cursor.execute('SELECT schemaname, sequencename, last_value '
            'FROM pg_sequences')
        return {(s, n): v for s, n, v in cursor}

    def restore(self):
        cursor = Transaction().connection.cursor()
        for (schema, name), value in self._read().items():
            before = self.states.get((schema, name))
            if value != before:
                called = before is not None
                cursor.execute('SELECT setval(%s, %s, %s)', (
                        f'"{schema}"."{name}"', before or 1, called))


class Prototype:
    "The rows one contract of a shape writes, ready to be copied."

    def __init__(self, tables, rows, schedule_model):
        self.tables = tables
        self.rows = rows
        self.ids = {(t, r['id']) for t, rs in rows.items() for r in rs}
        subscription, = rows['sale_subscription']
        self.number = subscription['number']
        self.describe = {}
        for row in rows.get('sale_subscription_schedule', []):
            start, end = row['period_start'], row['period_end']
            template = schedule_model.describe(None, SENTINEL, start, end)
            assert template.replace(SENTINEL, self.number) == (
                row['description']), (template, row['description'])
            self.describe[row['id']] = template

    def copy(self, new_id, party, number):
        "{table: [row]} of one contract; ``new_id(table, old id)``."
        result = {}
        for table, rows in self.rows.items():
            fks = self.tables.fks[table]
            refs = self.tables.refs[table]
            copies = []
            for row in rows:
                row = dict(row, id=new_id(table, row['id']))
                for column, target in fks.items():
                    value = row.get(column)
                    if (target, value) in self.ids:
                        row[column] = new_id(target, value)
                for column in refs:
                    row[column] = self._reference(row[column], new_id)
                copies.append(row)
            result[table] = copies
        for row in result['party_party']:
            row.update(party)
        for row in result['sale_subscription']:
            row['number'] = number
        for old, row in zip(self.rows.get('sale_subscription_schedule', []),
                result.get('sale_subscription_schedule', [])):
            row['description'] = self.describe[old['id']].replace(
                SENTINEL, number)
        return result

    def _reference(self, value, new_id):
        if not value or ',' not in value:
            return value
        model, id_ = value.split(',', 1)
        table = self.tables.model_table.get(model)
        if table and (table, int(id_)) in self.ids:
            return f'{model},{new_id(table, int(id_))}'
        return value


def capture(pool, company_id, shapes, make, consume):
    """{shape: Prototype}: ``make(indices)`` creates contracts through the
    ORM, ``consume()`` runs Tryton's consumptions; all is rolled back."""
    transaction = Transaction()
    tables = Tables(pool)
    sequences = PgSequences()
    prototypes = {}
    for shape, index in sorted(shapes.items()):
        marks = max_ids(tables)
        make([index])
        if consume:
            consume()
        prototypes[shape] = Prototype(tables, created_rows(tables, marks),
            pool.get('sale.subscription.schedule'))
    transaction.rollback()
    sequences.restore()
    return tables, prototypes


class Writer:
    "Rows of a chunk of contracts into their tables, in one COPY each."

    def __init__(self, tables):
        self.tables = tables
        self.rows = defaultdict(list)
        self.count = 0

    def add(self, rows):
        for table, table_rows in rows.items():
            self.rows[table].extend(table_rows)

    def flush(self):
        cursor = Transaction().connection.cursor()
        for table in self.tables.order(self.rows):
            rows = self.rows[table]
            columns = list(rows[0])
            names = ', '.join(f'"{c}"' for c in columns)
            if backend.name == 'postgresql':
                with cursor.copy(
                        f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row([row[c] for c in columns])
            else:
                marks = ', '.join('?' * len(columns))
                cursor.executemany(
                    f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                    [[row[c] for c in columns] for row in rows])
            self.count += len(rows)
        self.rows.clear()


class Ids:
    "Fresh ids of a table, taken from its sequence a chunk at a time."

    def __init__(self):
        self.next = {}

    def allocate(self, counts):
        database = Transaction().database
        connection = Transaction().connection
        cursor = connection.cursor()
        for table, count in counts.items():
            if backend.name == 'postgresql':
                ids = database.nextid(connection, table, count)
                ids = [ids] if count == 1 else ids
            else:
                cursor.execute(f'SELECT MAX(id) FROM "{table}"')
                start = (cursor.fetchone()[0] or 0) + 1
                ids = range(start, start + count)
            self.next[table] = iter(ids)

    def taker(self):
        "new_id(table, old id) for one contract: same old id, same new id."
        given = {}

        def new_id(table, old):
            key = table, old
            if key not in given:
                given[key] = next(self.next[table])
            return given[key]
        return new_id


class Unconstrained:
    """Foreign keys, unique constraints and indexes of the loaded tables are
    dropped during the load and created again after (PostgreSQL): checking
    2 million rows one by one costs more than checking them at once."""

    def __init__(self, names):
        self.names = sorted(names)
        self.constraints, self.indexes = [], []

    def __enter__(self):
        if backend.name != 'postgresql':
            return self
        cursor = Transaction().connection.cursor()
        cursor.execute("SELECT conrelid::regclass::text, conname, "
            "pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') "
            "ORDER BY contype = 'u' DESC, conname", (self.names,))
        self.constraints = cursor.fetchall()
        cursor.execute("SELECT indexrelid::regclass::text, "
            "pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary "
            "AND indexrelid NOT IN (SELECT conindid FROM pg_constraint) "
            "ORDER BY 1", (self.names,))
        self.indexes = cursor.fetchall()
        for table, name, _, _ in reversed(self.constraints):
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for index, _ in self.indexes:
            cursor.execute(f'DROP INDEX {index}')
        return self

    def __exit__(self, type, value, traceback):
        if type is not None or backend.name != 'postgresql':
            return
        cursor = Transaction().connection.cursor()
        for _, definition in self.indexes:
            cursor.execute(definition)
        for table, name, definition, _ in self.constraints:
            cursor.execute(
                f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def fill(pool, company_id, n, shape_of, name_of, prototypes, log=None):
    """Copy the prototypes into ``n`` contracts (``shape_of(k)``, customer
    ``name_of(k)``) with the numbers Tryton's sequences give, by chunks."""
    loader = Loader(pool, company_id, prototypes, log)
    with Unconstrained({t for p in prototypes.values() for t in p.rows}):
        for offset in range(0, n, CHUNK):
            loader.chunk(range(offset, min(n, offset + CHUNK)), shape_of,
                name_of)
    loader.log('constraints and indexes back')
    return loader.writer.count


class Loader:
    "Contracts copied from their prototype, a chunk at a time."

    def __init__(self, pool, company_id, prototypes, log):
        self.Party = pool.get('party.party')
        Configuration = pool.get('sale.configuration')
        self.codes = self.Party._code_sequence()
        self.numbers = Configuration(1).get_multivalue(
            'subscription_sequence', company=company_id)
        self.prototypes = prototypes
        tables = next(iter(prototypes.values())).tables
        self.ids, self.writer = Ids(), Writer(tables)
        self.started = time.monotonic()
        self._log = log

    def chunk(self, indices, shape_of, name_of):
        shapes = [shape_of(k) for k in indices]
        counts = defaultdict(int)
        for shape in shapes:
            for table, rows in self.prototypes[shape].rows.items():
                counts[table] += len(rows)
        self.ids.allocate(counts)
        count = len(shapes)
        codes = (list(self.codes.get_many(count)) if self.codes
            else [None] * count)
        numbers = list(self.numbers.get_many(count))
        for k, shape, code, number in zip(indices, shapes, codes, numbers):
            self.writer.add(self.prototypes[shape].copy(self.ids.taker(),
                    _party_values(self.Party, name_of(k), code), number))
        self.writer.flush()
        self.log(f'{indices[-1] + 1} contracts')

    def log(self, text):
        if self._log:
            self._log(f'{text}: {self.writer.count} rows, '
                f'{time.monotonic() - self.started:.0f} s')


def _party_values(Party, name, code):
    values = {'name': name, 'code': code}
    values.update(Party(code=code).compute_fields(['code']))
    return values


def analyze():
    "Planner statistics, as autovacuum would have them after a load."
    Transaction().connection.cursor().execute('ANALYZE')
