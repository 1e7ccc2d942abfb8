"""What every loader is given: the clients, the API named safely, calls at once, a deadline."""

from dataclasses import dataclass

from dashboard.notify_client import NotifyClients


@dataclass(frozen=True)
class LoaderContext:
    """One value instead of four arguments on every loader.

    `api_label` is the API's URL without credentials, for messages; `deadline_seconds` is how
    long a page waits for its calls before it shows what it has and says what is missing.
    """

    clients: NotifyClients
    api_label: str
    max_workers: int = 8
    deadline_seconds: float = 15.0
