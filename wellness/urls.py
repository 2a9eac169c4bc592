from django.contrib import admin
from django.urls import include, path

from wellness.health import healthz, livez

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("admin/", admin.site.urls),
    path("", include("tracker.urls")),
]
