"""GOV.UK Notify's own service: it sends the platform's emails and texts, and is not a customer.

It has no organisation type (so it would count as "Other") and a 250,000 free allowance, so
left in it inflates Other's totals. It is found by its id, which the Notify API fixes in its
configuration (`NOTIFY_SERVICE_ID`) and creates with a migration in every environment: the
recorded service list in `tests/fixtures/notify-api-samples/` shows it first under that id.
Its name can be changed and other services may have no organisation type, so neither of those
(nor its place in a list) would find it reliably.
"""

NOTIFY_SERVICE_ID = "d6aa2c68-a2d9-4437-ab19-3ae8eb202553"


def is_platform_service(service_id: str) -> bool:
    """Whether this is the platform's own service, to leave out of finance totals."""
    return service_id.strip().lower() == NOTIFY_SERVICE_ID
