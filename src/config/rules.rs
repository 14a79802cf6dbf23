//! The catalogue of rules: ids, default severities and scopes. The `ide` layer implements
//! them; configuration refers to them by id.

use std::fmt;

/// How loud a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Hint,
    Information,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }

    /// A severity or `off` (`None`).
    pub fn parse_setting(s: &str) -> Option<Option<Severity>> {
        Some(Some(match s.to_ascii_lowercase().as_str() {
            "error" => Severity::Error,
            "warning" | "warn" => Severity::Warning,
            "information" | "info" => Severity::Information,
            "hint" => Severity::Hint,
            "off" => return Some(None),
            _ => return None,
        }))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which meetings a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Only the newest meeting of each series (unless `lintHistory`).
    Newest,
    All,
}

macro_rules! rules {
    ($($variant:ident => $id:literal, $severity:ident, $scope:ident, $doc:literal;)*) => {
        /// A diagnostic rule.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $(#[doc = $doc] $variant,)*
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity,)* }
            }

            pub fn scope(self) -> Scope {
                match self { $(Rule::$variant => Scope::$scope,)* }
            }

            /// When it fires, in one line.
            pub fn doc(self) -> &'static str {
                match self { $(Rule::$variant => $doc,)* }
            }
        }
    };
}

rules! {
    StatusOnlyAgenda => "status-only-agenda", Warning, Newest, "The agenda has items and every one is a status update.";
    EmptyAgenda => "empty-agenda", Warning, Newest, "The meeting has no agenda item.";
    PassengerAgenda => "passenger-agenda", Hint, Newest, "The agenda has items but none asks a question.";
    CareerDrift => "career-drift", Information, Newest, "None of the last `careerEvery` meetings has a #growth item.";
    UncarriedLoops => "uncarried-loops", Information, Newest, "Open loops of earlier meetings are neither carried into this meeting nor closed.";
    StaleFeedback => "stale-feedback", Warning, All, "Feedback received has had no follow-up for longer than stale-after.";
    StaleLoop => "stale-loop", Information, All, "An open loop has had no activity for longer than stale-after.";
    OverdueAction => "overdue-action", Warning, All, "An open task is past its due date.";
    CadenceGap => "cadence-gap", Information, All, "Two consecutive meetings are more than twice the cadence apart.";
    InvalidDate => "invalid-date", Error, All, "A meeting heading, done or due date is not a real calendar date.";
    NonIsoDate => "non-iso-date", Warning, All, "A level-2 heading starts with a date that is not YYYY-MM-DD.";
    MeetingOrder => "meeting-order", Warning, All, "A meeting breaks the file's date order.";
    DuplicateMeeting => "duplicate-meeting", Warning, All, "Two meetings of a series share a date.";
    UnknownTheme => "unknown-theme", Warning, All, "A tag is one or two edits away from a theme.";
    DuplicateId => "duplicate-id", Error, All, "A block id is used twice in a series.";
    BrokenReference => "broken-reference", Error, All, "A reference names an id or file the series does not have.";
    BadFrontMatter => "bad-front-matter", Warning, All, "A front matter line is not `key: value`, or its value does not parse.";
    FileTooLarge => "file-too-large", Information, All, "The file is larger than `maxFileBytes` and is not analysed.";
}

impl Rule {
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
