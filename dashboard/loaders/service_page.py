"""Everything the Service page shows for one service and window, read concurrently, one section
per part of the page, without waiting on the slow month-by-month billing call.

The counts and the daily limits come first: their four calls (the service, its retention,
today's and the window's counts) are read on their own, and the other parts (allowance, this
year by month, the go-live checklist) are read once they are in, while the page draws them.
Nine calls at once would have the API answer the counts later.

The allowance figures come from the yearly usage summary, which the real API answers in
milliseconds; monthly usage for the current year takes it about 1.4 s (it rebuilds the
service's billing rows first), so the month-by-month chart has its own loader
(`allowance_by_month.load_allowance_by_month`) that the page calls after drawing the rest.
"""

import threading
from collections.abc import Callable
from concurrent.futures import Future
from contextvars import copy_context
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial

import pandas as pd
from notifications_python_client.errors import APIError

from dashboard.domain.allowance_usage import AllowanceTotals, yearly_allowance_totals
from dashboard.domain.comparison import (
    ChannelComparison,
    compare_channels,
    comparison_table,
    earlier_windows,
    span_words,
    unused_channels_line,
)
from dashboard.domain.daily_limits import (
    daily_limit_usage,
    limit_text,
    limit_warning,
    trial_notice,
)
from dashboard.domain.failure_causes import causes_by_channel, statuses_over_months
from dashboard.domain.financial_year import (
    FIRST_FINANCIAL_YEAR,
    current_financial_year,
    financial_year_label,
    financial_year_of,
    london_today,
)
from dashboard.domain.go_live import ChecklistItem, go_live_checklist, is_trial_mode
from dashboard.domain.liveness import service_status
from dashboard.domain.retention import (
    LONGEST_RETENTION_DAYS,
    DaysChoice,
    choose_days,
    max_window_days,
    window_heading,
)
from dashboard.domain.sectors import (
    default_free_allowance,
    normalise_organisation_type,
    sector_name,
)
from dashboard.domain.settling import settling_note
from dashboard.domain.statistics import (
    CHANNEL_LABELS,
    CHANNELS,
    monthly_statistics_frame,
    monthly_statistics_table,
    statistics_frame,
    tidy_statistics,
)
from dashboard.domain.template_use import (
    statuses_by_channel,
    template_days,
    template_months_table,
    template_table,
    templates_note,
)
from dashboard.domain.unusual_failures import UNUSUAL_MEANING
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.errors import InvalidServiceId, describe_error, parse_service_id
from dashboard.loaders.sections import Failed, Ready, Section, merged_freshness, section_of
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.calls import Outcome
from dashboard.notify_client.derived import NOTHING, Packed
from dashboard.notify_client.derived import service_choices as service_choices  # for pages
from dashboard.notify_client.derived import statistics_of, window_counts
from dashboard.notify_client.schemas.billing import FreeAllowance, UsageRow
from dashboard.notify_client.schemas.services import (
    ChannelCounts,
    NotificationsByChannel,
    ReplyToAddress,
    RetentionRow,
    Service,
    ServiceOrganisation,
    Statistics,
)
from dashboard.notify_client.schemas.templates import (
    TemplateStatistic,
    TemplateSummary,
    TemplateUsage,
)


@dataclass(frozen=True)
class NotAServiceId:
    """What the URL or the picker gave is not a service id: nothing was read."""

    message: str


@dataclass(frozen=True)
class ServiceSummary:
    """The service itself, as the page's first line says it: its status (live, trial, …), its
    organisation and sector; `trial_notice` says what trial mode allows (None once live)."""

    name: str
    trial_mode: bool
    trial_notice: str | None
    status: str = ""
    organisation: str = ""
    sector: str = ""

    @property
    def lead(self) -> str:
        """E.g. "Live · HM Revenue & Customs · Central government"."""
        return " · ".join(part for part in (self.status, self.organisation, self.sector) if part)


@dataclass(frozen=True)
class Window:
    """The days counted, the heading that says exactly which, and what the reader should know
    about them (a request clamped, a retention that could not be read)."""

    days: DaysChoice
    heading: str
    notes: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class WindowCounts:
    """The window's counts per channel (`statistics_frame`) and by status (`tidy_statistics`)."""

    by_channel: pd.DataFrame
    by_status: pd.DataFrame


@dataclass(frozen=True)
class LimitBar:
    """One daily limit as its bar shows it; `warning` from 80 % used (None below)."""

    text: str
    fill: float
    level: str
    warning: str | None


@dataclass(frozen=True)
class Allowance:
    """A service's free text allowance this financial year against its sector's default."""

    financial_year: int
    year_label: str
    sector: str
    sector_default: int
    totals: AllowanceTotals

    @property
    def is_custom(self) -> bool:
        return self.totals.allowance != self.sector_default


@dataclass(frozen=True, eq=False)
class YearByMonth:
    """This financial year's requested, delivered and failed by month and channel: long for
    charts (`monthly_statistics_frame`), wide for a table (`monthly_statistics_table`)."""

    financial_year: int
    year_label: str
    monthly: pd.DataFrame
    table: pd.DataFrame
    causes: pd.DataFrame

    def channels(self) -> list[tuple[str, pd.DataFrame]]:
        """Each channel's label and months, in `CHANNELS` order: one chart each."""
        return [
            (CHANNEL_LABELS[channel], self.monthly[self.monthly["channel"] == channel])
            for channel in CHANNELS
        ]


@dataclass(frozen=True, eq=False)
class Comparison:
    """The window beside the window of the same length before it (`previous_words`), each
    channel judged by the unusual-failure rule against up to four earlier windows."""

    previous_words: str
    items: tuple[ChannelComparison, ...]
    table: pd.DataFrame
    unused: str | None
    settling: str | None
    earlier_read: int
    meaning: str = UNUSUAL_MEANING

    def unusual(self) -> list[ChannelComparison]:
        """The channels whose failure rate the rule calls unusual."""
        return [item for item in self.items if item.verdict.unusual]


@dataclass(frozen=True, eq=False)
class Templates:
    """Each template used over today and up to 7 days before, and their failures by cause."""

    days: int
    heading: str
    note: str | None
    table: pd.DataFrame
    causes: pd.DataFrame


@dataclass(frozen=True, eq=False)
class TemplateMonths:
    """This financial year's use of each template, month by month."""

    financial_year: int
    year_label: str
    table: pd.DataFrame


@dataclass(frozen=True)
class LaterParts:
    """The parts read after the counts and limits: they need calls the counts do not."""

    allowance: Section[Allowance]
    year_by_month: Section[YearByMonth]
    checklist: Section[tuple[ChecklistItem, ...]]
    comparison: Section[Comparison]
    templates: Section[Templates]
    template_months: Section[TemplateMonths]


@dataclass(frozen=True)
class ServicePage:
    """One service's page: each part is Ready with its value or Failed with a message.

    A part that needs the service record fails with it. `checklist` is empty for a live
    service. The later parts are read while the page draws the first ones: reading one of them
    waits for it. The allowance month by month is not here: `load_allowance_by_month` reads it.
    """

    service_id: str
    service: Section[ServiceSummary]
    window: Window
    counts: Section[WindowCounts]
    limits: Section[tuple[LimitBar, ...]]
    later: "Future[LaterParts]" = field(repr=False, compare=False)

    @property
    def allowance(self) -> Section[Allowance]:
        return self.later.result().allowance

    @property
    def year_by_month(self) -> Section[YearByMonth]:
        return self.later.result().year_by_month

    @property
    def checklist(self) -> Section[tuple[ChecklistItem, ...]]:
        return self.later.result().checklist

    @property
    def comparison(self) -> Section[Comparison]:
        return self.later.result().comparison

    @property
    def templates(self) -> Section[Templates]:
        return self.later.result().templates

    @property
    def template_months(self) -> Section[TemplateMonths]:
        return self.later.result().template_months

    def failures(self) -> tuple[str, ...]:
        """The message of every part that failed, for callers that draw no page (tools, tests)."""
        sections = (
            self.service,
            self.counts,
            self.limits,
            self.allowance,
            self.year_by_month,
            self.checklist,
            self.comparison,
            self.templates,
            self.template_months,
        )
        return tuple(section.message for section in sections if isinstance(section, Failed))


def _window(
    retention: Outcome,
    days: DaysChoice,
    statistics: Outcome,
    today: date,
    api_label: str,
) -> tuple[Window, Outcome]:
    """The window, and the counts' outcome with retention's lookups: the counts needed both."""
    notes = [days.message] if days.message else []
    if retention.error is not None:
        notes.append(
            "Data retention could not be read, so the window stops at 7 days: "
            + describe_error(retention.error, api_label)
        )
    counts = replace(statistics, lookups=retention.lookups + statistics.lookups)
    return Window(days, window_heading(days.days, today), tuple(notes)), counts


def _organisation_words(read: Outcome, api_label: str) -> str:
    """The organisation's name, "No organisation", or why it could not be read."""
    if read.error is not None:
        return "Organisation not read: " + describe_error(read.error, api_label)
    organisation: ServiceOrganisation | None = read.value
    return "No organisation" if organisation is None else organisation.name


def _service_section(
    read: Outcome, organisation: Outcome, service_id: str, api_label: str
) -> Section[ServiceSummary]:
    if isinstance(read.error, APIError) and read.error.status_code == 404:
        return Failed(f"There is no service with id {service_id}.", merged_freshness([read]))

    def summary(service: Service) -> ServiceSummary:
        notice = trial_notice(service) if is_trial_mode(service) else None
        return ServiceSummary(
            service.name,
            is_trial_mode(service),
            notice,
            status=service_status(service),
            organisation=_organisation_words(organisation, api_label),
            sector=sector_name(normalise_organisation_type(service.organisation_type)),
        )

    section = section_of([read], summary, api_label)
    if isinstance(section, Ready):  # one freshness for the heading: both calls
        return Ready(section.value, merged_freshness([read, organisation]))
    return section


def _counts(statistics: Statistics) -> WindowCounts:
    return WindowCounts(statistics_frame(statistics), tidy_statistics(statistics))


def _limit_bars(service: Service, today: Statistics) -> tuple[LimitBar, ...]:
    return tuple(
        LimitBar(limit_text(usage), min(1.0, usage.fraction), usage.level, limit_warning(usage))
        for usage in daily_limit_usage(service, today)
    )


def _allowance(year: int) -> Callable[[Service, FreeAllowance, list[UsageRow]], Allowance]:
    def build(service: Service, allowance: FreeAllowance, yearly: list[UsageRow]) -> Allowance:
        organisation_type = normalise_organisation_type(service.organisation_type)
        return Allowance(
            financial_year=year,
            year_label=financial_year_label(year),
            sector=sector_name(organisation_type),
            sector_default=default_free_allowance(organisation_type, year),
            totals=yearly_allowance_totals(allowance.free_sms_fragment_limit, year, yearly),
        )

    return build


def _year_by_month(year: int) -> Callable[[dict[str, NotificationsByChannel]], YearByMonth]:
    def build(months: dict[str, NotificationsByChannel]) -> YearByMonth:
        monthly = monthly_statistics_frame(months)
        table = monthly_statistics_table(monthly)
        causes = causes_by_channel(statuses_over_months(months))
        return YearByMonth(year, financial_year_label(year), monthly, table, causes)

    return build


def _checklist(
    service: Service, templates: list[TemplateSummary], reply_to: list[ReplyToAddress]
) -> tuple[ChecklistItem, ...]:
    if not is_trial_mode(service):
        return ()
    return tuple(go_live_checklist(service, templates, reply_to))


def load_service_page(
    context: LoaderContext,
    requested_id: str,
    requested_days: str | int | None,
    today: date | None = None,
) -> ServicePage | NotAServiceId:
    """Read a service and every part of its page at once; failures become messages.

    The calls run together within the page's deadline (`context.deadline_seconds`, counted from
    `context.starting_now()` by the page, else from here); a part still unread then is its last
    good copy, marked "as of", or says so.
    """
    try:
        service_id = parse_service_id(requested_id)
    except InvalidServiceId as error:
        return NotAServiceId(str(error))
    today = today or london_today()
    services = context.clients.services
    if context.deadline_at is None:  # a caller that started no clock: the page starts it now
        context = context.starting_now()
    # The counts are read for the window asked for, beside retention rather than after it:
    # only when retention allows fewer days are they read again, for the days it allows.
    guess = choose_days(requested_days, LONGEST_RETENTION_DAYS)
    read = context.gather(
        {
            "service": lambda: services.get_service(service_id),
            "retention": lambda: services.get_data_retention(service_id),
            "statistics": lambda: services.get_service_statistics(service_id, guess.days),
            "today": lambda: services.get_service_statistics_today(service_id),
            "organisation": lambda: services.get_service_organisation(service_id),
        }
    )
    retention = read["retention"]
    rows: list[RetentionRow] = retention.value if retention.error is None else []
    days = choose_days(requested_days, max_window_days(rows))
    statistics = read["statistics"]
    if days.days != guess.days:
        statistics = context.gather(
            {"statistics": lambda: services.get_service_statistics(service_id, days.days)}
        )["statistics"]
    label = context.api_label
    window, counts = _window(retention, days, statistics, today, label)
    service = read["service"]
    return ServicePage(
        service_id=service_id,
        service=_service_section(service, read["organisation"], service_id, label),
        window=window,
        counts=section_of(
            [counts], _counts, label, kept_as=("service-counts", service_id, days.days)
        ),
        limits=section_of([service, read["today"]], _limit_bars, label),
        later=_in_own_thread(
            _read_later_parts,
            context,
            service_id,
            service,
            financial_year_of(today),
            WindowRead(days.days, today, counts),
        ),
    )


def _in_own_thread(work: Callable[..., LaterParts], *arguments: object) -> "Future[LaterParts]":
    """Start the work now in a thread of its own, in a copy of this context: a page's later
    parts never wait in a queue behind another reader's slow calls (a pool shared by every
    session made twelve pages at once finish four at a time)."""
    future: Future[LaterParts] = Future()
    run = copy_context().run

    def target() -> None:
        try:
            future.set_result(run(work, *arguments))
        except BaseException as error:  # handed to whoever reads the parts
            future.set_exception(error)

    threading.Thread(target=target, name="service-page-later", daemon=True).start()
    return future


@dataclass(frozen=True)
class WindowRead:
    """The window the counts were read for, and their outcome: the comparison needs both."""

    days: int
    today: date
    counts: Outcome

    @property
    def start(self) -> date:
        return window_start(self.days, self.today)


def window_start(days: int, today: date) -> date:
    """The first day of today and `days` days before it."""
    return today - timedelta(days=days)


# What a service missing from a detailed list sent: nothing.
_NOTHING = ChannelCounts(requested=0, delivered=0, failed=0)
_NO_MESSAGES = Statistics(email=_NOTHING, sms=_NOTHING, letter=_NOTHING)


def _service_counts(counts: dict[str, Packed], service_id: str) -> Statistics:
    return statistics_of(counts.get(service_id, NOTHING))


def _comparison(
    window: WindowRead, earlier: list[Outcome], service_id: str, api_label: str
) -> Section[Comparison]:
    """The window beside the one before; the rule judges it against the earlier windows read
    (nearest first, up to the first that failed). Without the window before, it fails."""
    spans = earlier_windows(window.start, window.today)
    freshness = merged_freshness([window.counts, *earlier])
    for outcome in (window.counts, earlier[0]):
        if outcome.error is not None:
            return Failed(describe_error(outcome.error, api_label), freshness)
    read = []
    for outcome in earlier:
        if outcome.error is not None:
            break
        read.append(_service_counts(outcome.value, service_id))
    items = tuple(compare_channels(window.counts.value, read, spans[0]))
    return Ready(
        Comparison(
            previous_words=span_words(*spans[0]),
            items=items,
            table=comparison_table(items),
            unused=unused_channels_line(items),
            settling=settling_note(window.start, window.today, window.today),
            earlier_read=len(read),
        ),
        freshness,
    )


def _templates(window: WindowRead) -> Callable[[list[TemplateStatistic]], Templates]:
    def build(rows: list[TemplateStatistic]) -> Templates:
        days = template_days(window.days)
        return Templates(
            days=days,
            heading=window_heading(days, window.today),
            note=templates_note(window.days),
            table=template_table(rows),
            causes=causes_by_channel(statuses_by_channel(rows)),
        )

    return build


def _template_months(year: int) -> Callable[[TemplateUsage], TemplateMonths]:
    def build(usage: TemplateUsage) -> TemplateMonths:
        return TemplateMonths(
            year, financial_year_label(year), template_months_table(usage.stats, year)
        )

    return build


def _needs_checklist(service: Outcome) -> bool:
    """The checklist's calls are made only for a service in trial mode (or one not yet read,
    whose section fails with the service's message anyway)."""
    return service.error is not None or is_trial_mode(service.value)


def _read_later_parts(
    context: LoaderContext,
    service_id: str,
    service: Outcome,
    year: int,
    window: WindowRead,
) -> LaterParts:
    """The allowance, this year by month, the comparison with earlier windows, templates and
    (for a trial service) the checklist, within what is left of the page's deadline; a part
    still unread then is its last good copy."""
    services, billing = context.clients.services, context.clients.billing
    templates = context.clients.templates
    spans = earlier_windows(window.start, window.today)
    calls: dict[str, Callable[[], object]] = {
        "allowance": lambda: billing.get_free_sms_fragment_limit(service_id, year),
        "yearly": lambda: billing.get_yearly_usage(service_id, year),
        "months": lambda: services.get_notifications_monthly(service_id, year),
        "template_statistics": lambda: templates.get_template_statistics(
            service_id, template_days(window.days)
        ),
        "template_months": lambda: templates.get_templates_usage_monthly(service_id, year),
    }
    for number, (start, end) in enumerate(spans):
        calls[f"earlier-{number}"] = partial(
            window_counts, context.clients, start, end, window.today
        )
    checklist = _needs_checklist(service)
    if checklist:
        calls["templates"] = lambda: templates.get_templates(service_id)
        calls["reply_to"] = lambda: services.get_reply_to_email_addresses(service_id)
    read = context.gather(calls)
    label = context.api_label
    earlier = [read[f"earlier-{number}"] for number in range(len(spans))]
    return LaterParts(
        allowance=section_of(
            [service, read["allowance"], read["yearly"]],
            _allowance(year),
            label,
            kept_as=("service-allowance", service_id, year),
        ),
        year_by_month=section_of(
            [read["months"]],
            _year_by_month(year),
            label,
            kept_as=("service-year-by-month", service_id, year),
        ),
        checklist=(
            section_of([service, read["templates"], read["reply_to"]], _checklist, label)
            if checklist
            else Ready((), merged_freshness([service]))
        ),
        comparison=_comparison(window, earlier, service_id, label),
        templates=section_of(
            [read["template_statistics"]],
            _templates(window),
            label,
            kept_as=("service-templates", service_id, window.days, window.today),
        ),
        template_months=section_of(
            [read["template_months"]],
            _template_months(year),
            label,
            kept_as=("service-template-months", service_id, year),
        ),
    )


def key_values(now: datetime | None = None) -> dict[str, range]:
    """What each placeholder of a service's key formats can hold, so that Refresh names its
    keys instead of scanning Redis: a window's days (1 to the longest retention) and every
    financial year from Notify's first to next year. A template's keys (its versions, which no
    page reads) are the admin app's to empty."""
    years = range(FIRST_FINANCIAL_YEAR, current_financial_year(now) + 2)
    return {
        "limit_days": range(1, LONGEST_RETENTION_DAYS + 1),
        "whole_days": range(1, LONGEST_RETENTION_DAYS + 1),
        "year": years,
        "financial_year": years,
    }


def forget_service(clients: NotifyClients, service_id: str) -> None:
    """Refresh: empty one service's cache so the next load reads everything from the API,
    keeping its last good copies for the moment the API does not answer."""
    clients.cache.forget_service(
        parse_service_id(service_id), values=key_values(), keep_last_good=True
    )


def empty_service_cache(clients: NotifyClients, service_id: str) -> None:
    """Empty every key of one service, its last good copies too (the Cache page, for admins)."""
    clients.cache.forget_service(parse_service_id(service_id), values=key_values())


def load_service_choices(context: LoaderContext) -> Section[dict[str, str]]:
    """The picker's choices as a section: a message instead when they cannot be read."""
    read = context.gather({"choices": lambda: service_choices(context.clients)})["choices"]
    return section_of([read], lambda choices: choices, context.api_label)
