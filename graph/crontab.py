"""Crontab expressions as cron means them, for APScheduler.

Why this exists: APScheduler 3's `CronTrigger.from_crontab` counts weekdays from Monday (0 =
Monday, 6 = Sunday, no 7), while crontab counts from Sunday (0 or 7 = Sunday). Passed through
as written, `0 3 * * 0` ("Sundays at 03:00") would run on Mondays and `0 9 * * 1-5` ("weekdays")
on Tuesday to Saturday (agronholm/apscheduler#455). The day-of-week field is therefore read
with crontab's rules here and handed over as day names, which both agree on.
"""

from __future__ import annotations

import re

from apscheduler.triggers.cron import CronTrigger

#: Crontab's weekday numbers (0 and 7 are Sunday) by APScheduler's names.
_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_PART = re.compile(r"^(?:(\*)|([a-z0-9]+)(?:-([a-z0-9]+))?)(?:/(\d+))?$")


def _day(token: str) -> int:
    """A crontab weekday (a number 0–7 or a name) as 0–7."""
    if token.isdigit():
        value = int(token)
        if value > 7:
            raise ValueError(f"day of week {token} is out of range (0–7, 0 and 7 = Sunday)")
        return value
    if token[:3] in _DAY_NAMES and len(token) == 3:
        return _DAY_NAMES.index(token)
    raise ValueError(f"day of week {token!r} is not a day (0–7 or sun–sat)")


def weekdays(field: str) -> str:
    """Crontab's day-of-week field as APScheduler day names (`*` stays `*`)."""
    if field == "*":
        return field
    days: set[int] = set()
    for part in field.lower().split(","):
        match = _PART.match(part)
        if match is None:
            raise ValueError(f"day of week {part!r} is not a crontab list, range or step")
        star, first, last, step = match.groups()
        low, high = (0, 6) if star else (_day(first), _day(last) if last else None)
        if high is None:
            high = 6 if step else low  # `5/2` = from Friday on, every other day
        if high < low:
            raise ValueError(f"day of week range {part!r} runs backwards")
        days.update(d % 7 for d in range(low, high + 1, int(step or 1)))
    return ",".join(_DAY_NAMES[d] for d in sorted(days))


def cron_trigger(expression: str, timezone: str = "UTC") -> CronTrigger:
    """An APScheduler trigger for a five-field crontab expression, weekdays read as cron does;
    ValueError (with what is wrong) for anything else."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(
            f"a crontab has 5 fields (minute hour day month weekday), not {len(fields)}"
        )
    minute, hour, day, month, day_of_week = fields
    if day != "*" and day_of_week != "*":  # cron: either matches; APScheduler: both must
        raise ValueError(
            "give a day of the month or a day of the week, not both (cron runs on either, "
            "the scheduler would run only when both match)"
        )
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=weekdays(day_of_week),
        timezone=timezone,
    )  # fmt: skip
