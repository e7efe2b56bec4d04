# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Generation shared by several ``trytond-worker`` processes (B6).

With workers (``[queue] worker = True``) a run is planned into one
``ir.queue`` task per generation chunk, so that every worker takes chunks
of the same batch.  The batch counts the chunks still to do
(``chunks_left``); the task that brings it to zero queues the end of the
run: posting (one ordered task: the numbering is strict and gapless) and
the report.  Each task renews the lease in a short transaction of its own
before and after its chunk, never inside it: the batch's row is not held
while invoices are created, and two chunks commit side by side.  A failed
chunk records its message on the batch and the run ends failed; a task of
a run another run took over does nothing.  Re-running or resuming plans
only the proposals still without invoice, and the claims of the sources
stay the guarantee against invoicing twice.  Without workers the run is
one task, as before (``generation.py``).
"""
import logging

from trytond.model import fields
from trytond.tools import grouped_slice

from ..common.notices import user_language
from ..common.runner import BACKGROUND, ChunkRunner, Superseded
from ..common.sql import execute_update
from . import generation, lease

logger = logging.getLogger(__name__)


class BatchChunkTasks:
    "One queued task per generation chunk, the end of the run queued last."
    __slots__ = ()

    chunks_left = fields.Integer(
        "Chunks Left", readonly=True,
        help="Generation tasks of the current run not finished yet.")

    @classmethod
    def plan_chunks(cls, batch, token):
        """Queue one generation task per chunk of the pending proposals.

        Return the id of the first task queued (the run's first task).
        """
        ids = cls._pending_proposals(batch.id)
        chunks = [list(c) for c in grouped_slice(
                ids, generation.CHUNK_SIZE)]
        cls.write([batch], {
                'chunks_left': len(chunks), 'message': None,
                'progress_step': 'generation',
                })
        queue = cls.__queue__
        task_ids = [i for chunk in chunks
            for i in queue.generate_chunk_task([batch], chunk, token=token)]
        if not chunks:
            task_ids = queue.end_run_task([batch], token=token)
        return task_ids[0]

    @classmethod
    def generate_chunk_task(cls, batches, proposal_ids, token=None):
        "Queued: one chunk, then the end of the run if it was the last."
        batch, = batches
        runner = ChunkRunner(dict(BACKGROUND, language=user_language()))
        try:
            runner(cls.hold_lease, batch.id, token)
            try:
                runner(cls._generate_proposals, batch.id, proposal_ids)
            except Superseded:
                raise
            except Exception as error:
                logger.exception('batch %s: chunk failed', batch.id)
                runner(cls._record_failure, batch.id,
                    generation.message_of(error))
            runner(cls._chunk_done, batch.id, token)
        except Superseded:
            logger.info("batch %s: another run took it over", batch.id)

    @classmethod
    def _chunk_done(cls, batch_id, token):
        """Count the chunk; the last one queues the end of the run.

        Compare-and-set on the lease token: a superseded run counts
        nothing.
        """
        table = cls.__table__()
        if not execute_update(table.update(
                    [table.chunks_left, table.alive_until],
                    [table.chunks_left - 1, lease.lease_end()],
                    where=(table.id == batch_id)
                    & (table.run_token == token)), cls):
            raise Superseded(batch_id)
        batch = cls(batch_id)
        batch.update_progress()
        if batch.chunks_left <= 0:
            cls.__queue__.end_run_task([batch], token=token)

    @classmethod
    def end_run_task(cls, batches, token=None):
        """Queued after the last chunk: post in order when asked, report.

        The failures the chunks recorded are the run's errors.
        """
        batch, = batches
        runner = ChunkRunner(dict(BACKGROUND, language=user_language()))
        runner.guard = lambda: cls.hold_lease(batch.id, token)
        try:
            errors = runner(cls._recorded_errors, batch.id)
            cls._post_and_finish(batch.id, runner, errors)
        except Superseded:
            logger.info("batch %s: another run took it over", batch.id)

    @classmethod
    def _recorded_errors(cls, batch_id):
        message = cls(batch_id).message
        return message.split('\n') if message else []
