"""A service's free allowance and its usage by financial year, in today's and the 2018 form."""

from typing import Annotated

from pydantic import AfterValidator, AliasChoices, Field
from pydantic.dataclasses import dataclass

from dashboard.domain.financial_year import canonical_month
from dashboard.notify_client.schemas.base import ANSWER, AnswerSchema, Channel, Count, Pounds, Text


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class FreeAllowance:
    """The free SMS fragments a service has in the financial year starting in April of a year."""

    free_sms_fragment_limit: Count
    financial_year_start: Count


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class UsageRow:
    """A year's use of one channel at one rate.

    Today's rows give `chargeable_units` (SMS fragments, already multiplied for international
    rates) with what was sent, charged and what it cost; the 2018 rows gave `billing_units`, read
    here as `chargeable_units`, and `letter_total`, and leave the others None.
    """

    notification_type: Channel
    chargeable_units: Count = Field(
        validation_alias=AliasChoices("chargeable_units", "billing_units")
    )
    rate: Pounds
    notifications_sent: Count | None = None
    charged_units: Count | None = None
    free_allowance_used: Count | None = None
    cost: Pounds | None = None
    letter_total: Pounds | None = None


@dataclass(frozen=True, slots=True, kw_only=True, config=ANSWER)
class MonthlyUsageRow(UsageRow):
    """One month's use of one channel at one rate (and postage, today)."""

    month: Annotated[Text, AfterValidator(canonical_month)]
    postage: Text | None = None


FREE_ALLOWANCE: AnswerSchema[FreeAllowance] = AnswerSchema(FreeAllowance, wrapped=False)
YEARLY_USAGE: AnswerSchema[list[UsageRow]] = AnswerSchema(list[UsageRow], wrapped=False)
MONTHLY_USAGE: AnswerSchema[list[MonthlyUsageRow]] = AnswerSchema(
    list[MonthlyUsageRow], wrapped=False
)
