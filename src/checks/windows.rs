//! RDS time windows as the provider's validators take them: a daily
//! `hh24:mi-hh24:mi` backup window and a weekly `ddd:hh24:mi-ddd:hh24:mi`
//! maintenance window (UTC), each at least 30 minutes long.

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Minutes since midnight of `hh:mm`, or `None`.
fn clock(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    let two = |x: &str| x.len() == 2 && x.chars().all(|c| c.is_ascii_digit());
    if !two(h) || !two(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Minutes since Monday 00:00 of `ddd:hh:mm`, or `None`.
fn weekly(s: &str) -> Option<u32> {
    let (d, t) = s.split_once(':')?;
    let day = DAYS.iter().position(|x| *x == d)? as u32;
    Some(day * 24 * 60 + clock(t)?)
}

fn long_enough(start: u32, end: u32, period: u32) -> bool {
    (end + period - start) % period >= 30
}

/// Start and end minute of a daily window, for the overlap rule.
pub fn backup(s: &str) -> Result<(u32, u32), String> {
    let parsed = s.split_once('-').and_then(|(a, b)| Some((clock(a)?, clock(b)?)));
    match parsed {
        Some((a, b)) if long_enough(a, b, 24 * 60) => Ok((a, b)),
        Some(_) => Err(format!("the window `{s}` is shorter than the 30 minutes RDS needs")),
        None => Err(format!(
            "`{s}` is not a daily window `hh:mm-hh:mm` in UTC (hours 00 to 23), e.g. `02:00-03:00`"
        )),
    }
}

/// Start and end minute in the week of a weekly window.
pub fn maintenance(s: &str) -> Result<(u32, u32), String> {
    let parsed = s.split_once('-').and_then(|(a, b)| Some((weekly(a)?, weekly(b)?)));
    match parsed {
        Some((a, b)) if long_enough(a, b, 7 * 24 * 60) => Ok((a, b)),
        Some(_) => Err(format!("the window `{s}` is shorter than the 30 minutes RDS needs")),
        None => Err(format!(
            "`{s}` is not a weekly window `ddd:hh:mm-ddd:hh:mm` in UTC (days mon to sun, lowercase), e.g. `sun:03:30-sun:04:30`"
        )),
    }
}

/// Whether a daily backup window and a weekly maintenance window share a
/// minute (RDS refuses it).
pub fn overlap(backup: (u32, u32), maintenance: (u32, u32)) -> bool {
    let (day, week) = (24 * 60, 7 * 24 * 60);
    let span = |(a, b): (u32, u32), period: u32| (a, a + (b + period - a) % period);
    let (ms, me) = span(maintenance, week);
    let (bs, be) = span(backup, day);
    // Every day's backup window, against the maintenance window and its
    // copy a week on (a window across Sunday midnight).
    (0..8).any(|d| {
        let (s, e) = (d * day + bs, d * day + be);
        [0, week].iter().any(|w| s < me + w && ms + w < e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_and_overlap_as_rds_sees_them() {
        assert_eq!(backup("02:00-03:00"), Ok((120, 180)));
        assert!(backup("25:00-26:00").is_err());
        assert!(backup("2:00-3:00").is_err());
        assert!(backup("02:00-02:10").is_err());
        assert!(backup("23:30-00:30").is_ok());
        assert!(maintenance("sun:03:30-sun:04:30").is_ok());
        assert!(maintenance("Sun:03:30-sun:04:30").is_err());
        assert!(maintenance("sun:23:30-mon:00:30").is_ok());
        let m = maintenance("sun:03:30-sun:04:30").unwrap();
        assert!(overlap(backup("03:00-04:00").unwrap(), m));
        assert!(!overlap(backup("02:00-03:00").unwrap(), m));
        assert!(!overlap(backup("02:00-03:30").unwrap(), m));
        let wrap = maintenance("sun:23:30-mon:00:30").unwrap();
        assert!(overlap(backup("00:00-01:00").unwrap(), wrap));
        assert!(!overlap(backup("23:45-00:15").unwrap(), m));
    }
}
