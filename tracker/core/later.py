"""Work for after the response: a Celery task enqueued once the transaction commits.

With a broker, the task runs in a worker, so the request's time doesn't depend on it (a password
reset takes as long for an unknown address as for a known one). Without one (local development,
the tests), CELERY_TASK_ALWAYS_EAGER runs it in-process at the commit. If the broker can't take
the task, it runs in-process too, and the failure is logged: an email still goes out.
"""

import logging
from functools import partial

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def after_commit(task, *args) -> None:
    transaction.on_commit(partial(_enqueue, task, args))


def _enqueue(task, args) -> None:
    try:
        task.delay(*args)
    except OperationalError:
        logger.exception("The broker refused task %s; running it in this process", task.name)
        task.apply(args=args)
