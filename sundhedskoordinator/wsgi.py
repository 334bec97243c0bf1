import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sundhedskoordinator.settings")

application = get_wsgi_application()

# Load the URLs (and with them every view and the API's schemas) while the worker starts, not
# in its first request: that took about 1.2 s, which the first user after each start waited.
get_resolver().url_patterns  # noqa: B018
