"""Due dates for Vietnamese time limits, in calendar days and in working days.

The regulation's deadlines count either calendar days ("trong thời hạn 10 ngày")
or working days ("ngày làm việc"). A working day of a state body is a Monday to
Friday (the 40-hour week of Quyết định 188/1999/QĐ-TTg) that is not a public
holiday or a day off decreed in its place.

Legal basis of the holidays
---------------------------
Bộ luật Lao động 2019 (45/2019/QH14), Art. 112(1) lists the paid public
holidays: Tết Dương lịch (1/1), Tết Âm lịch (5 days), Ngày Chiến thắng (30/4),
Ngày Quốc tế Lao động (1/5), Quốc khánh (2/9 and one day before or after it)
and Giỗ Tổ Hùng Vương (10/3 of the lunar calendar). Art. 112(3) lets the Prime
Minister fix each year which days make up the Tết break and the second
Quốc khánh day. Art. 111(3): a holiday that falls on the weekly rest day is
made up on the next working day (nghỉ bù).

Counting follows Bộ luật Dân sự 2015, Art. 147(2): when a period is counted in
days, the day it is counted from is not itself counted; counting starts the day
after it.

Where the holidays come from
----------------------------
No holiday table is kept here. The days come from the maintained library
``holidays`` (python-holidays), ``country_holidays("VN")``, checked with
version 0.109; 0.106 is the oldest that has the 2025 swap of 02/05 for 26/04
(0.105 lacks it). It is always called with ``language="vi"``: without it the
library guesses the language from the process locale and may answer in English.
Vietnam has only the ``"public"`` category, which is the default, and observed
days are on by default.

What the library covers for Vietnam (0.109):

* the six holidays of Art. 112(1) (Giỗ Tổ Hùng Vương from 2007, the extra
  Quốc khánh day from 2021), with lunar dates computed for 1901-2100;
* Tết as the eve plus four days, with a Saturday in the break moved to the
  working day before it and a Sunday to the working day after it (since 2014),
  e.g. 8-14/02/2024 and 27/01-01/02/2025;
* the nghỉ bù of Art. 111(3) for the fixed-date holidays;
* the days off swapped by government decision (hoán đổi ngày làm việc) that the
  library lists, for 2010, 2012-2015, 2018-2019, 2024, 2025 and 2026, and the
  Saturday worked in their place (ngày làm bù), e.g. Monday 29/04/2024 off and
  Saturday 04/05/2024 worked; Friday 02/05/2025 off and Saturday 26/04/2025
  worked. Such a Saturday counts as a working day here;
* from 2026, Ngày Văn hóa Việt Nam (24/11), which the library adds on the
  strength of Nghị quyết 80-NQ/TW; it is not in Art. 112 as enacted in 2019 and
  has not been checked here against an amended Labour Code.

What it does not cover:

* swaps and Tết arrangements decided after the library's release: future years
  follow the library's rules until a newer release lists the actual decision,
  so keep the dependency up to date;
* a year whose Tết break the Prime Minister sets differently from the library's
  rule. The years checked here against the published schedules agree: Tết
  2024 off 08-14/02; 30/4 2024 off 27/04-01/05 with Monday 29/04 swapped
  (Công văn 2450/VPCP-KGVX); 2/9 2024 off 31/08-03/09; Tết 2025 off
  25/01-02/02, the five Tết days being 27-31/01;
* ad hoc days off outside the Labour Code, and the extra days of Art. 112(2)
  for foreign employees (their own Tết and national day);
* that the swaps bind state bodies, not every employer;
* exact lunar names: the day the library labels "29 Tết" in 2025 (27/01/2025)
  was the 28th of the twelfth lunar month. Names are for display only.

The supported years are 1990 to 2100 (the library has no Vietnamese holidays
after 2100). Any date outside them, given or computed, raises ``ValueError``.

``due_date`` is the arithmetic of the period alone. Where the period ends is
``period_end``: Bộ luật Dân sự 2015, Art. 148(5) — "Khi ngày cuối cùng của thời
hạn là ngày nghỉ cuối tuần hoặc ngày nghỉ lễ thì thời hạn kết thúc tại thời điểm
kết thúc ngày làm việc tiếp theo ngày nghỉ đó" — moves a ``within`` period in
calendar days that ends on a weekend day or an official day off to the next
working day (an official make-up Saturday is a working day, so a period may end
on it). A ``before`` period ("chậm nhất N ngày trước …") is not moved: moving it
forward would shorten the notice the law requires. Working-day periods always
end on a working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Literal, get_args

__all__ = ["Relation", "Unit", "due_date", "holiday_name", "is_working_day", "period_end", "preload", "seed"]

Unit = Literal["days", "working_days"]
"""How a time limit is counted: calendar days or working days."""

Relation = Literal["within", "before"]
"""Whether the due date falls after the anchor ("within") or before it."""

_FIRST_YEAR = 1990
_LAST_YEAR = 2100
_FIRST_DAY = date(_FIRST_YEAR, 1, 1)
_LAST_DAY = date(_LAST_YEAR, 12, 31)
_SATURDAY = 5
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class _YearCalendar:
    """Read-only holidays of one year: no other module state exists."""

    holidays: MappingProxyType[date, str]
    weekend_workdays: frozenset[date]


#: Years whose calendar was given by :func:`seed` (from the on-disk cache of compiled rules, which stores the
#: library's own answer for the years of the regulation's period): read-only once set, the same data the
#: library gives, so ``holidays`` is imported only for a year outside them.
_SEEDED: dict[int, _YearCalendar] = {}


#: Every supported year, built at once by :func:`preload` (read-only once filled).
_PRELOADED: dict[int, _YearCalendar] = {}


def _year_calendar(year: int) -> _YearCalendar:
    """The holidays of ``year``: seeded, or built from the library once per year."""
    known = _SEEDED.get(year) or _PRELOADED.get(year)
    return known if known is not None else _library_year(year)


@lru_cache(maxsize=128)
def _library_year(year: int) -> _YearCalendar:
    """Build the holidays of ``year`` from the library, once per year.

    The neighbouring years are loaded too, because a swap decided for one year
    may move a working day into the next one (e.g. 31/12/2018 off, worked on
    Saturday 05/01/2019).
    """
    import holidays  # here, not at import: a seeded year never needs the library

    source = holidays.country_holidays(
        "VN",
        years=(year - 1, year, year + 1),
        language="vi",
        expand=False,
    )
    days_off = {day: name for day, name in source.items() if day.year == year}
    workdays = frozenset(day for day in source.weekend_workdays if day.year == year and day.weekday() >= _SATURDAY)
    return _YearCalendar(
        holidays=MappingProxyType(days_off),
        weekend_workdays=workdays,
    )


def _forget() -> None:
    """Forget every year's calendar, seeded or built (tests: the next reading asks the library again)."""
    _SEEDED.clear()
    _PRELOADED.clear()
    _library_year.cache_clear()


_year_calendar.cache_clear = _forget  # type: ignore[attr-defined]


def year_data(year: int) -> dict[str, object]:
    """The library's calendar of one year as plain data (for the cache): ``{"off": {ISO day: name},
    "worked": [ISO Saturday or Sunday worked]}``.
    """
    cal = _library_year(year)
    return {
        "off": {day.isoformat(): name for day, name in sorted(cal.holidays.items())},
        "worked": sorted(day.isoformat() for day in cal.weekend_workdays),
    }


def seed(years: dict[str, dict[str, object]]) -> None:
    """Use these years' calendars (:func:`year_data`'s form, keyed by the year as text) instead of asking the
    library. Raises ValueError or TypeError (and seeds nothing) when the data is not in that form.
    """
    built: dict[int, _YearCalendar] = {}
    for year, data in years.items():
        n = int(year)
        off, worked = data["off"], data["worked"]
        if not isinstance(off, dict) or not isinstance(worked, list):
            raise TypeError(f"calendar data of {year} is not in year_data's form")
        days_off = {date.fromisoformat(day): str(name) for day, name in off.items()}
        workdays = frozenset(date.fromisoformat(day) for day in worked)
        if any(d.year != n for d in (*days_off, *workdays)) or not _FIRST_YEAR <= n <= _LAST_YEAR:
            raise ValueError(f"calendar data of {year} holds days of another year")
        built[n] = _YearCalendar(holidays=MappingProxyType(days_off), weekend_workdays=workdays)
    _SEEDED.update(built)


def preload() -> None:
    """Build every supported year's holidays now, in one call to the library (about 0.1 s), so that no
    later evaluation builds one: for a long-running process that will see dates of any year (``quyche
    serve`` calls it at start). ``quyche.load()`` does not: the years of the regulation's period come
    from the on-disk cache (:func:`seed`), and any other year is built the first time it is needed. Done
    once per process; the years around the supported ones are included, as in :func:`_library_year`, so
    the result is the same.
    """
    if len(_PRELOADED) == _LAST_YEAR - _FIRST_YEAR + 1:
        return
    import holidays
    source = holidays.country_holidays(
        "VN",
        years=range(_FIRST_YEAR - 1, _LAST_YEAR + 2),
        language="vi",
        expand=False,
    )
    days_off: dict[int, dict[date, str]] = {y: {} for y in range(_FIRST_YEAR, _LAST_YEAR + 1)}
    workdays: dict[int, set[date]] = {y: set() for y in days_off}
    for day, name in source.items():
        if day.year in days_off:
            days_off[day.year][day] = name
    for day in source.weekend_workdays:
        if day.year in workdays and day.weekday() >= _SATURDAY:
            workdays[day.year].add(day)
    _PRELOADED.update(
        {
            y: _YearCalendar(holidays=MappingProxyType(days_off[y]), weekend_workdays=frozenset(workdays[y]))
            for y in days_off
        }
    )


def _check_day(day: object, what: str) -> date:
    """Return ``day`` if it is a plain date in the supported years."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValueError(f"{what} must be a date, got {day!r}")
    if not _FIRST_DAY <= day <= _LAST_DAY:
        raise ValueError(f"{what} {day.isoformat()} is outside the supported years {_FIRST_YEAR} to {_LAST_YEAR}")
    return day


def _is_working_day(day: date) -> bool:
    """Working-day test for a date already known to be in range."""
    calendar = _year_calendar(day.year)
    if day.weekday() >= _SATURDAY:
        return day in calendar.weekend_workdays
    return day not in calendar.holidays


def is_working_day(day: date) -> bool:
    """Tell whether ``day`` is a working day (ngày làm việc) of a state body.

    A working day is a Monday to Friday that is not a public holiday, a
    compensatory day (nghỉ bù) or a swapped day off, or a Saturday that a
    government swap made a working day (ngày làm bù), as the ``holidays``
    library lists them.

    Raises:
        ValueError: ``day`` is not a date, or is outside 1990 to 2100.

    """
    return _is_working_day(_check_day(day, "day"))


def holiday_name(day: date) -> str | None:
    """Return the Vietnamese name of the holiday on ``day``, or None.

    Compensatory days carry "(nghỉ bù)"; swapped days off read
    "Ngày nghỉ (thay cho ngày …)". A weekend without a holiday gives None.

    Raises:
        ValueError: ``day`` is not a date, or is outside 1990 to 2100.

    """
    day = _check_day(day, "day")
    return _year_calendar(day.year).holidays.get(day)


def _step_working_days(anchor: date, days: int, step: timedelta) -> date:
    """Move from ``anchor`` by ``days`` working days in the direction of ``step``.

    With ``days == 0`` the anchor itself is kept if it is a working day, else
    the nearest working day in that direction. The walk stops with ValueError
    once it leaves the supported years, so it always ends.
    """
    current = anchor
    remaining = days
    if remaining == 0:
        while not _is_working_day(current):
            current = _check_day(current + step, "due date")
        return current
    # the loop below is _check_day + _is_working_day, inlined (it runs for every day of the period)
    year = current.year
    calendar = _year_calendar(year)
    while remaining > 0:
        current = current + step
        if not _FIRST_DAY <= current <= _LAST_DAY:
            _check_day(current, "due date")  # raises
        if current.year != year:
            year = current.year
            calendar = _year_calendar(year)
        if current.weekday() >= _SATURDAY:
            if current in calendar.weekend_workdays:
                remaining -= 1
        elif current not in calendar.holidays:
            remaining -= 1
    return current


def due_date(anchor: date, days: int, unit: Unit, relation: Relation) -> date:
    """Compute the due date of a time limit counted from ``anchor``.

    * ``"days"``, ``"within"``: ``anchor + days`` calendar days, not moved off
      a weekend or holiday.
    * ``"days"``, ``"before"``: ``anchor - days`` calendar days.
    * ``"working_days"``, ``"within"``: the ``days``-th working day after the
      anchor, counting from the next day ("trong thời hạn N ngày làm việc kể
      từ ngày …"); with ``days == 0``, the anchor if it is a working day, else
      the next working day.
    * ``"working_days"``, ``"before"``: the ``days``-th working day before the
      anchor, counting back from the day before; with ``days == 0``, the anchor
      if it is a working day, else the previous working day.

    Raises:
        ValueError: ``anchor`` is not a date or is outside 1990 to 2100; ``days``
            is not a non-negative integer; ``unit`` or ``relation`` is unknown;
            or the due date would fall outside 1990 to 2100.

    """
    anchor = _check_day(anchor, "anchor")
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValueError(f"days must be an integer, got {days!r}")
    if days < 0:
        raise ValueError(f"days must be 0 or more, got {days}")
    if unit not in get_args(Unit):
        raise ValueError(f"unit must be 'days' or 'working_days', got {unit!r}")
    if relation not in get_args(Relation):
        raise ValueError(f"relation must be 'within' or 'before', got {relation!r}")
    if days > (_LAST_DAY - _FIRST_DAY).days:
        raise ValueError(
            f"{days} days from {anchor.isoformat()} is outside the supported years {_FIRST_YEAR} to {_LAST_YEAR}"
        )

    sign = 1 if relation == "within" else -1
    if unit == "days":
        return _check_day(anchor + sign * timedelta(days=days), "due date")
    return _step_working_days(anchor, days, sign * _ONE_DAY)


def period_end(anchor: date, days: int, unit: Unit, relation: Relation) -> tuple[date, date | None]:
    """Where a time limit counted from ``anchor`` ends, and the day it was moved from (or None).

    The same as :func:`due_date`, except that a ``within`` period in calendar days whose last day is
    not a working day ends on the next working day (Bộ luật Dân sự 2015, Art. 148(5)); the second
    value is then that last day, else None.

    Raises:
        ValueError: as :func:`due_date`, or when the next working day is after 2100.

    """
    due = due_date(anchor, days, unit, relation)
    if unit != "days" or relation != "within" or _is_working_day(due):
        return due, None
    return _step_working_days(due, 0, _ONE_DAY), due
