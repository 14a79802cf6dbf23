//! `oneonone-ls summary`: the checkpoint per series, as text or JSON.

use std::fmt::Write as _;
use std::process::ExitCode;

use super::{load, print_out, report, Options};
use crate::ide::plural;
use crate::ide::summary::{summaries, SeriesSummary, ThemeSummary};

pub fn run(opts: Options) -> ExitCode {
    let (ws, errors) = match load(&opts, ".") {
        Ok(x) => x,
        Err(code) => return code,
    };
    let all = summaries(&ws);
    let out = if opts.json {
        let mut s = serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".into());
        s.push('\n');
        s
    } else {
        all.iter().map(render).collect::<Vec<_>>().join("\n")
    };
    print_out(&out);
    report(&errors);
    if errors.0.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

fn render(s: &SeriesSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", s.series, s.files.join(", "));
    let span = match (s.first_meeting, s.last_meeting) {
        (Some(a), Some(b)) => format!(", {a} to {b}"),
        _ => String::new(),
    };
    let _ = writeln!(out, "  meetings     {}{span}", s.meetings);
    let _ = writeln!(out, "  growth       {}", theme(&s.growth, s.meetings));
    let _ = writeln!(out, "  alignment    {}", theme(&s.alignment, s.meetings));
    let f = &s.feedback;
    let median = match f.median_days_to_close {
        Some(d) => format!(", median {d} days to close"),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "  feedback     {} opened, {} closed, {} stale{median}",
        plural(f.opened as i64, "loop", "loops"),
        f.closed,
        f.stale
    );
    let _ = writeln!(
        out,
        "  status-only  {} of {} meetings",
        s.status_only_meetings, s.meetings
    );
    let c = &s.cadence;
    let _ = writeln!(
        out,
        "  cadence      {}, kept {} of {} gaps ({}%)",
        c.cadence,
        c.kept,
        c.gaps,
        (c.share_kept * 100.0).round()
    );
    let _ = writeln!(out, "  open loops   {}", s.open_loops.len());
    for l in &s.open_loops {
        let mut marks = vec![days(l.days_since_activity) + " quiet"];
        if l.feedback {
            marks.push("feedback".into());
        }
        if l.stale {
            marks.push("stale".into());
        }
        let _ = writeln!(
            out,
            "    {} {}:{} ({})  {}",
            l.opened,
            l.file,
            l.line,
            marks.join(", "),
            shorten(&l.text, 72)
        );
    }
    out
}

fn theme(t: &ThemeSummary, meetings: usize) -> String {
    let last = match (t.last, t.days_since_last) {
        (Some(d), Some(n)) => format!(", last {d} ({} ago)", days(n)),
        _ => ", never".to_string(),
    };
    format!(
        "{} in {} of {} meetings ({}%){last}",
        plural(t.items as i64, "item", "items"),
        t.meetings,
        meetings,
        (t.share_of_meetings * 100.0).round()
    )
}

fn days(n: i64) -> String {
    plural(n, "day", "days")
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}
