import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sundhedskoordinator.settings")

application = get_wsgi_application()

# Load the URLs (and with them every view and the API's schemas) while the worker starts, not
# in its first request: that took about 1.2 s, which the first user after each start waited.
get_resolver().url_patterns  # noqa: B018

# What is loaded now (about 200,000 objects: modules, classes, the URLs, the API's schemas) lives
# as long as the worker. Frozen, the garbage collector no longer walks it again in each full
# collection a request sets off: a list of 100 cases spent about a third of its CPU time there
# (docs/performance.md, "The garbage collector"). Garbage of the start is collected first, so
# that none of it is kept for good.
gc.collect()
gc.freeze()
