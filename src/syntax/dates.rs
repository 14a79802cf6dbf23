//! Dates at the start of a heading: ISO (`2026-11-24`) and the other forms people write.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

/// `YYYY-MM-DD` at the start of `text`, not followed by a digit: the date (`None` when it is
/// not a calendar date) and its length.
pub fn iso_date_at_start(text: &str) -> Option<(Option<NaiveDate>, usize)> {
    static ISO: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(\d{4})-(\d{2})-(\d{2})(?:[^0-9]|$)").unwrap());
    let c = ISO.captures(text)?;
    let num = |i: usize| c[i].parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(num(1)? as i32, num(2)?, num(3)?);
    Some((date, 10))
}

/// A date in another form at the start of a heading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NonIsoDate {
    /// Length of the date text.
    pub len: usize,
    /// The date it names, when that is unno fix and real.
    pub date: Option<NaiveDate>,
}

static MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// `24/11/2026`, `11/24/2026`, `24.11.2026`, `2026/11/24`, `2026-1-5`, `Nov 24, 2026`,
/// `24 November 2026`, optionally after a weekday.
pub fn non_iso_date_at_start(text: &str) -> Option<NonIsoDate> {
    static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:(\d{1,2})([/.])(\d{1,2})[/.](\d{4})|(\d{4})[/.-](\d{1,2})[/.-](\d{1,2}))(?:[^0-9]|$)")
            .unwrap()
    });
    static NAMED: LazyLock<Regex> = LazyLock::new(|| {
        let month = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";
        let weekday = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?";
        Regex::new(&format!(
            r"(?i)^{weekday}(?:{month}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})|(\d{{1,2}})(?:st|nd|rd|th)?\s+{month},?\s+(\d{{4}}))\b"
        ))
        .unwrap()
    });
    let ymd = |y: &str, m: &str, d: &str| {
        NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    };
    if let Some(c) = NUMERIC.captures(text) {
        let whole = c.get(0)?;
        let mut len = whole.len();
        if !whole.as_str().chars().last()?.is_ascii_digit() {
            len -= whole.as_str().chars().last()?.len_utf8();
        }
        let date = if let Some(y) = c.get(5) {
            // `2026-11-24` itself is ISO, not this.
            if crate::syntax::is_iso_shape(&text[..len]) {
                return None;
            }
            ymd(y.as_str(), &c[6], &c[7])
        } else {
            let (a, b, y) = (&c[1], &c[3], &c[4]);
            let (a_n, b_n): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
            if &c[2] == "." || a_n > 12 {
                ymd(y, b, a)
            } else if b_n > 12 {
                ymd(y, a, b)
            } else {
                None // `03/04/2026`: day and month could be either way round
            }
        };
        return Some(NonIsoDate { len, date });
    }
    let c = NAMED.captures(text)?;
    let (month, day, year) = match c.get(1) {
        Some(m) => (m.as_str(), &c[2], &c[3]),
        None => (&c[5], &c[4], &c[6]),
    };
    let month = month.to_ascii_lowercase();
    let m = MONTHS.iter().position(|p| month.starts_with(p))? + 1;
    Some(NonIsoDate {
        len: c.get(0)?.len(),
        date: ymd(year, &m.to_string(), day),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(s: &str) -> Option<String> {
        non_iso_date_at_start(s).map(|d| match d.date {
            Some(date) => format!("{} {}", &s[..d.len], date),
            None => format!("{} no fix", &s[..d.len]),
        })
    }

    #[test]
    fn iso_dates() {
        assert!(iso_date_at_start("2026-11-24 Planning")
            .unwrap()
            .0
            .is_some());
        assert_eq!(iso_date_at_start("2026-02-30").unwrap().0, None);
        assert!(iso_date_at_start("2026-11-245").is_none());
        assert!(iso_date_at_start("Notes").is_none());
    }

    #[test]
    fn other_forms_are_recognised_and_fixed_when_certain() {
        assert_eq!(fixed("24/11/2026").unwrap(), "24/11/2026 2026-11-24");
        assert_eq!(fixed("11/24/2026 sync").unwrap(), "11/24/2026 2026-11-24");
        assert_eq!(fixed("03/04/2026").unwrap(), "03/04/2026 no fix");
        assert_eq!(fixed("03.04.2026").unwrap(), "03.04.2026 2026-04-03");
        assert_eq!(fixed("2026/11/24").unwrap(), "2026/11/24 2026-11-24");
        assert_eq!(fixed("2026-1-5").unwrap(), "2026-1-5 2026-01-05");
        assert_eq!(fixed("Nov 24, 2026").unwrap(), "Nov 24, 2026 2026-11-24");
        assert_eq!(
            fixed("Tuesday, 24th November 2026").unwrap(),
            "Tuesday, 24th November 2026 2026-11-24"
        );
        assert_eq!(fixed("Feb 30, 2026").unwrap(), "Feb 30, 2026 no fix");
        assert_eq!(fixed("2026-11-24"), None);
        assert_eq!(fixed("November planning"), None);
        assert_eq!(fixed("Q4 2026"), None);
    }
}
