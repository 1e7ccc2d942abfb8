"""Users, as the admin reads them."""

from pydantic.dataclasses import dataclass

from dashboard.notify_client.schemas.base import ANSWER, AnswerSchema, Count, Flag, IsoTime, Text


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class User:
    """A user, their permissions by service id, and their services and organisations."""

    id: Text
    name: Text
    email_address: Text
    mobile_number: Text | None
    state: Text
    auth_type: Text
    platform_admin: Flag
    permissions: dict[Text, tuple[Text, ...]]
    services: tuple[Text, ...]
    organisations: tuple[Text, ...]
    logged_in_at: IsoTime | None
    failed_login_count: Count


USER: AnswerSchema[User] = AnswerSchema(User, wrapped=True)
