"""A task backend that runs tasks in a background thread of the process that enqueues them.

The embedded default (``make run``, ``make serve``, one server without task workers): a
request that enqueues work answers at once, and the work runs after it, in this process.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import threading
import time

from django.db import connections
from django.utils import timezone
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

logger = logging.getLogger(__name__)

# One thread: the tasks (WeasyPrint renders) hold the interpreter most of the time, so a
# second thread would not finish them sooner, only take more time from the requests.
WORKERS = 1

_lock = threading.Lock()
_pool: concurrent.futures.ThreadPoolExecutor | None = None
_running: set[concurrent.futures.Future] = set()
# Tasks enqueued and not started yet, by what they are: the same one is not queued twice.
_waiting: dict[tuple, TaskResult] = {}


def _forget_after_fork() -> None:
    """A forked child (a server's worker) starts with no pool: its parent's threads are gone."""
    global _pool, _lock
    _pool = None
    _lock = threading.Lock()
    _running.clear()
    _waiting.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


def _executor() -> concurrent.futures.ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=WORKERS, thread_name_prefix="perfeval-task"
        )
    return _pool


class ThreadBackend(ImmediateBackend):
    """Runs each task in a background thread of this process, in the order enqueued.

    A task enqueued again before it started is not queued twice. A task that fails is
    logged with its traceback. Tasks not yet run when the process ends are lost: what they
    were to make must be made again on demand (reports/tasks.py enqueues an official PDF
    again whenever one is asked for and missing).
    """

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        key = (task.module_path, repr(args), repr(sorted(kwargs.items())))
        with _lock:
            waiting = _waiting.get(key)
            if waiting is not None:
                return waiting
            result: TaskResult = TaskResult(
                task=task,
                id=get_random_id(),
                status=TaskResultStatus.READY,
                enqueued_at=timezone.now(),
                started_at=None,
                last_attempted_at=None,
                finished_at=None,
                args=args,
                kwargs=kwargs,
                backend=self.alias,
                errors=[],
                worker_ids=[],
            )
            _waiting[key] = result
            future = _executor().submit(self._run, key, result)
            _running.add(future)
        future.add_done_callback(_finished)
        return result

    def _run(self, key: tuple, result: TaskResult) -> None:
        with _lock:
            _waiting.pop(key, None)
        try:
            self._execute_task(result)
        finally:
            # The thread's own connections: not left open for the database to time out.
            connections.close_all()
        if result.status == TaskResultStatus.FAILED:
            logger.error(
                "background task %s%r failed:\n%s",
                result.task.module_path,
                tuple(result.args),
                result.errors[-1].traceback,
            )


def _finished(future: concurrent.futures.Future) -> None:
    with _lock:
        _running.discard(future)


def background_tasks_wait(timeout: float = 60) -> bool:
    """Wait until the tasks of this process have all run (tests, benchmarks); False on timeout.

    Tasks that enqueue tasks are waited for too.
    """
    deadline = time.monotonic() + timeout
    while True:
        with _lock:
            running = list(_running)
        if not running:
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        concurrent.futures.wait(running, timeout=left)
