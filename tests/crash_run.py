"""Run a real entry point and kill it with SIGKILL at a chosen point.

    python crash_run.py POINT cli ARG...          # lot-facturation ARG...
    python crash_run.py POINT worker DATABASE [ARG...]  # trytond-worker
    python crash_run.py POINT task DATABASE ID    # run one ir.queue task
    python crash_run.py POINT send DATABASE USER COMPANY ID...

POINT is where the process group dies, as with ``kill -9`` (no clean-up,
no commit, the database connections simply drop):

- ``generate:N`` inside the N-th generation chunk, after its work, before
  its commit (chunks of 2 proposals);
- ``chunk:ID`` inside the queued generation chunk (one ``ir.queue`` task
  per chunk, several workers) holding proposal ID, likewise (with
  ``CRASH_ONCE=PATH`` only the first of several armed processes dies);
- ``post:N`` likewise in the N-th posting chunk (chunks of 2 invoices);
- ``claim`` once a send committed its claim, before anything is delivered;
- ``handover:N`` once the mail server accepted the N-th message, before
  the send records it.

``task`` runs the task the way Tryton's server does right after a commit
when no worker is configured (``trytond.worker.run_task``); ``worker`` is
Tryton's own worker (PostgreSQL, ``[queue] worker = True``), whose pool
processes are killed with it.  Start it with ``start_new_session=True``.
"""
import os
import signal
import sys


def die():
    os.killpg(os.getpgid(0), signal.SIGKILL)


def kill_on_call(owner, name, number, before=False):
    "Kill the process group on the number-th call of owner.name."
    original = getattr(owner, name)
    function = getattr(original, '__func__', original)
    calls = [0]

    def wrapper(*args, **kwargs):
        if before:
            die()
        result = function(*args, **kwargs)
        calls[0] += 1
        if calls[0] == number:
            die()
        return result
    is_method = hasattr(original, '__func__')
    setattr(owner, name, classmethod(wrapper) if is_method else wrapper)


def first_death():
    """Whether no other process armed like this one died already: with
    ``CRASH_ONCE`` (a file path) only the first one to get there dies."""
    path = os.environ.get('CRASH_ONCE')
    if not path:
        return True
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return False
    return True


def kill_in_chunk(owner, proposal_id):
    "Kill the process group after the work of the chunk holding a proposal."
    function = owner._generate_proposals.__func__

    def wrapper(cls, batch_id, proposal_ids):
        result = function(cls, batch_id, proposal_ids)
        if proposal_id in proposal_ids and first_death():
            die()
        return result
    owner._generate_proposals = classmethod(wrapper)


def arm(point):
    from trytond.modules.lot_facturation.batch import generation, posting
    from trytond.modules.lot_facturation.sending import delivery
    from trytond.modules.lot_facturation.transports import smtp
    kind, _, number = point.partition(':')
    if kind == 'generate':
        generation.CHUNK_SIZE = 2
        kill_on_call(generation.BatchGeneration, '_generate_chunk',
            int(number))
    elif kind == 'chunk':
        kill_in_chunk(generation.BatchGeneration, int(number))
    elif kind == 'post':
        posting.POST_CHUNK_SIZE = 2
        kill_on_call(posting.BatchPosting, '_post_chunk', int(number))
    elif kind == 'claim':
        kill_on_call(delivery.InvoiceDelivery, '_send_claimed', 1,
            before=True)
    elif kind == 'handover':
        kill_on_call(smtp, 'send', int(number))
    else:
        raise SystemExit(f"unknown point {point!r}")


def send(database, user, company, ids):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    Pool(database).init()
    with Transaction().start(database, int(user),
            context={'company': int(company)}):
        Invoice = Pool().get('account.invoice')
        Invoice.send(Invoice.browse([int(i) for i in ids]))


def main(point, command, *args):
    from trytond import config
    config.update_etc()
    arm(point)
    if command == 'cli':
        from trytond.modules.lot_facturation import cli
        return cli.main(list(args))
    if command == 'worker':
        from trytond.cli import worker
        sys.argv = ['trytond-worker', '-d', *args]
        return worker.main()
    if command == 'task':
        from trytond.pool import Pool
        from trytond.worker import run_task
        Pool.start()
        return run_task(args[0], int(args[1]))
    if command == 'send':
        return send(args[0], args[1], args[2], args[3:])
    raise SystemExit(f"unknown command {command!r}")


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
