//! The status-update classifier. Precision first: a false "this is a status update" teaches
//! people to ignore the tool, so an item is a status update only when it clearly reads as a
//! work report.

use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};

/// What the classifier needs to know about an agenda item besides its first line.
#[derive(Clone, Copy, Debug, Default)]
pub struct ItemSignals {
    /// Tagged `#status` anywhere in it.
    pub status_tag: bool,
    /// Another theme tag anywhere in it.
    pub other_theme: bool,
    /// A `?` anywhere in it.
    pub question: bool,
    /// A `[[…#^id]]` reference anywhere in it (a carried-over loop).
    pub reference: bool,
}

/// Reads agenda items as status updates or not.
#[derive(Clone, Debug)]
pub struct StatusClassifier {
    extra: Vec<Regex>,
}

/// Feelings and states that end like past-tense verbs but are not work reports, and `-ed`
/// words that name topics far more often than they report work.
const NOT_WORK: &[&str] = &[
    "concerned",
    "worried",
    "excited",
    "interested",
    "confused",
    "overwhelmed",
    "frustrated",
    "stressed",
    "tired",
    "bored",
    "annoyed",
    "disappointed",
    "surprised",
    "pleased",
    "thrilled",
    "relieved",
    "motivated",
    "demotivated",
    "unmotivated",
    "overloaded",
    "overworked",
    "underutilized",
    "underutilised",
    "undervalued",
    "unappreciated",
    "appreciated",
    "valued",
    "engaged",
    "disengaged",
    "isolated",
    "exhausted",
    "drained",
    "scared",
    "embarrassed",
    "ashamed",
    "puzzled",
    "conflicted",
    "blocked",
    "burned",
    "burnt",
    "inspired",
    "intrigued",
    "tempted",
    "needed",
    "wanted",
    "hoped",
    "wondered",
    "noticed",
    "realized",
    "realised",
    "struggled",
    "distracted",
    "disconnected",
    "challenged",
    "underwhelmed",
    "amazed",
    "shocked",
    "upset",
    "hurt",
    "stretched",
    "scattered",
    "sidelined",
    "ignored",
    "micromanaged",
    "undecided",
    "unfocused",
    "rushed",
    "pressured",
    "stalled",
    "dated",
    "outdated",
    "red",
    "bed",
    "shed",
    "hundred",
    "wicked",
    "sacred",
    "naked",
    "kindred",
    "united",
    "varied",
    "assorted",
    "desired",
    "satisfied",
    "dissatisfied",
    "terrified",
    "horrified",
    "qualified",
    "underqualified",
    "overqualified",
    "allowed",
    "supposed",
    "skilled",
    "talented",
    "biased",
    "experienced",
    "unexpected",
    "expected",
    "decentralized",
    "decentralised",
    "centralized",
    "centralised",
    "distributed",
    "embedded",
    "tailored",
    "layered",
    "nested",
    "scoped",
    "rated",
    "underrated",
    "overrated",
    "informed",
];

/// `-ed` words that are work reports with an object (`Shared the deck`, `Planned the sprint`)
/// and topics without one (`Shared on-call`, `Planned time off`).
const NEEDS_OBJECT: &[&str] = &[
    "shared",
    "planned",
    "proposed",
    "suggested",
    "detailed",
    "automated",
    "mixed",
    "changed",
    "delayed",
    "postponed",
    "cancelled",
    "canceled",
    "learned",
    "learnt",
    "missed",
    "failed",
    "committed",
    "focused",
    "confirmed",
    "approved",
    "requested",
    "delegated",
    "paired",
    "rejected",
    "assigned",
    "integrated",
    "advanced",
    "limited",
    "dedicated",
    "related",
    "connected",
    "supported",
    "included",
    "excluded",
    "called",
    "named",
    "recommended",
    "required",
    "preferred",
    "based",
    "offered",
    "invited",
    "selected",
    "nominated",
    "promoted",
    "praised",
    "recognized",
    "recognised",
    "criticized",
    "criticised",
    "spread",
    "unconfirmed",
    "reserved",
    "curated",
    "denied",
    "structured",
    "organized",
    "organised",
    "balanced",
    "managed",
    "owned",
    "got",
    "broke",
    "split",
    "put",
];

/// Irregular past tenses and phrasal verbs that report work.
const IRREGULAR_WORK: &[&str] = &[
    "wrote",
    "rewrote",
    "built",
    "rebuilt",
    "made",
    "did",
    "ran",
    "reran",
    "led",
    "met",
    "sent",
    "took",
    "began",
    "spent",
    "found",
    "brought",
    "drew",
    "gave",
    "held",
    "kept",
    "won",
    "hit",
    "cut",
    "undertook",
    "taught",
    "sold",
    "caught",
    "set up",
    "spun up",
    "put together",
    "wound down",
    "shut down",
    "broke down",
    "split up",
    "tore down",
    "went through",
    "fed",
    "finally got",
    "got through",
    "dug into",
    "stood up",
];

/// Progressive work verbs: `Debugging the …`, `Working on …`.
const PROGRESSIVE_WORK: &[&str] = &[
    "working on",
    "debugging",
    "refactoring",
    "migrating",
    "implementing",
    "fixing",
    "deploying",
    "shipping",
    "investigating",
    "finishing",
    "wrapping up",
    "cleaning up",
    "rolling out",
    "drafting",
    "prototyping",
    "upgrading",
    "rewriting",
    "porting",
    "integrating",
    "setting up",
    "configuring",
    "triaging",
    "benchmarking",
    "profiling",
    "optimizing",
    "optimising",
    "polishing",
    "closing out",
    "automating",
    "iterating on",
    "making progress on",
    "chipping away at",
    "halfway through",
    "almost done with",
    "nearly done with",
    "done with",
    "close to done with",
    "knee-deep in",
    "deep in",
    "unblocking",
    "converting",
    "instrumenting",
    "patching",
    "reworking",
    "onboarding onto",
];

/// Progressive verbs that also name topics (`Testing strategy`, `Writing more`): work only
/// with an object.
const PROGRESSIVE_NEEDS_OBJECT: &[&str] = &[
    "testing",
    "writing",
    "building",
    "coding",
    "documenting",
    "updating",
    "adding",
    "removing",
    "releasing",
    "landing",
    "merging",
    "designing",
    "sketching",
];

/// Words that show a verb has an object or a particle: `the`, `our`, `up`, `with`, …
const OBJECT_MARKERS: &[&str] = &[
    "the", "a", "an", "my", "our", "their", "his", "her", "its", "your", "this", "that", "these",
    "those", "some", "all", "both", "it", "them", "him", "up", "out", "down", "over", "off",
    "with", "through", "together", "back",
];

/// Prefixed adjectives (`unfinished`, `unplanned`) are not reports, but for these verbs.
const UN_VERBS: &[&str] = &[
    "unblocked",
    "uninstalled",
    "unpinned",
    "unified",
    "unlocked",
    "unmerged",
];

static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:update|status|fyi|done|progress|recap)\s*[:\-–—]\s*)?(?:(?:i|we|i've|we've|i'm|we're|i have|we have|i am|we are|i've been|we've been|i have been|we have been|the team|my team|team|also|just|finally|already|mostly|still|successfully|partially|nearly|almost|been|both)\s+)*",
    )
    .unwrap()
});

static TICKET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[\s(])#\d{2,}\b|(?i:\b(?:bug|issue|ticket|pr|mr|pull request|merge request|incident|jira)\s*#?\d+\b)|\b(?P<key>[A-Z]{2,}[A-Z0-9]*)-\d+\b",
    )
    .unwrap()
});

/// Upper-case words with a number that are not ticket keys.
const NOT_TICKET_KEYS: &[&str] = &[
    "COVID", "UTF", "ISO", "SHA", "RFC", "CVE", "GPT", "IPV", "MP", "FY", "ES", "HTTP", "TLS",
    "SSL", "AES", "RSA", "MD", "IEEE", "ECMA", "PEP", "WCAG", "SOC", "GDPR", "OKR", "KPI",
    // Career levels: `IC-5 expectations`.
    "IC", "SDE", "SWE", "MTS",
];

static STATUS_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:weekly|sprint(?: \d+)?|monthly|daily|quarterly|project|team|quick|brief|short|general|my|our|this week'?s?|last week'?s?|status|progress)\s+)?(?:updates?|recap|status|report|standup|stand-up|progress|status update|progress report|progress update)(?:\s+(?:on|of|for|from)\s.*|\s*[:\-–—].*)?$|^what i (?:did|worked on|shipped|got done)\b|^(?:this|last) week\s*[:\-–—]",
    )
    .unwrap()
});

impl StatusClassifier {
    /// A classifier with the built-in patterns plus `extra` (regexes, case-insensitive,
    /// matched against the item's first line in lower case). Invalid ones are skipped: the
    /// configuration reports them.
    pub fn new(extra: &[String]) -> Self {
        let extra = extra
            .iter()
            .filter_map(|p| RegexBuilder::new(p).case_insensitive(true).build().ok())
            .collect();
        StatusClassifier { extra }
    }

    /// Whether an agenda item whose first line (after marker and checkbox) is `line` is a
    /// status update.
    pub fn is_status(&self, line: &str, signals: ItemSignals) -> bool {
        if signals.status_tag {
            return true;
        }
        if signals.other_theme || signals.question || signals.reference {
            return false;
        }
        self.reads_as_status(line)
    }

    /// The first-line test alone.
    pub fn reads_as_status(&self, line: &str) -> bool {
        let plain = normalize(line);
        if plain.is_empty() {
            return false;
        }
        if self.extra.iter().any(|r| r.is_match(&plain)) {
            return true;
        }
        if STATUS_HEADING.is_match(&plain) {
            return true;
        }
        if names_ticket(line) {
            return true;
        }
        opens_with_work_verb(&plain)
    }
}

/// Lower case, markdown marks, links, ids, dates and leading symbols removed.
fn normalize(line: &str) -> String {
    static LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\([^)]*\)").unwrap());
    static NOISE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"[*_~`]|\s\^[A-Za-z0-9-]+\s*$|(?:✅|📅)\x{FE0F}?\s*\d{4}-\d{2}-\d{2}").unwrap()
    });
    static LEADING_TAGS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(?:#\p{L}[\p{L}\p{N}_/-]*\s+)+").unwrap());
    let text = LINK.replace_all(line, "$1");
    let text = NOISE.replace_all(&text, "");
    let text = text.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '#');
    // Tags before the first word (`#q3 Shipped …`) do not change how it reads.
    let text = LEADING_TAGS.replace(text, "");
    text.trim().to_lowercase()
}

fn names_ticket(line: &str) -> bool {
    TICKET.captures_iter(line).any(|c| match c.name("key") {
        Some(key) => !NOT_TICKET_KEYS.contains(&key.as_str()),
        None => true,
    })
}

fn opens_with_work_verb(plain: &str) -> bool {
    let rest = match PREFIX.find(plain) {
        Some(m) => &plain[m.end()..],
        None => plain,
    };
    // The words after a phrase: `None` when the phrase does not open `rest`.
    let after = |p: &str| {
        rest.strip_prefix(p)
            // `Built-in analytics` is not `Built …`: a hyphen continues the word.
            .filter(|a| a.is_empty() || a.starts_with(|c: char| !c.is_alphanumeric() && c != '-'))
    };
    let has_object = |a: &str| {
        let next = a
            .trim_start()
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .next()
            .unwrap_or("");
        OBJECT_MARKERS.contains(&next)
    };
    if PROGRESSIVE_WORK
        .iter()
        .chain(IRREGULAR_WORK)
        .any(|p| after(p).is_some())
    {
        return true;
    }
    if PROGRESSIVE_NEEDS_OBJECT
        .iter()
        .chain(NEEDS_OBJECT)
        .any(|p| after(p).is_some_and(has_object))
    {
        return true;
    }
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphabetic() || *c == '-' || *c == '\'')
        .collect();
    let next = rest[word.len()..].trim_start();
    // `Worried about …`, `Surprised by …`: a reaction, not a report.
    let reaction = ["about ", "that ", "by "]
        .iter()
        .any(|w| next.starts_with(w));
    // `Distributed tracing`, `Centralized vs. embedded`: an adjective before a noun.
    let adjective = next.starts_with("vs")
        || next
            .split(' ')
            .next()
            .is_some_and(|w| w.len() > 4 && w.ends_with("ing"));
    let prefixed_adjective = word.starts_with("un") && !UN_VERBS.contains(&word.as_str());
    word.len() >= 5
        && word.ends_with("ed")
        && !word.ends_with("eed")
        && !word.contains('\'')
        && !NOT_WORK.contains(&word.as_str())
        && !NEEDS_OBJECT.contains(&word.as_str())
        && !reaction
        && !adjective
        && !prefixed_adjective
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(line: &str) -> bool {
        StatusClassifier::new(&[]).reads_as_status(line)
    }

    #[test]
    fn work_reports_are_status() {
        for line in [
            "Fixed the flaky checkout test",
            "I migrated the billing jobs to the new queue",
            "Still working on the search index",
            "**Shipped** dark mode 🎉",
            "Set up the staging cluster",
            "Wrote the onboarding guide",
            "Bug 4321",
            "PAY-311 is done",
            "Weekly update",
            "Progress on the migration",
            "Almost done with the RFC ^rfc",
        ] {
            assert!(status(line), "{line}");
        }
    }

    #[test]
    fn topics_feelings_and_lookalikes_are_not() {
        for line in [
            "Concerned about the on-call load",
            "Excited about the new team",
            "Planned time off in December",
            "Need help prioritising the roadmap",
            "Career path towards staff",
            "Speed of code reviews",
            "COVID-19 office policy",
            "Moving to UTF-8 everywhere",
            "Q4-2026 planning",
            "Reviewing promo criteria together",
        ] {
            assert!(!status(line), "{line}");
        }
    }

    #[test]
    fn tags_questions_and_references_decide_first() {
        let c = StatusClassifier::new(&[]);
        let q = ItemSignals {
            question: true,
            ..Default::default()
        };
        assert!(!c.is_status("Shipped the beta, what next", q));
        let s = ItemSignals {
            status_tag: true,
            question: true,
            ..Default::default()
        };
        assert!(c.is_status("Anything", s));
        let r = ItemSignals {
            reference: true,
            ..Default::default()
        };
        assert!(!c.is_status("Fixed the review comments", r));
    }

    #[test]
    fn configured_patterns_add_to_the_defaults() {
        let line = "Roadmap review for Q1";
        assert!(!StatusClassifier::new(&[]).reads_as_status(line));
        let c = StatusClassifier::new(&["^roadmap review\\b".into()]);
        assert!(c.reads_as_status(line));
    }
}
