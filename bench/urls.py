"""Harbor's URLs plus the benchmark's yardsticks, served only with `bench.settings`."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from bench.admin import site


@login_required
def trivial(request: HttpRequest) -> HttpResponse:
    """The floor: a signed-in request through every middleware, and no work."""
    return HttpResponse("ok")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench-trivial"),
    path("bench/admin/", site.urls),
    path("", include("config.urls")),
]
