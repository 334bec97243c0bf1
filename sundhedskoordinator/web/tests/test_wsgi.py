"""A server worker loads the URLs, every view and the API when it starts, so that its first
request costs what any other does (loading them took about 1.2 s), and then freezes what it
has loaded out of the garbage collector's way."""

import subprocess
import sys

PROBE = """
import sys
import django.urls.resolvers as resolvers
import sundhedskoordinator.wsgi  # what gunicorn imports in each worker
loaded = "url_patterns" in resolvers.get_resolver().__dict__
print(loaded, "sundhedskoordinator.api.cases" in sys.modules)
"""

FROZEN = """
import gc
import sundhedskoordinator.wsgi
from sundhedskoordinator.api import schemas
from sundhedskoordinator.cases import models
print(gc.get_freeze_count(), len(gc.get_objects()))
print(all(gc.is_tracked(o) for o in (models.Case, schemas.Out)))
print(any(o is models.Case for o in gc.get_objects()))
"""


def test_a_worker_has_loaded_the_urls_and_the_api_before_its_first_request():
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["True", "True"], done.stderr[-2000:]


def test_a_worker_freezes_what_it_loaded_so_collections_skip_it():
    """A full collection walks only what requests made: the classes of the models and the
    API's answers (tracked objects) are frozen, not among those the collector walks."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", FROZEN], capture_output=True, text=True, check=True, timeout=120
    )
    counts, tracked, walked = done.stdout.split("\n")[:3]
    frozen, left = (int(n) for n in counts.split())
    assert frozen > 100_000, done.stderr[-2000:]
    assert left < frozen / 10
    assert (tracked, walked) == ("True", "False")
