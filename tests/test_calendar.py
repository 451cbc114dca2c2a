"""Tests of quyche.calendar against the real 2024 and 2025 Vietnamese calendars.

The expected holidays are those the ``holidays`` library gives, checked against
the schedules the government published: Tết 2024 off 08-14/02; 30/4 2024 off
27/04-01/05 with Monday 29/04 swapped for Saturday 04/05; 2/9 2024 off
31/08-03/09; Tết 2025 off 25/01-02/02; 30/4 2025 off 30/04-04/05 with Friday
02/05 swapped for Saturday 26/04; 2/9 2025 off 30/08-02/09.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from typing import Any

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quyche.calendar import _year_calendar, due_date, holiday_name, is_working_day, period_end

D = date
ONE_DAY = timedelta(days=1)


def days_between(first: date, last: date) -> list[date]:
    """Return all dates from ``first`` to ``last``, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def working_days_in(first: date, last: date) -> int:
    """Count the working days from ``first`` to ``last``, both included."""
    if first > last:
        return 0
    return sum(is_working_day(day) for day in days_between(first, last))


def holidays_of(year: int) -> dict[date, str]:
    """Return every holiday of ``year`` as quyche.calendar reports it."""
    days = days_between(D(year, 1, 1), D(year, 12, 31))
    return {day: name for day in days if (name := holiday_name(day)) is not None}


# --- the holidays the library gives -------------------------------------------------


def test_holidays_2024_are_the_published_ones() -> None:
    """2024: Tết Giáp Thìn falls on Saturday 10/02.

    The eve is Friday 09/02; the Saturday's day moves to Thursday 08/02 and the
    Sunday's to Wednesday 14/02. Monday 29/04 is swapped for Saturday 04/05.
    """
    assert sorted(holidays_of(2024)) == [
        D(2024, 1, 1),
        D(2024, 2, 8),
        D(2024, 2, 9),
        D(2024, 2, 10),
        D(2024, 2, 11),
        D(2024, 2, 12),
        D(2024, 2, 13),
        D(2024, 2, 14),
        D(2024, 4, 18),  # Giỗ Tổ Hùng Vương, 10/3 âm lịch
        D(2024, 4, 29),
        D(2024, 4, 30),
        D(2024, 5, 1),
        D(2024, 9, 2),
        D(2024, 9, 3),
    ]


def test_holidays_2025_are_the_published_ones() -> None:
    """2025: Tết Ất Tỵ falls on Wednesday 29/01.

    The five Tết days off are 27-31/01: the library lists Saturday 01/02 and
    moves it to Monday 27/01. Friday 02/05 is swapped for Saturday 26/04.
    """
    assert sorted(holidays_of(2025)) == [
        D(2025, 1, 1),
        D(2025, 1, 27),
        D(2025, 1, 28),
        D(2025, 1, 29),
        D(2025, 1, 30),
        D(2025, 1, 31),
        D(2025, 2, 1),
        D(2025, 4, 7),  # Giỗ Tổ Hùng Vương, 10/3 âm lịch
        D(2025, 4, 30),
        D(2025, 5, 1),
        D(2025, 5, 2),
        D(2025, 9, 1),
        D(2025, 9, 2),
    ]


def test_holiday_names_are_vietnamese() -> None:
    """Names come in Vietnamese, with nghỉ bù and swaps labelled."""
    assert holiday_name(D(2024, 2, 10)) == "Tết Nguyên Đán"
    assert holiday_name(D(2025, 1, 29)) == "Tết Nguyên Đán"
    assert holiday_name(D(2025, 1, 28)) == "Giao thừa Tết Nguyên Đán"
    assert holiday_name(D(2025, 4, 30)) == "Ngày Chiến thắng"
    assert holiday_name(D(2025, 5, 1)) == "Ngày Quốc tế Lao động"
    assert holiday_name(D(2025, 9, 2)) == "Quốc khánh"
    assert holiday_name(D(2025, 4, 7)) == "Ngày Giỗ Tổ Hùng Vương"
    assert holiday_name(D(2025, 5, 2)) == "Ngày nghỉ (thay cho ngày 26/04/2025)"
    assert holiday_name(D(2023, 1, 2)) == "Tết Dương lịch (nghỉ bù)"


def test_names_stay_vietnamese_whatever_the_locale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An English locale does not turn the names into English."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.setenv(variable, "en_US.UTF-8")
    _year_calendar.cache_clear()
    try:
        assert holiday_name(D(2025, 9, 2)) == "Quốc khánh"
    finally:
        _year_calendar.cache_clear()


def test_plain_days_and_weekends_have_no_name() -> None:
    """A plain weekday, a Saturday and a Saturday worked are not holidays."""
    assert holiday_name(D(2025, 3, 5)) is None
    assert holiday_name(D(2025, 3, 8)) is None
    assert holiday_name(D(2025, 4, 26)) is None


@pytest.mark.parametrize("year", range(1990, 2101))
def test_fixed_date_holidays_of_art_112_every_year(year: int) -> None:
    """Bộ luật Lao động 2019, Art. 112(1): 1/1, 30/4, 1/5 and 2/9 are days off."""
    for month, day in ((1, 1), (4, 30), (5, 1), (9, 2)):
        assert holiday_name(D(year, month, day)) is not None
        assert not is_working_day(D(year, month, day))


# --- working days -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 3, 5), True),  # Wednesday
        (D(2025, 3, 8), False),  # Saturday
        (D(2025, 3, 9), False),  # Sunday
        (D(2024, 2, 7), True),  # last working day before Tết 2024
        (D(2024, 2, 8), False),
        (D(2024, 2, 14), False),
        (D(2024, 2, 15), True),  # first working day after Tết 2024
        (D(2025, 1, 24), True),  # last working day before Tết 2025
        (D(2025, 1, 27), False),
        (D(2025, 1, 31), False),
        (D(2025, 2, 3), True),  # first working day after Tết 2025
        (D(2024, 4, 29), False),  # Monday swapped for Saturday 04/05
        (D(2024, 5, 4), True),  # Saturday worked (làm bù)
        (D(2025, 4, 26), True),  # Saturday worked (làm bù)
        (D(2025, 5, 2), False),  # Friday swapped for Saturday 26/04
        (D(2025, 9, 1), False),
        (D(2025, 9, 3), True),
    ],
)
def test_is_working_day(day: date, expected: bool) -> None:
    """Weekdays work, weekends and holidays do not, Saturdays làm bù do."""
    assert is_working_day(day) is expected


def test_saturday_of_a_swap_decided_in_the_year_before_is_worked() -> None:
    """31/12/2018 was given off and Saturday 05/01/2019 worked in its place."""
    assert holiday_name(D(2018, 12, 31)) is not None
    assert is_working_day(D(2019, 1, 5))
    assert not is_working_day(D(2019, 1, 12))


# --- due dates: calendar days -------------------------------------------------------


def test_calendar_days_within_is_plain_addition() -> None:
    """N calendar days within: the anchor plus N days."""
    assert due_date(D(2025, 1, 24), 10, "days", "within") == D(2025, 2, 3)
    assert due_date(D(2024, 12, 25), 15, "days", "within") == D(2025, 1, 9)


def test_calendar_days_are_not_moved_off_a_holiday() -> None:
    """``due_date`` is the arithmetic alone: a calendar-day result on Tết or a Saturday stays there (where
    the period *ends* is ``period_end``).
    """
    assert due_date(D(2025, 1, 20), 10, "days", "within") == D(2025, 1, 30)
    assert due_date(D(2025, 3, 1), 7, "days", "within") == D(2025, 3, 8)


def test_a_period_ending_on_a_day_off_ends_on_the_next_working_day() -> None:
    """Bộ luật Dân sự 2015, Art. 148(5): "Khi ngày cuối cùng của thời hạn là ngày nghỉ cuối tuần hoặc
    ngày nghỉ lễ thì thời hạn kết thúc tại thời điểm kết thúc ngày làm việc tiếp theo ngày nghỉ đó."
    """
    # a Saturday (the review's example: a complaint received 07/02/2024, 10 days)
    assert period_end(D(2024, 2, 7), 10, "days", "within") == (D(2024, 2, 19), D(2024, 2, 17))
    # Tết 2025 (25/01–02/02): the 30th of January moves to Monday 3 February
    assert period_end(D(2025, 1, 20), 10, "days", "within") == (D(2025, 2, 3), D(2025, 1, 30))
    # 30/4–1/5 2025 with Friday 2/5 swapped off: 30/4 moves to Monday 5/5
    assert period_end(D(2025, 3, 1), 60, "days", "within") == (D(2025, 5, 5), D(2025, 4, 30))
    # 2/9 2024 (31/8–3/9 off)
    assert period_end(D(2024, 8, 17), 15, "days", "within") == (D(2024, 9, 4), D(2024, 9, 1))
    # a working day is not moved
    assert period_end(D(2025, 1, 24), 10, "days", "within") == (D(2025, 2, 3), None)


def test_a_make_up_saturday_ends_a_period() -> None:
    """An official make-up Saturday is a working day: a period ending on it is not moved."""
    assert period_end(D(2025, 4, 11), 15, "days", "within") == (D(2025, 4, 26), None)
    assert period_end(D(2024, 4, 19), 15, "days", "within") == (D(2024, 5, 4), None)


def test_periods_counted_back_and_working_days_are_never_moved() -> None:
    """A ``before`` period ("chậm nhất … trước") is not moved forward, which would shorten the notice the
    law requires; a working-day period ends on a working day anyway.
    """
    assert period_end(D(2025, 5, 5), 15, "days", "before") == (D(2025, 4, 20), None)
    assert period_end(D(2024, 2, 7), 5, "working_days", "within") == (D(2024, 2, 21), None)
    assert period_end(D(2024, 2, 15), 5, "working_days", "before") == (D(2024, 2, 1), None)


@settings(max_examples=200)
@given(anchor=st.dates(D(1995, 1, 1), D(2099, 6, 30)), days=st.integers(0, 120))
def test_a_calendar_period_ends_on_the_first_working_day_from_its_last_day(anchor: date, days: int) -> None:
    """Art. 148(5) for any period: the end is a working day, no earlier than the last day, with no working
    day in between; ``moved_from`` is the last day exactly when the end differs from it.
    """
    last = anchor + timedelta(days=days)
    end, moved = period_end(anchor, days, "days", "within")
    assert is_working_day(end) and end >= last
    assert all(not is_working_day(last + timedelta(days=k)) for k in range((end - last).days))
    assert moved == (last if end != last else None)


def test_calendar_days_before_is_plain_subtraction() -> None:
    """N calendar days before: the anchor minus N days."""
    assert due_date(D(2025, 3, 1), 1, "days", "before") == D(2025, 2, 28)
    assert due_date(D(2024, 3, 1), 1, "days", "before") == D(2024, 2, 29)
    assert due_date(D(2025, 5, 3), 0, "days", "before") == D(2025, 5, 3)


# --- due dates: working days --------------------------------------------------------


def test_five_working_days_across_a_weekend() -> None:
    """From Thursday 06/03/2025: Fri 7, Mon 10, Tue 11, Wed 12, Thu 13."""
    assert due_date(D(2025, 3, 6), 5, "working_days", "within") == D(2025, 3, 13)


def test_counting_starts_the_day_after_the_anchor() -> None:
    """BLDS 2015 Art. 147(2): the anchor day itself is not counted."""
    assert due_date(D(2025, 3, 5), 1, "working_days", "within") == D(2025, 3, 6)
    assert due_date(D(2025, 3, 8), 1, "working_days", "within") == D(2025, 3, 10)


def test_within_across_tet_2024() -> None:
    """From Wednesday 07/02/2024 the next working day is Thursday 15/02."""
    assert due_date(D(2024, 2, 7), 1, "working_days", "within") == D(2024, 2, 15)
    assert due_date(D(2024, 2, 7), 5, "working_days", "within") == D(2024, 2, 21)


def test_within_across_tet_2025() -> None:
    """From Friday 24/01/2025 the next working day is Monday 03/02."""
    assert due_date(D(2025, 1, 24), 1, "working_days", "within") == D(2025, 2, 3)
    assert due_date(D(2025, 1, 22), 7, "working_days", "within") == D(2025, 2, 7)


def test_within_across_30_4_and_1_5() -> None:
    """The 30/4 and 1/5 breaks, swapped days included, are skipped."""
    assert due_date(D(2025, 4, 29), 1, "working_days", "within") == D(2025, 5, 5)
    assert due_date(D(2024, 4, 26), 1, "working_days", "within") == D(2024, 5, 2)


def test_within_lands_on_a_saturday_worked() -> None:
    """A Saturday worked in exchange for a swapped day off counts."""
    assert due_date(D(2025, 4, 25), 1, "working_days", "within") == D(2025, 4, 26)
    assert due_date(D(2024, 5, 3), 1, "working_days", "within") == D(2024, 5, 4)


def test_within_across_2_9() -> None:
    """Both Quốc khánh days are skipped."""
    assert due_date(D(2025, 8, 29), 1, "working_days", "within") == D(2025, 9, 3)
    assert due_date(D(2024, 8, 30), 1, "working_days", "within") == D(2024, 9, 4)


def test_before_across_a_holiday() -> None:
    """Counting back skips holidays; a Saturday làm bù counts.

    From Tuesday 06/05/2025 back: Mon 05/05, Tue 29/04, Mon 28/04, then
    Saturday 26/04 is the fourth working day.
    """
    assert due_date(D(2025, 9, 3), 1, "working_days", "before") == D(2025, 8, 29)
    assert due_date(D(2024, 2, 15), 1, "working_days", "before") == D(2024, 2, 7)
    assert due_date(D(2025, 5, 6), 3, "working_days", "before") == D(2025, 4, 28)
    assert due_date(D(2025, 5, 6), 4, "working_days", "before") == D(2025, 4, 26)


def test_before_across_a_weekend() -> None:
    """From Friday 14/03/2025 back: 13, 12, 11, 10, 7."""
    assert due_date(D(2025, 3, 14), 5, "working_days", "before") == D(2025, 3, 7)


def test_zero_working_days_on_a_working_day_is_the_anchor() -> None:
    """With 0 working days a working anchor is its own due date."""
    assert due_date(D(2025, 3, 5), 0, "working_days", "within") == D(2025, 3, 5)
    assert due_date(D(2025, 3, 5), 0, "working_days", "before") == D(2025, 3, 5)
    assert due_date(D(2025, 4, 26), 0, "working_days", "within") == D(2025, 4, 26)


def test_zero_working_days_on_a_day_off_moves_to_the_nearest_working_day() -> None:
    """With 0 working days a day off moves forward (within) or back (before)."""
    assert due_date(D(2025, 3, 8), 0, "working_days", "within") == D(2025, 3, 10)
    assert due_date(D(2025, 3, 8), 0, "working_days", "before") == D(2025, 3, 7)
    assert due_date(D(2024, 2, 10), 0, "working_days", "within") == D(2024, 2, 15)
    assert due_date(D(2024, 2, 10), 0, "working_days", "before") == D(2024, 2, 7)


def test_due_date_across_the_new_year() -> None:
    """Tết Dương lịch is skipped when counting across two years."""
    assert due_date(D(2024, 12, 31), 1, "working_days", "within") == D(2025, 1, 2)
    assert due_date(D(2025, 1, 2), 1, "working_days", "before") == D(2024, 12, 31)


# --- invalid input ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((D(2025, 3, 5), -1, "days", "within"), "0 or more"),
        ((D(2025, 3, 5), -1, "working_days", "before"), "0 or more"),
        ((D(2025, 3, 5), 5, "weeks", "within"), "unit"),
        ((D(2025, 3, 5), 5, "working_days", "after"), "relation"),
        ((D(2025, 3, 5), True, "days", "within"), "integer"),
        ((D(2025, 3, 5), 1.5, "days", "within"), "integer"),
        ((D(2025, 3, 5), "5", "days", "within"), "integer"),
        ((datetime(2025, 3, 5, 9, 0), 5, "days", "within"), "date"),
        (("2025-03-05", 5, "days", "within"), "date"),
        ((D(1989, 12, 31), 1, "days", "within"), "supported years"),
        ((D(2101, 1, 1), 1, "working_days", "within"), "supported years"),
        ((D(2100, 12, 25), 30, "days", "within"), "supported years"),
        ((D(2100, 12, 25), 10, "working_days", "within"), "supported years"),
        ((D(1990, 1, 3), 5, "working_days", "before"), "supported years"),
        ((D(1990, 1, 1), 0, "working_days", "before"), "supported years"),
        ((D(2025, 3, 5), 10**9, "working_days", "within"), "supported years"),
        ((D(2025, 3, 5), 10**18, "days", "before"), "supported years"),
    ],
)
def test_invalid_input_raises_value_error(args: tuple[Any, ...], message: str) -> None:
    """Bad days, unit, relation or anchor, or a due date out of range."""
    with pytest.raises(ValueError, match=message):
        due_date(*args)


@pytest.mark.parametrize("day", [D(1989, 12, 31), D(2101, 1, 1), datetime(2025, 1, 29, 8, 0), "2025-01-29"])
def test_invalid_day_raises_value_error(day: Any) -> None:
    """Only plain dates from 1990 to 2100 are accepted."""
    with pytest.raises(ValueError):
        is_working_day(day)
    with pytest.raises(ValueError):
        holiday_name(day)


def test_range_edges_are_accepted() -> None:
    """The first and last days of the supported years work."""
    assert due_date(D(1990, 1, 1), 1, "working_days", "within") == D(1990, 1, 2)
    assert due_date(D(2100, 12, 31), 1, "working_days", "before") == D(2100, 12, 30)
    assert is_working_day(D(2100, 12, 31)) is True


# --- concurrency --------------------------------------------------------------------


def test_concurrent_reads_agree_with_sequential_reads() -> None:
    """Threads filling the cache together see the same calendar."""
    days = days_between(D(2023, 12, 1), D(2026, 1, 31))
    expected = [is_working_day(day) for day in days]
    _year_calendar.cache_clear()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            runs = list(pool.map(lambda _: [is_working_day(d) for d in days], range(8)))
    finally:
        _year_calendar.cache_clear()
    assert all(run == expected for run in runs)


# --- properties ---------------------------------------------------------------------

anchors = st.dates(min_value=D(2021, 1, 1), max_value=D(2026, 12, 31))
counts = st.integers(min_value=0, max_value=60)


@settings(deadline=None)
@given(anchor=anchors, days=counts)
def test_within_lands_on_the_nth_working_day_after(anchor: date, days: int) -> None:
    """The due date works, and N working days lie in (anchor, due]."""
    due = due_date(anchor, days, "working_days", "within")
    assert is_working_day(due)
    assert due >= anchor
    if days == 0:
        assert working_days_in(anchor, due - ONE_DAY) == 0
    else:
        assert due > anchor
        assert working_days_in(anchor + ONE_DAY, due) == days


@settings(deadline=None)
@given(anchor=anchors, days=counts)
def test_before_lands_on_the_nth_working_day_before(anchor: date, days: int) -> None:
    """The due date works, and N working days lie in [due, anchor)."""
    due = due_date(anchor, days, "working_days", "before")
    assert is_working_day(due)
    assert due <= anchor
    if days == 0:
        assert working_days_in(due + ONE_DAY, anchor) == 0
    else:
        assert due < anchor
        assert working_days_in(due, anchor - ONE_DAY) == days


@settings(deadline=None)
@given(anchor=anchors, days=st.integers(min_value=1, max_value=60))
def test_working_days_agree_with_the_library(anchor: date, days: int) -> None:
    """Oracle: the library's own walk over a fresh, expanding calendar."""
    reference = holidays.country_holidays("VN", language="vi")
    assert due_date(anchor, days, "working_days", "within") == reference.get_nth_working_day(anchor, days)
    assert due_date(anchor, days, "working_days", "before") == reference.get_nth_working_day(anchor, -days)


@settings(deadline=None)
@given(anchor=anchors, days=counts)
def test_within_and_before_undo_each_other(anchor: date, days: int) -> None:
    """From a working day, N working days on and N back return to it."""
    due = due_date(anchor, days, "working_days", "within")
    if days > 0 and is_working_day(anchor):
        assert due_date(due, days, "working_days", "before") == anchor


@settings(deadline=None)
@given(anchor=anchors, days=counts)
def test_calendar_days_are_exact(anchor: date, days: int) -> None:
    """Calendar-day due dates are exactly N days away."""
    assert (due_date(anchor, days, "days", "within") - anchor).days == days
    assert (anchor - due_date(anchor, days, "days", "before")).days == days
