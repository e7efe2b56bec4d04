"Batch generation (SPEC B): contracts, schedules, batches, preview, generation, posting."
