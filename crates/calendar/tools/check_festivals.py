"""Cross-checks crates/calendar/src/statutory.rs's FESTIVALS table (not run by CI).

Three lunar conversions (lunar_python and sxtwl, both astronomical; lunardate, from the Hong Kong
Observatory's tables) must agree on 正月初一, 五月初五 and 八月十五, and three sources (lunar_python,
sxtwl, PyEphem's solar longitude of 15 degrees in Beijing time) on 清明, for every year of the table.
Also prints the events that fall within ten minutes of Beijing midnight (the only dates a small
ephemeris error could move).

    python3 -m venv /tmp/v && /tmp/v/bin/pip install lunar-python sxtwl lunardate ephem
    /tmp/v/bin/python crates/calendar/tools/check_festivals.py
"""
import datetime
import math
import re
import sys
from pathlib import Path

import ephem
import lunardate
import sxtwl
from lunar_python import Lunar

TABLE = Path(__file__).resolve().parent.parent / "src" / "statutory.rs"
ROW = re.compile(r"\((\d{4}), \((\d+), (\d+)\), \((\d+), (\d+)\), \((\d+), (\d+)\), \((\d+), (\d+)\)\)")


def beijing(d):
    return ephem.Date(d).datetime() + datetime.timedelta(hours=8)


def solar_longitude_time(year, degrees):
    target = math.radians(degrees)
    d = ephem.Date(ephem.Date(datetime.datetime(year, 1, 1)) + ((degrees - 280) % 360) / 360 * 365.2422)
    for _ in range(20):
        lon = ephem.Ecliptic(ephem.Sun(d), epoch=d).lon
        d = ephem.Date(d + ((target - lon + math.pi) % (2 * math.pi) - math.pi) / (2 * math.pi) * 365.2422)
    return d


def conversions(y, m, d):
    s = Lunar.fromYmd(y, m, d).getSolar()
    x = sxtwl.fromLunar(y, m, d, False)
    return {
        datetime.date(s.getYear(), s.getMonth(), s.getDay()),
        datetime.date(x.getSolarYear(), x.getSolarMonth(), x.getSolarDay()),
        lunardate.LunarDate(y, m, d).to_solar_date(),
    }


def qingming(y):
    t = Lunar.fromYmd(y, 3, 1).getJieQiTable()["清明"]
    out = {datetime.date(t.getYear(), t.getMonth(), t.getDay()), beijing(solar_longitude_time(y, 15)).date()}
    for day in range(3, 8):
        x = sxtwl.fromSolar(y, 4, day)
        if x.hasJieQi() and x.getJieQi() == 7:
            out.add(datetime.date(y, 4, day))
    return out


def main():
    bad = 0
    rows = [tuple(map(int, m.groups())) for m in ROW.finditer(TABLE.read_text(encoding="utf-8"))]
    for y, sm, sd, qm, qd, dm, dd, am, ad in rows:
        expected = [((1, 1), (sm, sd)), ((5, 5), (dm, dd)), ((8, 15), (am, ad))]
        for lunar, (m, d) in expected:
            got = conversions(y, *lunar)
            if got != {datetime.date(y, m, d)}:
                bad += 1
                print(f"{y} lunar {lunar}: table {m}-{d}, sources {sorted(got)}")
        got = qingming(y)
        if got != {datetime.date(y, qm, qd)}:
            bad += 1
            print(f"{y} 清明: table {qm}-{qd}, sources {sorted(got)}")
    d = ephem.Date(datetime.datetime(rows[0][0] - 1, 12, 1))
    while True:
        d = ephem.next_new_moon(d)
        t = beijing(d)
        if t.year > rows[-1][0]:
            break
        minutes = t.hour * 60 + t.minute
        if min(minutes, 1440 - minutes) < 10:
            print(f"close to midnight: new moon {t:%Y-%m-%d %H:%M:%S} Beijing time")
        d = ephem.Date(d + 1)
    print(f"{len(rows)} years checked, {bad} disagreements")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
