"""Templates: a service's list, one template, a template's versions, and their use."""

from typing import Annotated, Literal

from pydantic import Field, Strict
from pydantic.dataclasses import dataclass

from dashboard.notify_client.schemas.base import (
    ANSWER,
    AnswerSchema,
    Count,
    Flag,
    IsoTime,
    Text,
)

TemplateType = Literal["sms", "email", "letter"]


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class TemplateSummary:
    """One row of a service's template list (the API leaves out archived and hidden ones)."""

    id: Text
    name: Text
    template_type: TemplateType
    archived: Flag = False


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class _TemplateContent:
    """What a template and a template version share."""

    id: Text
    name: Text
    template_type: TemplateType
    version: Count
    subject: Text | None
    content: Text
    archived: Flag
    created_at: IsoTime
    updated_at: IsoTime | None


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class Author:
    """Who made a template version."""

    id: Text
    name: Text
    email_address: Text


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class Template(_TemplateContent):
    """One version of a template, as GET .../template/<id> gives it: its author is an id."""

    created_by: Text


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class TemplateVersion(_TemplateContent):
    """A template version in the versions list, whose author is an object."""

    created_by: Author


TEMPLATES: AnswerSchema[list[TemplateSummary]] = AnswerSchema(list[TemplateSummary], wrapped=True)
TEMPLATE: AnswerSchema[Template] = AnswerSchema(Template, wrapped=True)
TEMPLATE_VERSIONS: AnswerSchema[list[TemplateVersion]] = AnswerSchema(
    list[TemplateVersion], wrapped=True
)


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class TemplateStatistic:
    """One template's notifications of one status over today and up to 7 days before."""

    template_id: Text
    template_name: Text
    template_type: TemplateType
    is_precompiled_letter: Flag
    status: Text
    count: Count


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class TemplateMonth:
    """One template's notifications (all but cancelled ones) in one calendar month."""

    template_id: Text
    name: Text
    type: TemplateType
    is_precompiled_letter: Flag
    month: Annotated[int, Strict(), Field(ge=1, le=12)]
    year: Count
    count: Count


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class TemplateUsage:
    """templates_usage/monthly's answer: `{"stats": [...]}` for a financial year so far."""

    stats: list[TemplateMonth]


TEMPLATE_STATISTICS: AnswerSchema[list[TemplateStatistic]] = AnswerSchema(
    list[TemplateStatistic], wrapped=True
)
TEMPLATE_USAGE: AnswerSchema[TemplateUsage] = AnswerSchema(TemplateUsage, wrapped=False)
