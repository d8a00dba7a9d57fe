"""Schedules run on the days cron would run them (APScheduler alone counts weekdays from
Monday: `0 3 * * 0` would retrain on Mondays)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from graph.crontab import cron_trigger
from graph.settings import Settings

SUNDAY_NOON = datetime(2026, 11, 22, 12, tzinfo=UTC)


def fire_days(expression: str, count: int = 7) -> list[str]:
    trigger, previous, now, days = cron_trigger(expression), None, SUNDAY_NOON, []
    for _ in range(count):
        fired = trigger.get_next_fire_time(previous, now)
        assert fired is not None
        days.append(fired.strftime("%a"))
        previous, now = fired, fired + timedelta(seconds=1)
    return days


@pytest.mark.parametrize(
    ("expression", "days"),
    [
        ("0 3 * * 0", ["Sun"] * 3),  # the default retrain schedule: Sundays
        ("0 3 * * 7", ["Sun"] * 3),  # 7 is Sunday too
        ("0 9 * * 1-5", ["Mon", "Tue", "Wed", "Thu", "Fri", "Mon"]),
        ("0 0 * * */2", ["Tue", "Thu", "Sat", "Sun", "Tue"]),
        ("0 0 * * 5-7", ["Fri", "Sat", "Sun", "Fri"]),
        ("0 0 * * SAT,sun", ["Sat", "Sun", "Sat"]),
        ("30 2 * * *", ["Mon", "Tue", "Wed"]),
    ],
)
def test_weekdays_are_read_as_cron_reads_them(expression: str, days: list[str]) -> None:
    assert fire_days(expression, len(days)) == days


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("0 3 * *", "5 fields"),
        ("0 3 * * 8", "out of range"),
        ("0 3 * * 5-1", "backwards"),
        ("0 3 * * funday", "not a day"),
        ("0 3 1 * 1", "not both"),
        ("61 3 * * *", ""),
    ],
)
def test_bad_schedules_are_refused_at_start_up(expression: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        cron_trigger(expression)
    with pytest.raises(ValueError, match="not a crontab expression"):
        Settings(jobs_retrain_cron=expression)
