//! Every rule of the spec, positive and negative, on small fixtures. Today is 2026-11-25
//! unless a test says otherwise. Findings read as `line rule`.

mod common;

use common::*;
use serde_json::json;

// ---- status-only-agenda, empty-agenda, passenger-agenda ----

#[test]
fn an_agenda_of_status_updates_only_is_flagged_on_the_heading() {
    let text = "\
## 2026-11-24
### Agenda
- Fixed the flaky checkout test
- Merged PR #123
- Working on the search index
";
    assert_eq!(findings(text), ["1 status-only-agenda"]);
}

#[test]
fn one_real_topic_is_enough_and_a_question_stops_the_passenger_hint() {
    let text = "\
## 2026-11-24
### Agenda
- Fixed the flaky checkout test
- #growth Could I lead the payments migration?
";
    assert_eq!(findings(text), Vec::<String>::new());
}

#[test]
fn only_the_newest_meeting_is_checked_unless_lint_history() {
    let text = "\
## 2026-11-17
### Agenda
- Shipped the beta

## 2026-11-24
### Agenda
- What should I focus on next quarter? #alignment
";
    assert_eq!(findings(text), Vec::<String>::new());
    let history = config(json!({"lintHistory": true}));
    assert_eq!(findings_with(history, text), ["1 status-only-agenda"]);
}

#[test]
fn a_meeting_with_no_agenda_item_is_empty_even_with_notes() {
    let text = "\
## 2026-11-24
### Agenda

### Notes
- We talked about the offsite
";
    assert_eq!(findings(text), ["1 empty-agenda"]);
}

#[test]
fn items_before_any_section_heading_are_the_agenda() {
    let text = "\
## 2026-11-24
- How do I get better at estimates? #growth
### Notes
- Break work into slices
";
    assert_eq!(findings(text), Vec::<String>::new());
}

#[test]
fn an_agenda_without_a_question_is_a_passenger_agenda() {
    let text = "\
## 2026-11-24
### Topics
- Career path towards staff #growth
- Offsite planning
";
    assert_eq!(findings(text), ["1 passenger-agenda"]);
}

#[test]
fn a_question_in_a_nested_item_counts_for_its_agenda_item() {
    let text = "\
## 2026-11-24
### Agenda
- Offsite planning
  - Should we invite design?
";
    assert_eq!(findings(text), Vec::<String>::new());
}

#[test]
fn the_status_update_is_read_from_the_first_line_but_tags_anywhere_count() {
    let text = "\
## 2026-11-24
### Agenda
- Fixed the flaky checkout test
  - what I learned from it #growth
";
    assert_eq!(findings(text), ["1 passenger-agenda"]);
}

#[test]
fn a_carried_over_item_is_not_a_status_update() {
    let text = "\
## 2026-11-17
### Actions
- [ ] Fix the flaky checkout test ^flaky

## 2026-11-24
### Agenda
- [ ] Fixed the flaky checkout test [[#^flaky]]
";
    assert_eq!(findings(text), ["5 passenger-agenda"]);
}

fn monthly() -> oneonone_ls::config::Config {
    config(json!({"cadence": "monthly"}))
}

// ---- career-drift ----

fn meetings(dates: &[&str], growth_in: &[&str]) -> String {
    dates
        .iter()
        .map(|d| {
            let tag = if growth_in.contains(d) {
                " #growth"
            } else {
                ""
            };
            format!("## {d}\n### Agenda\n- What should we change?{tag}\n\n")
        })
        .collect()
}

#[test]
fn four_meetings_without_growth_is_career_drift() {
    let dates = ["2026-11-03", "2026-11-10", "2026-11-17", "2026-11-24"];
    let text = meetings(&dates, &[]);
    assert_eq!(findings(&text), ["13 career-drift"]);
    assert_eq!(
        findings(&meetings(&dates, &["2026-11-03"])),
        Vec::<String>::new()
    );
    assert_eq!(findings(&meetings(&dates[1..], &[])), Vec::<String>::new());
    let every2 = config(json!({"careerEvery": 2}));
    assert_eq!(
        findings_with(every2, &meetings(&dates, &["2026-11-10"])),
        ["13 career-drift"]
    );
}

// ---- loops: uncarried, stale, overdue ----

#[test]
fn open_loops_not_carried_into_the_newest_meeting_are_counted() {
    let text = "\
## 2026-11-17
### Actions
- [ ] Draft the RFC ^rfc
- [ ] Book the design review
- [x] Share the handbook

## 2026-11-24
### Agenda
- How is the RFC going? [[#^rfc]]
";
    assert_eq!(findings(text), ["7 uncarried-loops"]);
    let ws = workspace(&[("a.1on1.md", text)]);
    let d = oneonone_ls::ide::workspace_diagnostics(&ws);
    assert!(
        d[0].message
            .starts_with("1 open loop from earlier meetings"),
        "{}",
        d[0].message
    );
    assert!(d[0].message.contains("Book the design review"));
}

#[test]
fn feedback_without_follow_up_goes_stale_on_its_item() {
    let text = "\
## 2026-10-20
### Feedback
- Priya: open design docs before sprint planning
  - example: the payments RFC

### Notes
- Demos could be shorter #feedback

## 2026-11-24
### Agenda
- Is the new rota working? #alignment
";
    assert_eq!(
        findings_with(monthly(), text),
        ["3 stale-feedback", "7 stale-feedback", "9 uncarried-loops"]
    );
}

#[test]
fn feedback_on_the_agenda_is_a_topic_not_feedback_received() {
    let text = "\
## 2026-10-20
### Agenda
- What could I do better in reviews? #feedback

## 2026-11-24
### Agenda
- How do I grow into tech lead? #growth
";
    assert_eq!(findings_with(monthly(), text), Vec::<String>::new());
}

#[test]
fn circling_back_keeps_a_loop_fresh_and_closing_it_ends_it() {
    let followed = "\
## 2026-10-20
### Feedback
- Open design docs earlier ^docs-early

## 2026-11-17
### Agenda
- [ ] I tried opening docs earlier, how did it land? [[#^docs-early]]

## 2026-11-24
### Agenda
- [ ] Follow up on design docs? [[#^docs-early]]
";
    assert_eq!(findings_with(monthly(), followed), Vec::<String>::new());
    let closed = "\
## 2026-10-20
### Feedback
- Open design docs earlier ^docs-early

## 2026-10-27
### Agenda
- [x] Did the docs land better? [[#^docs-early]] ✅ 2026-10-27

## 2026-11-24
### Agenda
- How do I grow into tech lead? #growth
";
    assert_eq!(findings_with(monthly(), closed), Vec::<String>::new());
}

#[test]
fn an_old_open_task_is_a_stale_loop_and_stale_after_is_configurable() {
    let text = "\
---
stale-after: 8 weeks
---
## 2026-10-20
### Actions
- [ ] Write the runbook

## 2026-11-24
### Agenda
- [ ] How is the runbook? [[#^nope]]
";
    // 36 days is within 8 weeks; the broken reference is its own open task.
    assert_eq!(
        findings_with(monthly(), text),
        ["8 uncarried-loops", "10 broken-reference"]
    );
    let short = text.replace("stale-after: 8 weeks", "stale-after: 2 weeks");
    assert_eq!(
        findings_with(monthly(), &short),
        ["6 stale-loop", "8 uncarried-loops", "10 broken-reference"]
    );
}

#[test]
fn an_open_task_past_its_due_date_is_overdue_until_its_loop_closes() {
    let text = "\
## 2026-11-17
### Actions
- [ ] Send the survey 📅 2026-11-20 ^survey
- [ ] Book the offsite due: 2026-12-01
- [x] Share notes 📅 2026-11-18

## 2026-11-24
### Agenda
- [ ] Did the survey go out? [[#^survey]]
";
    assert_eq!(findings(text), ["3 overdue-action", "7 uncarried-loops"]);
    let closed = text.replace("- [ ] Did the survey", "- [x] Did the survey");
    assert_eq!(findings(&closed), ["7 uncarried-loops"]);
}

#[test]
fn a_cancelled_task_closes_its_loop() {
    let text = "\
## 2026-09-01
### Actions
- [-] Organise the hackathon

## 2026-09-08
### Agenda
- What should I learn next? #growth
";
    let ws = workspace(&[("a.1on1.md", text)]);
    let series = &ws.series().next().unwrap();
    assert_eq!(series.loops.len(), 0, "a cancelled task opens no loop");
    assert_eq!(findings(text), Vec::<String>::new());
}

// ---- cadence-gap ----

#[test]
fn a_gap_over_twice_the_cadence_marks_the_later_meeting() {
    let ok = meetings(&["2026-11-03", "2026-11-17"], &["2026-11-17"]);
    assert_eq!(findings(&ok), Vec::<String>::new());
    let gap = meetings(&["2026-11-02", "2026-11-17"], &["2026-11-17"]);
    assert_eq!(findings(&gap), ["5 cadence-gap"]);
    let monthly = format!("---\ncadence: monthly\n---\n{gap}");
    assert_eq!(findings(&monthly), Vec::<String>::new());
}

// ---- dates ----

#[test]
fn an_impossible_date_is_an_error_and_not_a_meeting() {
    let text = "\
## 2026-02-30
### Actions
- [ ] Renew the certificate 📅 2026-09-31

## 2026-11-24
### Agenda
- What should I learn next? #growth
";
    assert_eq!(findings(text), ["1 invalid-date", "3 invalid-date"]);
    let ws = workspace(&[("a.1on1.md", text)]);
    assert_eq!(ws.series().next().unwrap().meetings.len(), 1);
    assert!(
        ws.series().next().unwrap().loops.is_empty(),
        "content outside meetings opens no loops"
    );
}

#[test]
fn a_date_in_another_form_is_reported_and_not_a_meeting() {
    let text = "\
## 24/11/2026
- What should I learn next? #growth

## Nov 17, 2026 planning
- Offsite
";
    assert_eq!(findings(text), ["1 non-iso-date", "4 non-iso-date"]);
    let ws = workspace(&[("a.1on1.md", text)]);
    assert!(ws.series().next().unwrap().meetings.is_empty());
}

#[test]
fn one_misplaced_meeting_gives_one_order_finding_in_either_file_order() {
    let oldest_first = meetings(
        &["2026-11-17", "2026-11-03", "2026-11-10", "2026-11-24"],
        &["2026-11-24"],
    );
    assert_eq!(findings(&oldest_first), ["1 meeting-order"]);
    let newest_first = meetings(
        &["2026-11-24", "2026-11-03", "2026-11-17", "2026-11-10"],
        &["2026-11-24"],
    );
    assert_eq!(findings(&newest_first), ["5 meeting-order"]);
    let in_order = meetings(&["2026-11-24", "2026-11-17", "2026-11-10"], &["2026-11-24"]);
    assert_eq!(findings(&in_order), Vec::<String>::new());
}

#[test]
fn two_meetings_on_one_date_mark_the_second_and_equal_dates_keep_order() {
    let text = meetings(&["2026-11-17", "2026-11-24", "2026-11-24"], &["2026-11-24"]);
    assert_eq!(findings(&text), ["9 duplicate-meeting"]);
}

#[test]
fn duplicate_meetings_across_files_mark_the_later_path() {
    let a = "---\nwith: Priya\n---\n## 2026-11-24\n- How am I doing? #feedback\n";
    let b = "---\nwith: priya\n---\n## 2026-11-24\n- Anything else?\n";
    let ws = workspace(&[("b.1on1.md", b), ("a.1on1.md", a)]);
    assert_eq!(findings_in(&ws), ["b.1on1.md:4 duplicate-meeting"]);
}

// ---- tags ----

#[test]
fn a_misspelt_theme_is_flagged_but_other_tags_and_code_are_not() {
    let text = "\
## 2026-11-24
- #grwoth Could I lead the migration? #feedbak
- Sub-themes count: #growth/skills and #q3 and #Alignment?
- Not tags: `#grwoth`, [link](https://x.io/#grwoth), <span>#grwoth</span>, a#grwoth

```
#grwoth in a code block
```
";
    assert_eq!(findings(text), ["2 unknown-theme", "2 unknown-theme"]);
}

#[test]
fn configured_themes_are_themes() {
    let text = "## 2026-11-24\n- #wellbeing How are you really? #wellbeeing\n";
    let c = config(json!({"themes": {"wellbeing": "How you are doing"}}));
    assert_eq!(findings_with(c, text), ["2 unknown-theme"]);
}

// ---- ids and references ----

#[test]
fn a_duplicate_id_marks_every_occurrence_but_the_earliest_by_date() {
    let text = "\
## 2026-11-24
- [x] Newer ✅ 2026-11-24 ^same
- Where next? #growth

## 2026-11-17
- [x] Older ✅ 2026-11-17 ^same
";
    assert_eq!(findings(text), ["2 duplicate-id"]);
}

#[test]
fn duplicate_ids_across_files_of_a_series() {
    let a = "# Maya\n- [x] Talk abstract ✅ 2026-11-03 ^talk\n";
    let b = "# Maya\n- [x] Talk abstract again ✅ 2026-11-10 ^talk\n- What next? #growth\n";
    let ws = workspace(&[("m/2026-11-10.1on1.md", b), ("m/2026-11-03.1on1.md", a)]);
    assert_eq!(findings_in(&ws), ["m/2026-11-10.1on1.md:2 duplicate-id"]);
}

#[test]
fn references_resolve_within_a_series_or_are_broken() {
    let a = "# Maya\n## Actions\n- [ ] Budget ask ^budget\n";
    let b = "\
# Maya
## Agenda
- [ ] Budget? [[2026-11-03.1on1#^budget]] [[2026-11-03#^budget]]
- [ ] Broken: [[2026-11-03.1on1#^nope]] [[elsewhere#^budget]] [[#^nothing]] [[#^budget]]
";
    let ws = workspace(&[("m/2026-11-03.1on1.md", a), ("m/2026-11-10.1on1.md", b)]);
    assert_eq!(
        findings_in(&ws),
        [
            "m/2026-11-10.1on1.md:4 broken-reference",
            "m/2026-11-10.1on1.md:4 broken-reference",
            "m/2026-11-10.1on1.md:4 broken-reference",
        ]
    );
    // Every task references the 11-03 loop at least once ([[#^budget]] resolves in the
    // whole series), so all join it.
    let s = &ws.series().next().unwrap();
    assert_eq!(s.loops.len(), 1, "{:?}", s.loops);
    assert_eq!(s.items_of(&s.loops[0]).len(), 3);
    // A task whose every reference is broken opens a loop of its own.
    let only_broken = b.replace(" [[#^budget]]\n", "\n");
    let ws = workspace(&[
        ("m/2026-11-03.1on1.md", a),
        ("m/2026-11-10.1on1.md", &only_broken),
    ]);
    assert_eq!(ws.series().next().unwrap().loops.len(), 2);
}

#[test]
fn references_and_ids_in_code_do_not_count() {
    let text = "\
## 2026-11-24
- Why `[[#^missing]]`? #growth `^not-an-id`
- [ ] Real one ^real-id
";
    assert_eq!(findings(text), Vec::<String>::new());
    let ws = workspace(&[("a.1on1.md", text)]);
    assert_eq!(
        ws.series().next().unwrap().ids.keys().collect::<Vec<_>>(),
        ["real-id"]
    );
}

// ---- front matter, size, severities ----

#[test]
fn a_bad_front_matter_line_is_reported_and_the_rest_applies() {
    let text = "\
---
with: Priya
cadence: whenever
just words
---
## 2026-11-24
- How am I doing? #feedback
";
    assert_eq!(findings(text), ["3 bad-front-matter", "4 bad-front-matter"]);
    let ws = workspace(&[("a.1on1.md", text)]);
    assert_eq!(ws.series().next().unwrap().name, "Priya");
}

#[test]
fn a_file_over_max_file_bytes_is_reported_and_not_analysed() {
    let text = "## 2026-02-30\n- #grwoth\n";
    let c = config(json!({"maxFileBytes": 10}));
    assert_eq!(findings_with(c, text), ["1 file-too-large"]);
}

#[test]
fn severities_are_configurable_and_off_silences_a_rule() {
    let text = "## 2026-11-24\n### Agenda\n";
    let c = config(json!({"rules": {"empty-agenda": "off"}}));
    assert_eq!(findings_with(c, text), Vec::<String>::new());
    let c = config(json!({"rules": {"empty-agenda": "error"}}));
    let ws = workspace_with(c, &[("a.1on1.md", text)]);
    let d = oneonone_ls::ide::workspace_diagnostics(&ws);
    assert_eq!(d[0].severity, oneonone_ls::config::Severity::Error);
}

#[test]
fn status_patterns_from_configuration_add_to_the_defaults() {
    let text = "## 2026-11-24\n### Agenda\n- Roadmap review for Q1\n";
    assert_eq!(findings(text), ["1 passenger-agenda"]);
    let c = config(json!({"statusPatterns": ["^roadmap review"]}));
    assert_eq!(findings_with(c, text), ["1 status-only-agenda"]);
}
