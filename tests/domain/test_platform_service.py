"""GOV.UK Notify's own service is found by the id the API fixes for it."""

from uuid import uuid4

from dashboard.domain.platform_service import is_platform_service
from dashboard.notify_client.schemas.services import SERVICES
from tests.samples import sample_body


def test_the_recorded_list_has_it_first_and_only_once():
    found = [
        service.name
        for service in SERVICES(sample_body("GET_service_list"))
        if is_platform_service(service.id)
    ]

    assert found == ["GOV.UK Notify"]


def test_its_id_in_capitals_or_with_spaces_is_still_it_and_others_are_not():
    assert is_platform_service(" D6AA2C68-A2D9-4437-AB19-3AE8EB202553 ")
    assert not is_platform_service(str(uuid4()))
