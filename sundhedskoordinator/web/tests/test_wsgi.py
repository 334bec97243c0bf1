"""A server worker loads the URLs, every view and the API when it starts, so that its first
request costs what any other does (loading them took about 1.2 s)."""

import subprocess
import sys

PROBE = """
import sys
import django.urls.resolvers as resolvers
import sundhedskoordinator.wsgi  # what gunicorn imports in each worker
loaded = "url_patterns" in resolvers.get_resolver().__dict__
print(loaded, "sundhedskoordinator.api.cases" in sys.modules)
"""


def test_a_worker_has_loaded_the_urls_and_the_api_before_its_first_request():
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["True", "True"], done.stderr[-2000:]
