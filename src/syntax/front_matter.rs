//! Front matter: flat `key: value` lines between `---` fences at the top of a file.

use chrono::NaiveDate;

use crate::text::TextRange;

/// How often a 1:1 happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cadence {
    Days(u32),
    Months(u32),
}

impl Cadence {
    pub const WEEKLY: Cadence = Cadence::Days(7);

    /// `weekly`, `biweekly`, `monthly`, `every N days`, `every N weeks`, `every N months`.
    pub fn parse(value: &str) -> Option<Cadence> {
        let v = value.trim().to_ascii_lowercase();
        match v.as_str() {
            "weekly" => return Some(Cadence::Days(7)),
            "biweekly" | "fortnightly" => return Some(Cadence::Days(14)),
            "monthly" => return Some(Cadence::Months(1)),
            "daily" => return Some(Cadence::Days(1)),
            _ => {}
        }
        let rest = v.strip_prefix("every ")?;
        let (n, unit) = rest.trim().split_once(' ')?;
        let n: u32 = n.parse().ok().filter(|&n| (1..=366).contains(&n))?;
        match unit.trim() {
            "day" | "days" => Some(Cadence::Days(n)),
            "week" | "weeks" => Some(Cadence::Days(n * 7)),
            "month" | "months" => Some(Cadence::Months(n.min(12))),
            _ => None,
        }
    }

    /// The date one cadence after `date` (saturating at chrono's range).
    pub fn after(self, date: NaiveDate) -> NaiveDate {
        self.times_after(date, 1)
    }

    /// The date `times` cadences after `date`.
    pub fn times_after(self, date: NaiveDate, times: u32) -> NaiveDate {
        let next = match self {
            Cadence::Days(n) => date.checked_add_days(chrono::Days::new(u64::from(n * times))),
            Cadence::Months(n) => date.checked_add_months(chrono::Months::new(n * times)),
        };
        next.unwrap_or(NaiveDate::MAX)
    }

    pub fn describe(self) -> String {
        match self {
            Cadence::Days(7) => "weekly".into(),
            Cadence::Days(14) => "biweekly".into(),
            Cadence::Months(1) => "monthly".into(),
            Cadence::Days(n) => format!("every {n} days"),
            Cadence::Months(n) => format!("every {n} months"),
        }
    }
}

/// `N days` or `N weeks` (also a bare `N`, read as days).
pub fn parse_duration_days(value: &str) -> Option<u32> {
    let v = value.trim().to_ascii_lowercase();
    let (n, unit) = match v.split_once(' ') {
        Some((n, unit)) => (n, unit.trim()),
        None => (v.as_str(), "days"),
    };
    let n: u32 = n.parse().ok().filter(|&n| n <= 3650)?;
    match unit {
        "day" | "days" => Some(n),
        "week" | "weeks" => Some(n * 7),
        _ => None,
    }
}

/// One `key: value` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontMatterEntry {
    pub key: String,
    pub value: String,
    pub line: TextRange,
}

/// A problem with one front matter line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontMatterProblem {
    pub range: TextRange,
    pub message: String,
}

/// The recognised keys of a file's front matter, parsed; a bad value leaves its key unset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrontMatter {
    /// From the opening `---` to the end of the closing one.
    pub range: TextRange,
    pub entries: Vec<FrontMatterEntry>,
    pub with: Option<String>,
    pub cadence: Option<Cadence>,
    pub stale_after_days: Option<u32>,
    pub date: Option<NaiveDate>,
    pub problems: Vec<FrontMatterProblem>,
}

/// Reads the front matter at `start` (just after a BOM, if any). Returns `None` when the
/// text does not open with a `---` line closed by another `---` (or `...`) line.
pub fn parse_front_matter(text: &str, start: usize) -> Option<FrontMatter> {
    let mut lines = LineIter { text, pos: start };
    let first = lines.next()?;
    if first.slice(text).trim_end() != "---" {
        return None;
    }
    let mut fm = FrontMatter::default();
    for line in lines.by_ref() {
        let content = line.slice(text);
        let trimmed = content.trim();
        if trimmed == "---" || trimmed == "..." {
            fm.range = TextRange::new(first.start(), line.end());
            read_entries(&mut fm, text);
            return Some(fm);
        }
        fm.entries.push(FrontMatterEntry {
            key: String::new(),
            value: String::new(),
            line,
        });
    }
    None
}

fn read_entries(fm: &mut FrontMatter, text: &str) {
    let lines: Vec<TextRange> = fm.entries.drain(..).map(|e| e.line).collect();
    for line in lines {
        let content = line.slice(text);
        let trimmed = content.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let problem = |message: String| FrontMatterProblem {
            range: trimmed_range(line, content),
            message,
        };
        let Some((key, value)) = content.split_once(':') else {
            fm.problems.push(problem(format!(
                "Front matter lines are `key: value`; `{trimmed}` has no colon."
            )));
            continue;
        };
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) && !key.starts_with('-') {
            fm.problems.push(problem(format!(
                "Front matter lines are `key: value`; `{trimmed}` has no key before the colon."
            )));
            continue;
        }
        let value = unquote(value.trim());
        let lower = key.to_ascii_lowercase();
        match lower.as_str() {
            "with" => {
                if value.is_empty() {
                    fm.problems
                        .push(problem("`with:` needs the other person's name.".into()));
                } else {
                    fm.with = Some(value.to_string());
                }
            }
            "cadence" => match Cadence::parse(value) {
                Some(c) => fm.cadence = Some(c),
                None => fm.problems.push(problem(format!(
                    "Unknown cadence `{value}`: use weekly, biweekly, monthly, `every N days` or `every N weeks`."
                ))),
            },
            "stale-after" => match parse_duration_days(value) {
                Some(d) => fm.stale_after_days = Some(d),
                None => fm.problems.push(problem(format!(
                    "`stale-after: {value}` does not parse: use `N days` or `N weeks`."
                ))),
            },
            "date" => match parse_iso_date(value) {
                Some(d) => fm.date = Some(d),
                _ => fm.problems.push(problem(format!(
                    "`date: {value}` is not a calendar date in the form YYYY-MM-DD."
                ))),
            },
            _ => {}
        }
        fm.entries.push(FrontMatterEntry {
            key: lower,
            value: value.to_string(),
            line,
        });
    }
}

/// `YYYY-MM-DD` exactly, as a calendar date. (Faster than chrono's format parser, which
/// the parser would otherwise call for every date in a file.)
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    if !is_iso_shape(s) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// `YYYY-MM-DD` exactly (chrono alone also accepts `2026-1-5`).
pub fn is_iso_shape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

fn unquote(v: &str) -> &str {
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

fn trimmed_range(line: TextRange, content: &str) -> TextRange {
    let lead = content.len() - content.trim_start().len();
    let trail = content.len() - content.trim_end().len();
    TextRange::new(line.start() + lead, line.end() - trail)
}

/// Lines of `text` from `pos`, each without its line break.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for LineIter<'_> {
    type Item = TextRange;

    fn next(&mut self) -> Option<TextRange> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.pos..];
        let (len, brk) = match rest.find(['\n', '\r']) {
            Some(i) if rest[i..].starts_with("\r\n") => (i, 2),
            Some(i) => (i, 1),
            None => (rest.len(), 0),
        };
        let range = TextRange::new(self.pos, self.pos + len);
        self.pos += len + brk;
        Some(range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_reports_bad_lines_keeping_the_rest() {
        let text =
            "---\nwith: Priya\ncadence: sometimes\nnot a pair\nstale-after: 2 weeks\n---\n# x\n";
        let fm = parse_front_matter(text, 0).unwrap();
        assert_eq!(fm.with.as_deref(), Some("Priya"));
        assert_eq!(fm.cadence, None);
        assert_eq!(fm.stale_after_days, Some(14));
        assert_eq!(fm.problems.len(), 2);
        assert_eq!(fm.problems[1].range.slice(text), "not a pair");
        assert_eq!(&text[fm.range.end()..], "\n# x\n");
    }

    #[test]
    fn unclosed_or_absent_front_matter_is_none() {
        assert!(parse_front_matter("---\nwith: x\n", 0).is_none());
        assert!(parse_front_matter("# title\n", 0).is_none());
        assert!(parse_front_matter("--- \r\nwith: x\r\n---\r\n", 0).is_some());
    }

    #[test]
    fn cadences() {
        assert_eq!(Cadence::parse("Every 3 weeks"), Some(Cadence::Days(21)));
        assert_eq!(Cadence::parse("monthly"), Some(Cadence::Months(1)));
        assert_eq!(Cadence::parse("every 0 days"), None);
        let d = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        assert_eq!(Cadence::Months(1).after(d).to_string(), "2026-02-28");
    }
}
