"""The project talks to its real services: PostgreSQL (via DATABASE_URL) and Redis."""

import pytest
from celery import Celery

from tests.services import require_redis


@pytest.mark.services
def test_the_celery_app_reaches_a_real_redis_broker():
    url = require_redis()
    app = Celery("wellness-test", broker=url)
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.connected
        assert connection.transport_cls == "redis"
