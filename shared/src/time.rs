//! Time is kept as UTC Unix milliseconds and shown in Asia/Tashkent: UTC+5 all year
//! (Uzbekistan has not observed daylight saving time since 1992).

const TASHKENT_OFFSET_MS: i64 = 5 * 3_600_000;

/// The Tashkent calendar date and time of an instant: (year, month, day, hour, minute).
pub fn tashkent(ms: i64) -> (i64, u32, u32, u32, u32) {
    let local = ms + TASHKENT_OFFSET_MS;
    let days = local.div_euclid(86_400_000);
    let of_day = local.rem_euclid(86_400_000) / 60_000;
    let (y, m, d) = civil_from_days(days);
    (y, m, d, (of_day / 60) as u32, (of_day % 60) as u32)
}

/// `20261122T140501Z`: the UTC form request signatures (AWS SigV4) use.
pub fn utc_compact(ms: i64) -> String {
    utc_iso(ms).replace(['-', ':'], "")
}

/// `2026-11-22T14:05:01Z`: an instant in UTC as RFC 3339 writes it (Open311's dates).
pub fn utc_iso(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let secs = ms.rem_euclid(86_400_000) / 1000;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// `2026-11-22`: the Tashkent date of an instant, as dates are stored.
pub fn format_iso_date(ms: i64) -> String {
    let (y, m, d, _, _) = tashkent(ms);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `22.11.2026`, the usual way of writing a date in Uzbekistan.
pub fn format_date(ms: i64) -> String {
    let (y, m, d, _, _) = tashkent(ms);
    format!("{d:02}.{m:02}.{y}")
}

/// `22.11.2026 14:05`.
pub fn format_date_time(ms: i64) -> String {
    let (y, m, d, h, min) = tashkent(ms);
    format!("{d:02}.{m:02}.{y} {h:02}:{min:02}")
}

/// The first millisecond of a Tashkent calendar day written `YYYY-MM-DD`, as UTC ms.
pub fn parse_tashkent_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400_000 - TASHKENT_OFFSET_MS)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A proleptic Gregorian date to days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_evening_is_the_next_day_in_tashkent() {
        // 2026-11-22T20:30:00Z is 01:30 on the 23rd in Tashkent.
        assert_eq!(format_date_time(1_795_379_400_000), "23.11.2026 01:30");
        assert_eq!(format_date(1_795_379_400_000), "23.11.2026");
    }

    #[test]
    fn tashkent_dates_round_trip() {
        let start = parse_tashkent_date("2026-11-22").unwrap();
        assert_eq!(format_date_time(start), "22.11.2026 00:00");
        assert_eq!(format_date_time(start - 1), "21.11.2026 23:59");
        assert_eq!(
            parse_tashkent_date("2028-02-29").map(format_date),
            Some("29.02.2028".into())
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "22.11.2026",
            "2026-11-22-1",
            "",
        ] {
            assert_eq!(parse_tashkent_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_epoch_and_a_leap_day() {
        assert_eq!(format_date_time(0), "01.01.1970 05:00");
        assert_eq!(utc_compact(1_369_353_600_000), "20130524T000000Z");
        assert_eq!(utc_compact(1_795_379_401_000), "20261122T203001Z");
        assert_eq!(utc_iso(1_795_379_401_000), "2026-11-22T20:30:01Z");
        // 2028-02-29T00:00:00+05:00
        assert_eq!(format_date(1_835_377_200_000), "29.02.2028");
    }
}
