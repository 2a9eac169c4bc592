"""Gunicorn settings for production (`gunicorn -c gunicorn.conf.py wellness.wsgi`).

Each value can be overridden by an environment variable, so a platform can size
the process without editing this file.
"""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104 - behind a proxy
# gunicorn's rule of thumb, 2 x cores + 1 processes, each with 2 threads to overlap database
# waits: 5 x 2 on 2 cores. Processes rather than more threads, because a thread holding the GIL
# (a clinician dashboard, say) slows every other thread of its process; in the load test
# (bench/loadtest.py) 5 x 2 carried 229 saves/s where 3 x 4 carried 181, on the same machine.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak can never grow without bound: rarely, since a
# restart costs a worker's start-up (at 250 requests a second, 2,000 meant one every 8 seconds).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = 5000
# Import the app once in the master: workers fork with it loaded, so starting one is cheap.
preload_app = True
# Access log to stdout with the request id the app returns.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
