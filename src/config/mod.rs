//! Configuration: defaults, JSON from `.1on1.json` or the client, and the rule catalogue.
//! Bad values are reported with the key they belong to and leave the default in force.

mod rules;
mod themes;

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde_json::Value;

use crate::syntax::Cadence;

pub use rules::{Rule, Scope, Severity};
pub use themes::{BuiltinTheme, ALIGNMENT, BUILTIN_THEMES, FEEDBACK, GROWTH, STATUS};

/// The configuration of a workspace.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub stale_after_days: u32,
    pub cadence: Cadence,
    pub career_every: u32,
    /// Extra themes: tag (lower case, no `#`) -> description.
    pub themes: BTreeMap<String, String>,
    /// Extra question prompts per theme.
    pub prompts: BTreeMap<String, Vec<String>>,
    /// Extra status-update patterns (regexes, case-insensitive), added to the built-in ones.
    pub status_patterns: Vec<String>,
    /// Severity per rule; `None` turns a rule off. Rules not listed keep their default.
    pub rules: BTreeMap<Rule, Option<Severity>>,
    pub lint_history: bool,
    pub max_file_bytes: u64,
    pub today: Option<NaiveDate>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            stale_after_days: 21,
            cadence: Cadence::WEEKLY,
            career_every: 4,
            themes: BTreeMap::new(),
            prompts: BTreeMap::new(),
            status_patterns: Vec::new(),
            rules: BTreeMap::new(),
            lint_history: false,
            max_file_bytes: 4 * 1024 * 1024,
            today: None,
        }
    }
}

/// A configuration value that was refused; the key keeps its previous value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The key, as a path: `rules.stale-loop`, `statusPatterns[2]`.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.key, self.message)
    }
}

impl Config {
    /// The severity a rule reports at, or `None` when it is off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        match self.rules.get(&rule) {
            Some(setting) => *setting,
            None => Some(rule.default_severity()),
        }
    }

    /// Whether `tag` (lower case, no `#`) is a theme, built-in or configured.
    pub fn is_theme(&self, tag: &str) -> bool {
        BUILTIN_THEMES.iter().any(|t| t.tag == tag) || self.themes.contains_key(tag)
    }

    /// Every theme: built-in ones first, then configured ones, with descriptions.
    pub fn all_themes(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = BUILTIN_THEMES
            .iter()
            .map(|t| (t.tag.to_string(), t.description.to_string()))
            .collect();
        for (tag, desc) in &self.themes {
            if !out.iter().any(|(t, _)| t == tag) {
                out.push((tag.clone(), desc.clone()));
            }
        }
        out
    }

    /// Reads a JSON configuration object over `self`: every valid key replaces the current
    /// value, every bad one is reported and leaves it.
    pub fn merge_json(&mut self, value: &Value) -> Vec<ConfigError> {
        let mut errors = Vec::new();
        let Some(obj) = value.as_object() else {
            if !value.is_null() {
                errors.push(err("(root)", "the configuration must be a JSON object"));
            }
            return errors;
        };
        for (key, v) in obj {
            if let Err(e) = self.merge_key(key, v, &mut errors) {
                errors.push(e);
            }
        }
        errors
    }

    fn merge_key(
        &mut self,
        key: &str,
        v: &Value,
        errors: &mut Vec<ConfigError>,
    ) -> Result<(), ConfigError> {
        match key {
            "staleAfterDays" => self.stale_after_days = number(key, v, 1, 3650)? as u32,
            "careerEvery" => self.career_every = number(key, v, 1, 520)? as u32,
            "maxFileBytes" => self.max_file_bytes = number(key, v, 1, u64::from(u32::MAX))?,
            "lintHistory" => {
                self.lint_history = v
                    .as_bool()
                    .ok_or_else(|| err(key, "expected true or false"))?
            }
            "cadence" => {
                let s = v.as_str().ok_or_else(|| err(key, "expected a string"))?;
                self.cadence = Cadence::parse(s).ok_or_else(|| {
                    err(key, &format!("unknown cadence {s:?}: use weekly, biweekly, monthly, \"every N days\" or \"every N weeks\""))
                })?;
            }
            "today" => {
                self.today = match v {
                    Value::Null => None,
                    Value::String(s) => Some(parse_today(s).map_err(|m| err(key, &m))?),
                    _ => return Err(err(key, "expected a date YYYY-MM-DD")),
                }
            }
            "themes" => {
                let obj = v
                    .as_object()
                    .ok_or_else(|| err(key, "expected an object {tag: description}"))?;
                let mut themes = BTreeMap::new();
                for (tag, desc) in obj {
                    let name = tag.trim_start_matches('#').to_lowercase();
                    let valid = name.chars().next().is_some_and(char::is_alphabetic)
                        && name
                            .chars()
                            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/'));
                    match desc.as_str() {
                        Some(d) if valid => {
                            themes.insert(name, d.to_string());
                        }
                        _ if !valid => errors.push(err(
                            &format!("themes.{tag}"),
                            "a theme is a tag: a letter, then letters, digits, -, _ or /",
                        )),
                        _ => errors.push(err(
                            &format!("themes.{tag}"),
                            "expected a description string",
                        )),
                    }
                }
                self.themes = themes;
            }
            "prompts" => {
                let obj = v
                    .as_object()
                    .ok_or_else(|| err(key, "expected an object {theme: [question]}"))?;
                let mut prompts = BTreeMap::new();
                for (theme, list) in obj {
                    match string_list(list) {
                        Some(qs) => {
                            prompts.insert(theme.trim_start_matches('#').to_lowercase(), qs);
                        }
                        None => errors.push(err(
                            &format!("prompts.{theme}"),
                            "expected a list of questions (strings)",
                        )),
                    }
                }
                self.prompts = prompts;
            }
            "statusPatterns" => {
                let list = v
                    .as_array()
                    .ok_or_else(|| err(key, "expected a list of regular expressions"))?;
                let mut patterns = Vec::new();
                for (i, p) in list.iter().enumerate() {
                    let k = format!("statusPatterns[{i}]");
                    match p.as_str() {
                        Some(s) => match regex::RegexBuilder::new(s).case_insensitive(true).build()
                        {
                            Ok(_) => patterns.push(s.to_string()),
                            Err(e) => errors.push(err(
                                &k,
                                &format!("not a valid regex: {}", first_line(&e.to_string())),
                            )),
                        },
                        None => errors.push(err(&k, "expected a string")),
                    }
                }
                self.status_patterns = patterns;
            }
            "rules" => {
                let obj = v
                    .as_object()
                    .ok_or_else(|| err(key, "expected an object {rule id: severity}"))?;
                for (id, sev) in obj {
                    let k = format!("rules.{id}");
                    let Some(rule) = Rule::from_id(id) else {
                        errors.push(err(&k, "unknown rule id"));
                        continue;
                    };
                    match sev.as_str().and_then(Severity::parse_setting) {
                        Some(s) => {
                            self.rules.insert(rule, s);
                        }
                        None => errors.push(err(
                            &k,
                            "expected \"error\", \"warning\", \"information\", \"hint\" or \"off\"",
                        )),
                    }
                }
            }
            // An editor's own settings (`oneonone.server.path`) travel in the same section.
            "server" => {}
            _ => return Err(err(key, "unknown key")),
        }
        Ok(())
    }
}

/// `YYYY-MM-DD`, for `today` from any source.
pub fn parse_today(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    crate::syntax::parse_iso_date(s)
        .ok_or_else(|| format!("{s:?} is not a date in the form YYYY-MM-DD"))
}

fn err(key: &str, message: &str) -> ConfigError {
    ConfigError {
        key: key.to_string(),
        message: message.to_string(),
    }
}

fn number(key: &str, v: &Value, min: u64, max: u64) -> Result<u64, ConfigError> {
    v.as_u64()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| err(key, &format!("expected a whole number from {min} to {max}")))
}

fn string_list(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_string))
        .collect()
}

fn first_line(s: &str) -> &str {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn good_keys_apply_and_bad_ones_are_named_and_ignored() {
        let mut c = Config::default();
        let errors = c.merge_json(&json!({
            "staleAfterDays": 30,
            "careerEvery": "four",
            "rules": {"stale-loop": "off", "empty-agenda": "loud", "no-such": "hint"},
            "statusPatterns": ["^demo", "(unclosed"],
            "themes": {"#wellbeing": "How you are doing"},
            "server": {"path": "/opt/oneonone-ls"},
            "colour": "blue"
        }));
        let keys: Vec<_> = errors.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "careerEvery",
                "colour",
                "rules.empty-agenda",
                "rules.no-such",
                "statusPatterns[1]"
            ]
        );
        assert_eq!(c.stale_after_days, 30);
        assert_eq!(c.career_every, 4);
        assert_eq!(c.severity(Rule::StaleLoop), None);
        assert_eq!(c.severity(Rule::EmptyAgenda), Some(Severity::Warning));
        assert_eq!(c.status_patterns, ["^demo"]);
        assert!(c.is_theme("wellbeing") && c.is_theme("growth") && !c.is_theme("q3"));
    }
}
