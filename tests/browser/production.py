"""A production-like server for measuring what a page costs to download.

The live_server fixture serves static files from the finders, uncompressed and uncached. This
serves them as production does: collectstatic with hashed, compressed names, WhiteNoise sending
the gzipped copy with a one-year immutable cache, pages through GZipMiddleware; and it counts
every byte written to the socket (status line, headers and body), whoever asked: the page, the
browser itself (manifest, icons) or the service worker.
"""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.test.utils import override_settings


class _CountingWriter:
    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def write(self, data):
        self.count += len(data)
        return self.raw.write(data)

    def __getattr__(self, name):
        return getattr(self.raw, name)


class _CountingHandler(WSGIRequestHandler):
    def setup(self):
        super().setup()
        self.wfile = _CountingWriter(self.wfile)

    def handle_one_request(self):
        before = self.wfile.count
        super().handle_one_request()
        sent = self.wfile.count - before
        if sent:
            self.server.transfers.append((self.command, self.path, sent))

    def log_message(self, *args):
        pass


class _Server(ThreadedWSGIServer):
    transfers: list

    def reset(self):
        self.transfers = []

    def total(self) -> int:
        return sum(size for _, _, size in self.transfers)


@contextmanager
def production_server(static_root):
    overrides = {
        "DEBUG": False,
        "STATIC_ROOT": str(static_root),
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
        "WHITENOISE_USE_FINDERS": False,
        "WHITENOISE_AUTOREFRESH": False,
    }
    with override_settings(**overrides):
        call_command("collectstatic", interactive=False, verbosity=0)
        server = _Server(("127.0.0.1", 0), _CountingHandler)
        server.reset()
        server.set_app(WSGIHandler())  # built now, so WhiteNoise reads the settings above
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield server, f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            server.server_close()
