"""The admin client every resource client shares: signed admin JWTs, a timeout, the cache.

`notifications-python-client` builds the tokens and turns failures into its typed errors
(`HTTPError`, `HTTP503Error` for a refused connection or a 503, `InvalidResponse` for a body
that is not JSON); callers catch those, never `requests`' own.
"""

import threading
from typing import Any

import requests
from notifications_python_client.base import BaseAPIClient

from dashboard.cache import load_timeout
from dashboard.cache.request_cache import RequestCache
from dashboard.redaction import redact_logs_of

# The base client logs every failed request's URL, credentials and all.
redact_logs_of("notifications_python_client.base")

# BaseAPIClient reads the client id and secret out of one long API key; the admin sets both after.
_PLACEHOLDER_API_KEY = "x" * 73


class NotifyAdminClient(BaseAPIClient):
    """A client for one kind of API resource, signing as the admin app does."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        secret: str,
        cache: RequestCache,
        timeout: float = 10.0,
    ) -> None:
        self._sessions = threading.local()
        super().__init__(_PLACEHOLDER_API_KEY, base_url=base_url, timeout=timeout)
        self.service_id = client_id
        self.api_key = secret
        self.cache = cache

    @property
    def request_session(self) -> requests.Session:
        """One HTTP session per thread: loaders call the API from several threads at once."""
        session = getattr(self._sessions, "session", None)
        if session is None:
            session = self._sessions.session = requests.Session()
        return session

    @request_session.setter
    def request_session(self, _session: requests.Session) -> None:
        """BaseAPIClient sets one shared session; each thread makes its own instead."""

    def _create_request_objects(
        self, url: str, data: Any, params: Any
    ) -> tuple[str, dict[str, Any]]:
        """The library's request, with the timeout of the kind the cache is loading, if any;
        none at all after the page's deadline (`load_timeout.after_the_deadline`)."""
        if load_timeout.past_deadline():
            raise TimeoutError("the page's deadline has passed")
        url, options = super()._create_request_objects(url, data, params)
        seconds = load_timeout.current()
        if seconds is not None:
            options["timeout"] = seconds
        return url, options
