//! A deterministic generator of 1:1 notes sized like real use, for benchmarks: running
//! docs (one file per person, years of weekly meetings) and folders of one-meeting files.
//! The same seed always gives the same bytes.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// A small, fast, deterministic random number generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

const PEOPLE: &[&str] = &[
    "Priya", "Jordan", "Maya", "Tom", "Ravi", "Lena", "Sam", "Alex", "Noor", "Kenji", "Ines",
    "Tariq", "Olu", "Mei", "Hugo", "Sofia", "Arjun", "Eva", "Diego", "Hana",
];
const GROWTH: &[&str] = &[
    "Could I lead the design of the next migration?",
    "What would it take to reach the next level this year?",
    "Which conference talk should I aim for?",
    "Can I pair with the platform team for a sprint to learn the infra side?",
    "How do I get better at writing design docs?",
    "Is mentoring the new hire a good stretch for me?",
];
const FEEDBACK_ASK: &[&str] = &[
    "What is one thing I could do better in code reviews?",
    "How did my incident write-up land?",
    "Was the planning session I ran useful?",
    "Anything I should stop doing?",
];
const ALIGNMENT: &[&str] = &[
    "Are we aligned on the top three priorities for this quarter?",
    "Should the search rewrite wait until after the launch?",
    "What does success look like for the reliability push?",
    "How much time should go to on-call improvements?",
];
const STATUS: &[&str] = &[
    "Fixed the flaky checkout test",
    "Merged PR #4412 for the billing export",
    "Working on the search index rebuild",
    "Shipped the new onboarding flow",
    "Migrated the cron jobs to the queue",
    "Wrote the runbook for the payments service",
    "Weekly update",
];
const NOTES: &[&str] = &[
    "Agreed to revisit the roadmap after the offsite",
    "Priya suggested splitting the RFC into two parts",
    "The hiring loop needs one more interviewer",
    "On-call load is down since the alert clean-up",
    "We talked about the team offsite and the budget",
    "Good progress on the test suite speed",
];
const FEEDBACK_GIVEN: &[&str] = &[
    "Open design docs before sprint planning, not after",
    "Your incident write-up was clear; add a timeline next time",
    "Speak up earlier when a project is at risk",
    "Great job mentoring the new hire",
    "Reviews are thorough but could be kinder in tone",
];
const ACTIONS: &[&str] = &[
    "Draft the migration RFC",
    "Share the on-call handbook",
    "Book the design review",
    "Send the offsite survey",
    "Write up the retro notes",
    "Ask for a second reviewer on the API change",
];

/// An item that may come back in a later meeting.
struct Open {
    id: String,
    text: &'static str,
}

/// The text of one meeting (from its `##` heading, or the whole body of a one-meeting file
/// when `level` is 2), carrying over and closing some of `open`.
fn meeting(
    rng: &mut Rng,
    date: &str,
    level: usize,
    open: &mut Vec<Open>,
    next_id: &mut usize,
) -> String {
    let h = "#".repeat(level);
    let mut s = String::new();
    if level == 3 {
        let _ = writeln!(s, "## {date}\n");
    }
    let _ = writeln!(s, "{h} Agenda");
    let carried: Vec<Open> = std::mem::take(open);
    for o in &carried {
        if rng.chance(60) {
            let _ = writeln!(s, "- [x] {} [[#^{}]] ✅ {date}", o.text, o.id);
        } else if rng.chance(70) {
            let _ = writeln!(s, "- [ ] {} [[#^{}]]", o.text, o.id);
            open.push(Open {
                id: o.id.clone(),
                text: o.text,
            });
        }
    }
    if rng.chance(70) {
        let _ = writeln!(s, "- [ ] #growth {}", rng.pick(GROWTH));
    }
    if rng.chance(50) {
        let _ = writeln!(s, "- [ ] #feedback {}", rng.pick(FEEDBACK_ASK));
    }
    if rng.chance(50) {
        let _ = writeln!(s, "- #alignment {}", rng.pick(ALIGNMENT));
    }
    for _ in 0..rng.below(3) {
        let _ = writeln!(s, "- {}", rng.pick(STATUS));
    }
    let _ = writeln!(s, "\n{h} Notes");
    for _ in 0..5 + rng.below(3) {
        let _ = writeln!(s, "- {}", rng.pick(NOTES));
        if rng.chance(50) {
            let _ = writeln!(s, "  - {}", rng.pick(NOTES).to_lowercase());
        }
    }
    if rng.chance(85) {
        let _ = writeln!(
            s,
            "\nWe spent most of the time on {}. Next time: start with the open loops and keep status for the written update.",
            rng.pick(&["the roadmap", "career growth", "the incident review", "team health", "the hiring plan"])
        );
    }
    if rng.chance(40) {
        *next_id += 1;
        let id = format!("fb-{next_id}");
        let text = rng.pick(FEEDBACK_GIVEN);
        let _ = writeln!(s, "- {text} #feedback ^{id}");
        open.push(Open { id, text });
    }
    let _ = writeln!(s, "\n{h} Actions");
    for _ in 0..1 + rng.below(2) {
        *next_id += 1;
        let id = format!("a-{next_id}");
        let text = rng.pick(ACTIONS);
        let _ = writeln!(s, "- [ ] {text} 📅 {} ^{id}", due_after(date));
        open.push(Open { id, text });
    }
    if rng.chance(30) {
        let _ = writeln!(s, "\n```text\n#not-a-tag inside code ^not-an-id\n```");
    }
    s.push('\n');
    s
}

fn due_after(date: &str) -> String {
    let d = Date::parse(date).add_days(7);
    d.to_string()
}

/// A calendar date, enough for generating weekly meetings without a date library.
#[derive(Clone, Copy)]
pub struct Date {
    y: i32,
    m: u32,
    d: u32,
}

impl Date {
    pub fn parse(s: &str) -> Date {
        let y = s[0..4].parse().unwrap_or(2026);
        let m = s[5..7].parse().unwrap_or(1);
        let d = s[8..10].parse().unwrap_or(1);
        Date { y, m, d }
    }

    fn days_in_month(y: i32, m: u32) -> u32 {
        match m {
            4 | 6 | 9 | 11 => 30,
            2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            2 => 28,
            _ => 31,
        }
    }

    pub fn add_days(mut self, n: i64) -> Date {
        let mut n = n;
        while n > 0 {
            self.d += 1;
            if self.d > Self::days_in_month(self.y, self.m) {
                self.d = 1;
                self.m += 1;
                if self.m > 12 {
                    self.m = 1;
                    self.y += 1;
                }
            }
            n -= 1;
        }
        while n < 0 {
            if self.d > 1 {
                self.d -= 1;
            } else {
                if self.m > 1 {
                    self.m -= 1;
                } else {
                    self.m = 12;
                    self.y -= 1;
                }
                self.d = Self::days_in_month(self.y, self.m);
            }
            n += 1;
        }
        self
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

/// The last meeting date of every generated series; today for benchmarks is a day later.
pub const LAST_MEETING: &str = "2026-11-24";

/// The dates of `n` weekly meetings ending on [`LAST_MEETING`], oldest first.
fn weekly_dates(n: usize) -> Vec<String> {
    let last = Date::parse(LAST_MEETING);
    (0..n)
        .rev()
        .map(|i| last.add_days(-7 * i as i64).to_string())
        .collect()
}

/// One running doc of `meetings` weekly meetings, newest first when `newest_first`.
pub fn running_doc(seed: u64, person: &str, meetings: usize, newest_first: bool) -> String {
    let mut rng = Rng::new(seed);
    let mut open = Vec::new();
    let mut next_id = 0;
    let mut blocks: Vec<String> = weekly_dates(meetings)
        .iter()
        .map(|d| meeting(&mut rng, d, 3, &mut open, &mut next_id))
        .collect();
    if newest_first {
        blocks.reverse();
    }
    format!(
        "---\nwith: {person}\ncadence: weekly\n---\n# 1:1 Sam / {person}\n\n{}",
        blocks.concat()
    )
}

/// A running doc of at least `bytes` bytes (whole meetings; at most about 5% more).
pub fn running_doc_of_size(seed: u64, bytes: usize) -> String {
    let mut n = bytes / 1000 + 1;
    loop {
        let doc = running_doc(seed, "Priya", n, false);
        if doc.len() >= bytes {
            return doc;
        }
        n += (n / 20).max(1);
    }
}

/// Every note under `dir` with its size in bytes, in no particular order.
pub fn notes_in(dir: &Path) -> Vec<(u64, std::path::PathBuf)> {
    let mut notes = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(".1on1.md") {
                notes.push((e.metadata().map(|m| m.len()).unwrap_or(0), p));
            }
        }
    }
    notes
}

/// The target folder the benchmarks build in and write to.
pub fn target_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// What a generated workspace holds.
#[derive(Debug, Default)]
pub struct CorpusStats {
    pub files: usize,
    pub bytes: usize,
    pub meetings: usize,
}

/// Writes a workspace of `series` series of `meetings` weekly meetings each under `dir`: a
/// quarter of the series as folders of one-meeting files, the rest as running docs (half
/// newest first).
pub fn write_workspace(
    dir: &Path,
    series: usize,
    meetings: usize,
    seed: u64,
) -> io::Result<CorpusStats> {
    let mut stats = CorpusStats::default();
    fs::create_dir_all(dir)?;
    fs::write(
        dir.join(".1on1.json"),
        format!(
            "{{\"today\": \"{}\"}}\n",
            Date::parse(LAST_MEETING).add_days(1)
        ),
    )?;
    for s in 0..series {
        let person = PEOPLE[s % PEOPLE.len()];
        let name = format!("{}-{s}", person.to_lowercase());
        let seed = seed.wrapping_mul(1000).wrapping_add(s as u64);
        if s % 4 == 3 {
            let folder = dir.join(&name);
            fs::create_dir_all(&folder)?;
            let mut rng = Rng::new(seed);
            let mut open = Vec::new();
            let mut next_id = 0;
            for date in weekly_dates(meetings) {
                let body = meeting(&mut rng, &date, 2, &mut open, &mut next_id);
                // In one-meeting files, references to other files name them.
                let text = format!("# 1:1 Sam / {person}\n\n{body}");
                fs::write(folder.join(format!("{date}.1on1.md")), &text)?;
                stats.files += 1;
                stats.bytes += text.len();
            }
        } else {
            let text = running_doc(seed, &format!("{person} {s}"), meetings, s % 2 == 1);
            fs::write(dir.join(format!("{name}.1on1.md")), &text)?;
            stats.files += 1;
            stats.bytes += text.len();
        }
        stats.meetings += meetings;
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_determinism() {
        assert_eq!(
            Date::parse("2026-03-01").add_days(-1).to_string(),
            "2026-02-28"
        );
        assert_eq!(
            Date::parse("2024-12-31").add_days(60).to_string(),
            "2025-03-01"
        );
        assert_eq!(
            running_doc(7, "Priya", 10, false),
            running_doc(7, "Priya", 10, false)
        );
        assert_ne!(
            running_doc(7, "Priya", 10, false),
            running_doc(8, "Priya", 10, false)
        );
    }
}
