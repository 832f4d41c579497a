//! Local dates and ISO weeks, computed from a UTC instant plus the UTC offset the user had at the
//! time, so an entry's day never drifts when the user changes time zone. No calendar dependency:
//! proleptic Gregorian arithmetic (H. Hinnant's `days_from_civil`).

use core::fmt;

const MS_PER_DAY: i64 = 86_400_000;
const MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
];

/// A calendar date in the user's local time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDate {
    pub year: i32,
    /// 1..=12
    pub month: u8,
    /// 1..=31
    pub day: u8,
}

/// Days since 1970-01-01 for a civil date.
pub fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date for days since 1970-01-01.
pub fn civil_from_days(days: i64) -> LocalDate {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    LocalDate {
        // Entry times are validated to a few thousand years around now, so these fit.
        year: i32::try_from(year).unwrap_or(if year < 0 { i32::MIN } else { i32::MAX }),
        month: u8::try_from(month).unwrap_or(1),
        day: u8::try_from(day).unwrap_or(1),
    }
}

/// Days since the epoch of the local date of `utc_ms` seen at `offset_minutes` east of UTC.
pub fn local_day(utc_ms: i64, offset_minutes: i16) -> i64 {
    utc_ms.saturating_add(i64::from(offset_minutes) * 60_000).div_euclid(MS_PER_DAY)
}

/// An ISO 8601 week: weeks start on Monday; week 1 contains the year's first Thursday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    pub year: i32,
    /// 1..=53
    pub week: u8,
}

impl IsoWeek {
    /// The week containing the given day (days since 1970-01-01).
    pub fn containing_day(days: i64) -> IsoWeek {
        // 1970-01-01 was a Thursday; Monday = 0.
        let weekday = (days + 3).rem_euclid(7);
        let thursday = days - weekday + 3;
        let year = civil_from_days(thursday).year;
        let week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
        IsoWeek { year, week: u8::try_from(week).unwrap_or(1) }
    }

    /// The week of an entry's local date.
    pub fn of_instant(utc_ms: i64, offset_minutes: i16) -> IsoWeek {
        Self::containing_day(local_day(utc_ms, offset_minutes))
    }

    /// Days since the epoch of this week's Monday.
    pub fn monday(self) -> i64 {
        let jan4 = days_from_civil(self.year, 1, 4);
        let jan4_weekday = (jan4 + 3).rem_euclid(7);
        jan4 - jan4_weekday + (i64::from(self.week) - 1) * 7
    }

    /// The following week.
    pub fn next(self) -> IsoWeek {
        Self::containing_day(self.monday() + 7)
    }

    /// Parses the label form `2026-W10`.
    pub fn parse(label: &str) -> Option<IsoWeek> {
        let (y, w) = label.split_once("-W")?;
        let year: i32 = y.parse().ok()?;
        let week: u8 = w.parse().ok()?;
        let candidate = IsoWeek { year, week };
        // Reject weeks that do not exist (e.g. W53 of a 52-week year, W00).
        (week >= 1 && Self::containing_day(candidate.monday()) == candidate).then_some(candidate)
    }

    /// "3–9 March 2026", "23 February – 1 March 2026", "29 December 2025 – 4 January 2026".
    pub fn describe_range(self) -> String {
        let a = civil_from_days(self.monday());
        let b = civil_from_days(self.monday() + 6);
        let month = |d: LocalDate| MONTHS.get(usize::from(d.month).wrapping_sub(1)).copied().unwrap_or("?");
        if a.year != b.year {
            format!("{} {} {} – {} {} {}", a.day, month(a), a.year, b.day, month(b), b.year)
        } else if a.month != b.month {
            format!("{} {} – {} {} {}", a.day, month(a), b.day, month(b), b.year)
        } else {
            format!("{}–{} {} {}", a.day, b.day, month(b), b.year)
        }
    }
}

impl fmt::Display for IsoWeek {
    /// The label used in the manifest and in segment naming: `2026-W10`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_weeks() {
        // 2026-03-03 is a Tuesday in ISO week 10 (2–8 March 2026).
        let d = days_from_civil(2026, 3, 3);
        assert_eq!(IsoWeek::containing_day(d), IsoWeek { year: 2026, week: 10 });
        assert_eq!(IsoWeek { year: 2026, week: 10 }.describe_range(), "2–8 March 2026");
        // 2021-01-03 (Sunday) belongs to 2020-W53.
        assert_eq!(IsoWeek::containing_day(days_from_civil(2021, 1, 3)), IsoWeek { year: 2020, week: 53 });
        // 2024-12-30 (Monday) belongs to 2025-W01.
        assert_eq!(IsoWeek::containing_day(days_from_civil(2024, 12, 30)), IsoWeek { year: 2025, week: 1 });
        assert_eq!(IsoWeek { year: 2025, week: 1 }.describe_range(), "30 December 2024 – 5 January 2025");
        assert_eq!(IsoWeek { year: 2026, week: 9 }.describe_range(), "23 February – 1 March 2026");
        assert_eq!(IsoWeek { year: 2026, week: 10 }.to_string(), "2026-W10");
        assert_eq!(IsoWeek::parse("2026-W10"), Some(IsoWeek { year: 2026, week: 10 }));
        assert_eq!(IsoWeek::parse("2021-W53"), None);
        assert_eq!(IsoWeek::parse("2020-W53"), Some(IsoWeek { year: 2020, week: 53 }));
        assert_eq!(IsoWeek::parse("2020-W00"), None);
    }

    #[test]
    fn offset_moves_the_day() {
        // 2026-03-08 23:30 UTC is Monday 9 March 00:30 in UTC+1: next week.
        let ms = days_from_civil(2026, 3, 8) * MS_PER_DAY + (23 * 60 + 30) * 60_000;
        assert_eq!(IsoWeek::of_instant(ms, 0), IsoWeek { year: 2026, week: 10 });
        assert_eq!(IsoWeek::of_instant(ms, 60), IsoWeek { year: 2026, week: 11 });
    }

    /// The last day of a 400-year era (29 February of a year divisible by 400) is the one day
    /// random days almost never hit (cargo-mutants survivors in civil_from_days); days far
    /// outside any valid entry time saturate instead of wrapping.
    #[test]
    fn era_ends_and_far_days() {
        for year in [1600, 2000, 2400, -400] {
            let d = LocalDate { year, month: 2, day: 29 };
            assert_eq!(civil_from_days(days_from_civil(year, 2, 29)), d);
            assert_eq!(civil_from_days(days_from_civil(year, 3, 1)), LocalDate { year, month: 3, day: 1 });
        }
        assert_eq!(civil_from_days(1_000_000_000_000).year, i32::MAX);
        assert_eq!(civil_from_days(-1_000_000_000_000).year, i32::MIN);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn civil_round_trip(days in -1_000_000i64..1_000_000) {
            let d = civil_from_days(days);
            prop_assert_eq!(days_from_civil(d.year, d.month, d.day), days);
        }

        #[test]
        fn week_contains_its_days(days in -200_000i64..200_000) {
            let w = IsoWeek::containing_day(days);
            prop_assert!(w.monday() <= days && days < w.monday() + 7);
            prop_assert_eq!(IsoWeek::parse(&w.to_string()), Some(w));
            prop_assert!(w.next() > w);
        }
    }
}
