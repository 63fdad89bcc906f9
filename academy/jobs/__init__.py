"""Background work: the task queue, the jobs people start, and the worker process."""
