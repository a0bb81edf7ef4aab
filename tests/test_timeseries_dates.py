"""bpnn.tables.times: time columns as people write them, read from the whole column, and
the refusals (gaps, repeats, disorder) named with their rows."""

import numpy as np
import pandas as pd
import pytest

from bpnn.tables.times import (
    TimeColumnError,
    check_regular,
    continue_times,
    find_time_column,
    is_time_name,
    parse_times,
    time_axis,
)

DAYS = pd.date_range("2020-01-01", periods=40, freq="D")
MONTHS = pd.date_range("2020-01-01", periods=24, freq="MS")


def refused(values, *words, **kw):
    with pytest.raises(TimeColumnError) as info:
        time_axis(values, "date", "'x.csv'", **kw)
    text = str(info.value)
    assert "\n" not in text
    for w in words:
        assert w in text, text
    return text


# -- day-first / month-first from the whole column ------------------------------------------
def test_day_first_is_decided_by_a_first_field_above_12_anywhere_in_the_column():
    # 01/01/2020 .. 12/01/2020 read either way; 13/01/2020 (row 13) can only be day-first
    a = time_axis(DAYS.strftime("%d/%m/%Y"), "date")
    assert a.reading == "day-first"
    assert a.why == "'13/01/2020' in row 13 has no month 13"
    assert a.index.equals(pd.DatetimeIndex(DAYS, name="date"))
    assert a.step.text == "1 day" and a.options == {"dayfirst": True}


def test_month_first_is_decided_by_a_second_field_above_12():
    a = time_axis(DAYS.strftime("%m/%d/%Y"), "date")
    assert a.reading == "month-first" and "'01/13/2020' in row 13" in a.why
    assert a.index.equals(pd.DatetimeIndex(DAYS, name="date"))
    assert a.options == {"dayfirst": False}


def test_the_issue_case_no_longer_reads_each_value_on_its_own():
    # pandas value by value read 01/12/2020 as 2020-01-12, then 13/01/2020 as 2020-01-13
    text = ["30/11/2020", "01/12/2020", "02/12/2020"] + [f"{d:02d}/12/2020" for d in range(3, 20)]
    a = time_axis(text, "date")
    assert a.reading == "day-first" and a.index[1] == pd.Timestamp("2020-12-01")


def test_day_and_month_first_in_one_column_is_named_with_two_examples():
    refused(
        ["13/01/2020", "14/01/2020", "01/15/2020"],
        "mixes day-first and month-first",
        "'13/01/2020' in row 1 has no month 13",
        "'01/15/2020' in row 3 no month 15",
    )


def test_a_column_that_reads_both_ways_is_refused_with_the_hint():
    # ten days written day-first: as month-first they are ten month starts, also even
    text = DAYS[:10].strftime("%d/%m/%Y")
    msg = refused(text, "ambiguous", "both day-first and month-first", "'02/01/2020' in row 2")
    assert "both readings are evenly spaced" in msg and "dayfirst=True" in msg
    # the caller's hint ends the line (the command line names its options)
    with pytest.raises(TimeColumnError, match=r"; pass --dayfirst or --monthfirst$"):
        parse_times(text, "date", hint="pass --dayfirst or --monthfirst")


def test_an_all_small_column_is_read_the_one_way_that_is_in_order_and_even():
    # 24 month starts day-first: month-first they would be Jan 1..12, then Jan 1 again
    a = time_axis(MONTHS.strftime("%d/%m/%Y"), "date")
    assert a.reading == "day-first" and "the only reading" in a.why
    assert a.index.equals(pd.DatetimeIndex(MONTHS, name="date"))
    assert a.step.text == "1 month"
    # same day and month everywhere: both readings are the same dates, nothing to decide
    same = time_axis(["01/01/2020", "01/01/2021", "01/01/2022"], "date")
    assert same.reading == "dates" and same.step.text == "1 year" and same.options == {}


def test_dayfirst_and_date_format_override_the_detection():
    text = MONTHS[:12].strftime("%d/%m/%Y")  # ambiguous alone
    day = time_axis(text, "date", dayfirst=True)
    month = time_axis(text, "date", dayfirst=False)
    assert day.index.equals(pd.DatetimeIndex(MONTHS[:12], name="date"))
    assert month.index[1] == pd.Timestamp("2020-01-02") and month.step.text == "1 day"
    fmt = time_axis(text, "date", date_format="%d/%m/%Y")
    assert fmt.index.equals(day.index) and fmt.options == {"date_format": "%d/%m/%Y"}
    compact = time_axis([20200113, 20200114, 20200115], "date", date_format="%Y%m%d")
    assert compact.index[0] == pd.Timestamp("2020-01-13") and compact.step.text == "1 day"
    dotted = time_axis(MONTHS.strftime("%d.%m.%y"), "date", date_format="%d.%m.%y")
    assert dotted.index.equals(pd.DatetimeIndex(MONTHS, name="date"))
    # an override the data contradicts is named
    refused(["01/13/2020", "01/14/2020"], "'01/13/2020' in row 1", "not a day-first", dayfirst=True)
    refused(
        text[:3].tolist() + ["2020-04-01"],
        "'2020-04-01' in row 4",
        "%d/%m/%Y",
        date_format="%d/%m/%Y",
    )


def test_impossible_dates_and_empty_cells_are_named():
    refused(["31/02/2020", "01/03/2020", "13/03/2020"], "'31/02/2020' in row 1", "not a date")
    refused(["13/01/2020", "99/01/2020"], "'99/01/2020' in row 2", "not a date")
    refused(["2020-01-01", None, "2020-01-03"], "empty in row 2")
    refused(["2020-01-01 23:00", "2020-01-01 24:00"], "'2020-01-01 24:00' in row 2", "not a date")
    refused(["2020-01-01", "soon"], "'soon' in row 2", "neither a number nor a date")


# -- other ways of writing dates ------------------------------------------------------------
@pytest.mark.parametrize(
    "fmt",
    [
        "{y}年{m}月{d}日",
        "{y}年{m:02d}月{d:02d}日",
        "{y}年{m}月{d}号",
        "{y}/{m}/{d}",
        "{y}/{m:02d}/{d:02d}",
        "{y}-{m}-{d}",
        "{y}.{m}.{d}",
    ],
)
def test_year_first_and_chinese_days_with_and_without_zero_padding(fmt):
    text = [fmt.format(y=t.year, m=t.month, d=t.day) for t in DAYS]
    a = time_axis(text, "日期")
    assert a.index.equals(pd.DatetimeIndex(DAYS, name="日期")), text[:3]
    assert a.reading in ("Chinese dates", "year first") and a.step.text == "1 day"


def test_chinese_months_and_years():
    a = time_axis([f"{t.year}年{t.month}月" for t in MONTHS], "月份")
    assert a.index.equals(pd.DatetimeIndex(MONTHS, name="月份")) and a.step.text == "1 month"
    years = time_axis(["2018年", "2019年", "2020年"], "年份")
    assert years.index.tolist() == [2018, 2019, 2020] and years.index.dtype == np.int64


def test_full_width_digits_are_normalised():
    a = time_axis(["２０２０年１月１３日", "２０２０年１月１４日", "２０２０／１／１５"], "日期")
    assert a.index.equals(pd.DatetimeIndex(["2020-01-13", "2020-01-14", "2020-01-15"], name="日期"))
    assert time_axis(["１７００", "１７０１", "１７０２"], "year").index.tolist() == [
        1700,
        1701,
        1702,
    ]


def test_iso_datetimes_with_and_without_a_time_zone():
    hours = pd.date_range("2020-03-01 22:00", periods=6, freq="h")
    a = time_axis(hours.strftime("%Y-%m-%dT%H:%M:%S"), "timestamp")
    assert a.index.equals(pd.DatetimeIndex(hours, name="timestamp")) and a.step.text == "1 hour"
    zoned = time_axis(hours.strftime("%Y-%m-%dT%H:%M:%S+08:00"), "timestamp")
    assert zoned.index[0] == pd.Timestamp("2020-03-01 14:00")  # converted to UTC
    assert time_axis(pd.Series(hours), "t").reading == "datetimes"  # already dates (Excel)


def test_twelve_hour_clocks_are_read_with_the_column_decision():
    # Excel's US export: month-first, 12-hour clock; row 2 (13th) decides the order
    a = time_axis(["1/12/2020 11:00 AM", "1/13/2020 12:00 AM", "1/13/2020 1:00 PM"], "t")
    assert a.reading == "month-first"
    assert a.index.tolist() == [
        pd.Timestamp("2020-01-12 11:00"),
        pd.Timestamp("2020-01-13 00:00"),
        pd.Timestamp("2020-01-13 13:00"),
    ]
    refused(
        ["1/12/2020 13:00 PM", "1/13/2020 1:00 PM"], "'1/12/2020 13:00 PM' in row 1", "not a date"
    )


def test_year_columns_stay_integers():
    a = time_axis(np.arange(1700, 1710), "year")
    assert a.reading == "numbers" and a.index.dtype == np.int64 and a.step.text == "1"


# -- spacing --------------------------------------------------------------------------------
def test_a_gap_is_named_with_its_rows_and_the_usual_step():
    gap = MONTHS.delete(2).strftime("%Y-%m-%d")  # 2020-03-01 missing
    refused(
        gap,
        "time column 'date' in 'x.csv' has a gap: 2020-04-01 follows 2020-02-01",
        "where the other steps are 1 month",
        "(rows 2-3, 1 missing time step)",
        "fill the gaps first",
    )
    refused(
        np.r_[np.arange(10), np.arange(13, 20)], "has a gap: 13 follows 9", "3 missing time steps"
    )
    two = DAYS.delete([5, 20]).strftime("%Y-%m-%d")
    refused(two, "rows 5-6", "the first of 2 uneven steps")


def test_an_odd_step_is_not_called_a_gap():
    text = ["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04 12:00", "2020-01-05"]
    refused(text, "not evenly spaced: 2020-01-04 12:00 follows 2020-01-03", "1 day", "rows 3-4")


def test_a_repeated_time_names_both_rows():
    refused(
        ["2020-01-01", "2020-01-02", "2020-01-02", "2020-01-03"],
        "repeats the time 2020-01-02 (rows 2 and 3)",
    )


def test_times_out_of_order_are_named_as_unsorted_with_the_rows():
    refused(
        ["2020-01-01", "2020-01-03", "2020-01-02", "2020-01-04"],
        "is not sorted: 2020-01-02 in row 3 comes after 2020-01-03 in row 2",
        "sort the rows by time first",
    )


def test_calendar_steps_month_ends_and_business_days():
    ends = pd.date_range("2020-01-31", periods=14, freq="ME")
    assert check_regular(ends).text == "1 month"
    quarters = pd.date_range("2020-01-01", periods=8, freq="QS")
    assert check_regular(quarters).text == "3 months"
    mid = pd.date_range("2020-01-01", periods=6, freq="MS") + pd.Timedelta(days=14)
    assert check_regular(mid).text == "1 month"  # the 15th of every month
    b = pd.bdate_range("2020-01-01", periods=30)
    assert check_regular(b).unit == "business day"
    with pytest.raises(
        TimeColumnError, match=r"has a gap: 2020-01-13 follows 2020-01-09 .* 1 business day"
    ):
        check_regular(b.delete(7), "date")  # a holiday (Friday 10th) is a gap; weekends are not


def test_continue_times_keeps_the_calendar():
    assert continue_times(pd.DatetimeIndex(MONTHS), 2).tolist() == [
        pd.Timestamp("2022-01-01"),
        pd.Timestamp("2022-02-01"),
    ]
    ends = pd.date_range("2020-01-31", periods=3, freq="ME")
    assert continue_times(ends, 2).tolist() == [
        pd.Timestamp("2020-04-30"),
        pd.Timestamp("2020-05-31"),
    ]
    mid = pd.date_range("2020-01-01", periods=3, freq="MS") + pd.Timedelta(days=14)
    assert continue_times(mid, 1)[0] == pd.Timestamp("2020-04-15")
    friday = pd.bdate_range("2020-01-01", "2020-01-10")
    assert continue_times(friday, 1)[0] == pd.Timestamp("2020-01-13")
    assert continue_times(pd.Index([1700, 1702, 1704]), 2).tolist() == [1706, 1708]
    assert continue_times(pd.Index([5]), 1) is None


# -- which column is the time axis ------------------------------------------------------------
def test_a_time_column_is_found_by_its_name_or_its_values():
    y = np.arange(5.0)
    dates = DAYS[:5].strftime("%d/%m/%Y")
    assert find_time_column(pd.DataFrame({"y": y, "date": dates})) == "date"
    assert find_time_column(pd.DataFrame({"销量": y, "日期": dates})) == "日期"
    assert find_time_column(pd.DataFrame({"Year": np.arange(1700, 1705), "y": y})) == "Year"
    assert find_time_column(pd.DataFrame({"y": y, "when": dates})) == "when"  # by its values
    # a named column wins over one found by its values; excluded columns are never taken
    both = pd.DataFrame({"when": dates, "ds": dates, "y": y})
    assert find_time_column(both) == "ds" and find_time_column(both, ["ds"]) == "when"
    # a month number that repeats, text that is no date, a plain numeric column: none
    assert find_time_column(pd.DataFrame({"month": [1, 2, 1, 2, 1], "y": y})) is None
    assert find_time_column(pd.DataFrame({"time": list("abcde"), "y": y})) is None
    assert find_time_column(pd.DataFrame({"t": np.arange(5), "y": y})) is None


def test_time_names():
    for name in (
        "date",
        "Date",
        "DS",
        "timestamp",
        "order_date",
        "Order Date",
        "交易日期",
        "时间",
        "年份",
    ):
        assert is_time_name(name), name
    for name in ("y", "t", "sales", "update", "timeline", "销量"):
        assert not is_time_name(name), name
