"""The ceiling of bench/load.py: a bare Django "hello" view, as little as Django serves.

One view answering "Hello, world!" as text, on Django's own defaults: no middleware, no
installed apps, no database, no templates, DEBUG off. bench/load.py serves it with the
production server's own gunicorn settings and worker count, beside the application in the same
run, from the application's virtual environment (the same Django, the same Python):

    ASPIRASI_BIND=127.0.0.1:8001 ASPIRASI_WEB_WORKERS=2 \\
        .venv/bin/gunicorn -c deploy/gunicorn.conf.py bench.hello_wsgi

Every page of the application is reported as a share of its rate: what a request costs
Aspirasi above what it costs Django at the least, on the same machine at the same time.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world!\n", content_type="text/plain; charset=utf-8")


urlpatterns = [path("", hello)]

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("ASPIRASI_SECRET_KEY") or "bench-hello-not-secret-" + "x" * 40,
    ALLOWED_HOSTS=["127.0.0.1", "localhost", "[::1]"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
)
application = get_wsgi_application()
