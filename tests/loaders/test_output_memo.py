"""One build per process for the same cached answers: the memo gives back what the same
objects built, and builds again for anything else."""

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.loaders.all_services import load_all_services
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.output_memo import OutputMemo
from dashboard.loaders.sections import Ready
from dashboard.loaders.service_page import ServicePage, load_service_page
from dashboard.loaders.service_trend import load_service_trend
from dashboard.notify_client import build_clients
from tests.conftest import TEST_API, settings_for_tests
from tests.loaders.test_all_services import TODAY, counts_row, mock, recorded_services


class Builds:
    """A build step that counts its calls and gives a new object each time."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        return object()


def test_the_same_answers_are_built_once():
    memo, build = OutputMemo(), Builds()
    services, counts = [object(), object()], {"a": object()}

    first = memo.build("page", [services, counts, None], build)
    again = memo.build("page", [services, counts, None], build)

    assert again is first and build.calls == 1


def test_a_fresh_list_or_dict_of_the_same_objects_is_the_same_answer():
    """The cache hands each reader its own container around the very same objects."""
    memo, build = OutputMemo(), Builds()
    services, counts = [object(), object()], {"a": object()}

    first = memo.build("page", [services, counts], build)

    assert memo.build("page", [list(services), dict(counts)], build) is first
    assert build.calls == 1


def test_an_equal_but_new_answer_is_built_again():
    memo, build = OutputMemo(), Builds()
    memo.build("page", [[1000, 2000]], build)

    memo.build("page", [[1000 + 0, int("2000")]], build)  # equal values, new objects

    assert build.calls == 2


def test_a_changed_answer_another_key_or_a_failure_is_built_again():
    memo, build = OutputMemo(), Builds()
    kept = object()
    memo.build("page", [[kept], None], build)

    memo.build("page", [[kept, object()], None], build)  # one service more
    memo.build("other page", [[kept, object()], None], build)
    memo.build("page", [[kept], ValueError("API down")], build)
    memo.build("page", [[kept], ValueError("API down")], build)  # each failure is new

    assert build.calls == 5


def test_the_least_recently_used_key_is_dropped_beyond_the_limit():
    memo, build = OutputMemo(max_entries=2), Builds()
    answer = [object()]
    memo.build("a", [answer], build)
    memo.build("b", [answer], build)
    memo.build("a", [answer], build)  # a is now the most recent
    memo.build("c", [answer], build)  # drops b

    memo.build("a", [answer], build)
    memo.build("b", [answer], build)

    assert build.calls == 4


def test_a_warm_all_services_page_reuses_the_table_until_an_answer_changes(
    requests_mock, clients, redis_client
):
    services = recorded_services()
    # The detailed lists name every service, as the API's do (zeros for one that sent nothing).
    counts = [counts_row(services[0], email=5), counts_row(services[1])]
    mock(requests_mock, services, counts, [])
    context = LoaderContext(clients=clients, api_label=TEST_API)

    first = load_all_services(context, 7, TODAY)
    warm = load_all_services(context, 7, TODAY)
    redis_client.flushdb()  # the answers expire: read from the API again
    reread = load_all_services(context, 7, TODAY)

    assert warm.value.table is first.value.table
    assert warm.freshness != first.freshness  # freshness is the view's own: hits this time
    assert reread.value.table is not first.value.table
    assert reread.value.table.equals(first.value.table)


def test_a_service_pages_parts_are_built_once_per_service_until_its_answers_change(
    live_sandbox, redis_client
):
    """Each service keeps its own parts (a reader of another service does not drop them), and
    an answer read anew from the API builds them again."""
    clients = build_clients(
        settings_for_tests(api_host_name=live_sandbox.url),
        RequestCache(redis_client, DEFAULT_TTLS),
    )
    context = LoaderContext(clients, live_sandbox.url)
    one, other = (service.id for service in clients.services.get_services()[:2])

    def parts(service_id: str) -> list[object]:
        page = load_service_page(context, service_id, 7, TODAY)
        assert isinstance(page, ServicePage) and not page.failures()
        trend = load_service_trend(context, service_id, 7, TODAY)
        sections = (page.counts, page.allowance, page.year_by_month, page.templates, trend)
        sections += (page.template_months,)
        return [section.value for section in sections if isinstance(section, Ready)]

    first = parts(one)
    parts(other)
    warm = parts(one)
    redis_client.flushdb()  # the answers expire: read from the API again
    reread = parts(one)

    assert len(first) == 6
    assert all(kept is built for kept, built in zip(warm, first, strict=True))
    assert not any(new is built for new, built in zip(reread, first, strict=True))
