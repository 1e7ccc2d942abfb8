"""alerts.toml: the documented form read as written, every mistake refused with its line."""

from pathlib import Path

import pytest

from dashboard.domain.alert_rules import KINDS, AlertRulesError, ServiceSelection, parse_rules

DOCUMENTED = """
[[rules]]
kind = "daily-limit"
percent = 80
email = ["operations@example.gov.uk"]
services = "all"
"""


def test_the_documented_form_is_read_as_written() -> None:
    (rule,) = parse_rules(DOCUMENTED)
    assert rule.kind == "daily-limit"
    assert rule.percent == 80
    assert rule.email == ("operations@example.gov.uk",)
    assert rule.phone == ()
    assert rule.services == ServiceSelection(everything=True)
    assert rule.line == 2
    assert rule.rule_id == "daily-limit-80"
    assert rule.recipients == (("email", "operations@example.gov.uk"),)


def test_sectors_organisations_lists_and_phones() -> None:
    text = """
[[rules]]
kind = "daily-limit"
percent = 100
phone = ["07700 900123"]
services = { sector = "local" }

[[rules]]
kind = "daily-limit"
percent = 90.5
email = "a@example.gov.uk"
services = { organisation = "1CAA4D30-36EB-403F-A717-BDD0C4439D4E" }

[[rules]]
kind = "daily-limit"
percent = 80
email = ["b@example.gov.uk"]
services = ["d6aa2c68-a2d9-4437-ab19-3ae8eb202553"]
"""
    local, organisation, listed = parse_rules(text)
    assert local.services == ServiceSelection(sector="local")
    assert local.recipients == (("sms", "07700 900123"),)
    assert local.line == 2
    assert organisation.services.organisation == "1caa4d30-36eb-403f-a717-bdd0c4439d4e"
    assert organisation.rule_id == "daily-limit-90.5"
    assert organisation.line == 8
    assert listed.services.ids == ("d6aa2c68-a2d9-4437-ab19-3ae8eb202553",)
    assert listed.line == 14


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("percent = 80", None),
        (
            'percent = "eighty"',
            "line 4: percent must be a number above 0 (up to 1000), not 'eighty'",
        ),
        ("percent = 0", "line 4: percent must be a number above 0"),
        ("percent = true", "line 4: percent must be a number above 0"),
        ('email = ["not an address"]', "line 5: 'not an address' is not an email address"),
        ('services = "some"', 'line 6: services must be "all", a list of service ids'),
        ('services = ["abc"]', "line 6: 'abc' is not a service id"),
        ('services = { sector = "space" }', "line 6: sector must be one of central"),
        ('colour = "red"', "line 7: unknown key 'colour'"),
        (
            'kind = "weather"',
            "line 3: kind must be one of daily-limit, allowance, failure-rate, not 'weather'",
        ),
    ],
)
def test_a_mistake_names_its_line(change: str, message: str | None) -> None:
    lines = DOCUMENTED.splitlines()
    key = change.split(" ")[0]
    replaced = [change if line.startswith(f"{key} ") else line for line in lines]
    if key not in DOCUMENTED:
        replaced.append(change)
    text = "\n".join(replaced)
    if message is None:
        assert parse_rules(text)
        return
    with pytest.raises(AlertRulesError) as raised:
        parse_rules(text)
    assert f"alerts.toml {message}" in str(raised.value)


def test_percent_is_optional_for_failure_rate_only() -> None:
    (rule,) = parse_rules(
        DOCUMENTED.replace("daily-limit", "failure-rate").replace("percent = 80\n", "")
    )
    assert (rule.kind, rule.percent, rule.rule_id) == ("failure-rate", 0, "failure-rate-0")
    with pytest.raises(AlertRulesError, match="line 2: percent must be a number above 0"):
        parse_rules(DOCUMENTED.replace("daily-limit", "allowance").replace("percent = 80\n", ""))


def test_a_rule_without_anyone_to_tell_is_refused_at_its_header() -> None:
    text = '\n\n[[rules]]\nkind = "daily-limit"\npercent = 80\nservices = "all"\n'
    with pytest.raises(AlertRulesError, match="line 3: a rule needs someone to tell"):
        parse_rules(text)


def test_broken_toml_and_an_empty_file_are_refused() -> None:
    with pytest.raises(AlertRulesError, match=r"not valid TOML: .*line 2"):
        parse_rules('[[rules]]\nkind = "daily-limit\n')
    with pytest.raises(AlertRulesError, match="no \\[\\[rules\\]\\] found"):
        parse_rules("# nothing yet\n")
    with pytest.raises(AlertRulesError, match="line 1: unknown setting 'rule'"):
        parse_rules('rule = "x"\n' + DOCUMENTED)


def test_the_example_file_of_make_alerts_is_valid_with_a_rule_of_each_kind() -> None:
    example = Path(__file__).resolve().parents[2] / "docs" / "alerts.example.toml"
    rules = parse_rules(example.read_text())
    ids = [rule.rule_id for rule in rules]
    assert ids == [
        "daily-limit-80",
        "daily-limit-100",
        "daily-limit-90",
        "allowance-100",
        "failure-rate-5",
    ]
    assert {rule.kind for rule in rules} == set(KINDS)
