"""What every answer's schema shares, and the validator a cached client method is given.

Objects are frozen and ignore fields they do not name: the cache keeps the API's own JSON (so a
Redis shared with the Notify admin app holds the same bytes), and the API may add fields at any
time. Numbers are strict: a string, a boolean or a null where the contract has a count is an
answer that does not fit, never a number guessed from it.
"""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StrictStr,
    TypeAdapter,
    ValidationError,
)

T = TypeVar("T")

#: A count of messages, fragments or days: a whole number, never negative.
Count = Annotated[int, Strict(), Field(ge=0)]
#: An amount of money in pounds, or a rate per unit: ints are accepted (the API sends 0).
Pounds = Annotated[float, Strict(), Field(ge=0)]
Text = StrictStr
Flag = StrictBool
Channel = Literal["email", "sms", "letter"]


def _utc(moment: datetime) -> datetime:
    """The API's naive times are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _from_iso_8601(value: Any) -> datetime:
    if isinstance(value, datetime):  # an object built in code, not read from JSON
        return value
    if not isinstance(value, str):
        raise ValueError("a time must be a string in ISO 8601 form")
    return _utc(datetime.fromisoformat(value))


def _from_rfc_1123(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("a time must be a string in RFC 1123 form")
    return _utc(parsedate_to_datetime(value))


#: A time in single objects: "2026-11-27T16:25:17.010297Z" or "2026-08-29 16:25:16.862265".
IsoTime = Annotated[datetime, BeforeValidator(_from_iso_8601)]
#: A time in the detailed and live lists of services: "Fri, 27 Nov 2026 16:25:16 GMT".
Rfc1123Time = Annotated[datetime, BeforeValidator(_from_rfc_1123)]


#: The configuration of every object in an answer; each is also a frozen, slotted, keyword-only
#: pydantic dataclass (half the time of a BaseModel to validate a list of 2,000 services). Fields
#: the API names otherwise ("test-key") can also be given by their own names.
ANSWER = ConfigDict(extra="ignore", validate_by_name=True)


class _Wrapped(BaseModel, Generic[T]):
    """The `{"data": ...}` around most of the API's answers."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    data: T


def _one_line(error: ValidationError) -> str:
    """Where the first problem is and what it is, e.g. `data.0.name: Input should be ...`."""
    problems = error.errors(include_url=False, include_input=False)
    first = problems[0]
    where = ".".join(str(part) for part in first["loc"]) or "the answer"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{where}: {first['msg']}{more}"


class AnswerSchema(Generic[T]):
    """One endpoint's answer: its JSON checked against the contract and given back typed.

    A `wrapped` answer is `{"data": <shape>}` and gives the shape itself. An answer that does not
    fit raises `ValueError` in one line, which the cache turns into `InvalidAnswer` (a loaded
    answer, never stored) or a corrupt value (a stored one, deleted). Call it with parsed JSON
    (an answer from the API), or use `from_json` on the JSON text itself (a value from Redis).

    A list of services names each service once: with `unique`, the field that identifies a row
    (`id`, `service_id`), a row whose value came before is an answer that does not fit. Summed,
    a doubled row would add a service's figures twice.
    """

    def __init__(self, shape: Any, *, wrapped: bool, unique: str | None = None) -> None:
        self._wrapped = wrapped
        self._unique = unique
        self._adapter: TypeAdapter[Any] = TypeAdapter(_Wrapped[shape] if wrapped else shape)

    def _checked(self, value: Any) -> T:
        answer = value.data if self._wrapped else value
        if self._unique is not None:
            _refuse_repeats(answer, self._unique, "data." if self._wrapped else "")
        return answer  # type: ignore[no-any-return]

    def __call__(self, answer: Any) -> T:
        try:
            value = self._adapter.validate_python(answer)
        except ValidationError as error:
            raise ValueError(_one_line(error)) from error
        return self._checked(value)

    def from_json(self, text: bytes | str) -> T:
        """The same check made straight from JSON text, as Redis holds it: pydantic's own parser
        builds the typed objects without Python dicts in between, in about half the time of
        `json.loads` and a call. Text that is not JSON does not fit either."""
        try:
            value = self._adapter.validate_json(text)
        except ValidationError as error:
            raise ValueError(_one_line(error)) from error
        return self._checked(value)


def _refuse_repeats(rows: Any, field: str, where: str) -> None:
    """Raise at the first row whose `field` an earlier row has: one line, where and which."""
    seen: set[object] = set()
    for index, row in enumerate(rows):
        key = getattr(row, field)
        if key in seen:
            shown = str(key)[:40]
            raise ValueError(f"{where}{index}.{field}: {shown} is listed more than once")
        seen.add(key)
