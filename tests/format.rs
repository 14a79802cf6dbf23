//! The file format: series across files, one-meeting files, file orders, sections, items,
//! and text that is not plain LF ASCII (CRLF, BOM, tabs, emoji).

mod common;

use common::*;
use oneonone_ls::cli::finding_lines;
use oneonone_ls::syntax::{parse, SectionKind, TaskState};

#[test]
fn meetings_sections_and_items_with_their_states() {
    let text = "\
# 1:1 Sam / Priya

## 2026-11-24 Planning
### Talking points:
- [ ] #growth Lead the migration? ^lead
  - [x] nested done ✅ 2026-11-24
### Discussion
* [-] cancelled
### Next steps
1. [X] Share the handbook 📅 2026-12-01
### Feedback
+ Priya: open docs earlier
## Not a meeting
- outside
";
    let f = parse(text, None);
    assert_eq!(f.meetings.len(), 1);
    let m = &f.meetings[0];
    assert_eq!(
        (m.date.to_string(), m.title.as_str()),
        ("2026-11-24".into(), "Planning")
    );
    let kinds: Vec<SectionKind> = m.sections.iter().map(|s| s.kind).collect();
    use SectionKind::*;
    assert_eq!(kinds, [Agenda, Notes, Actions, Feedback]);
    let items: Vec<_> = f
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            (
                it.content.slice(text),
                it.task,
                it.section,
                it.meeting(),
                f.depth(i as u32),
            )
        })
        .collect();
    assert_eq!(
        items[0],
        (
            "#growth Lead the migration? ^lead",
            Some(TaskState::Open),
            Agenda,
            Some(0),
            0
        )
    );
    assert_eq!(items[1].1, Some(TaskState::Done));
    assert_eq!(items[1].4, 1);
    assert_eq!(items[2].1, Some(TaskState::Cancelled));
    assert_eq!((items[3].1, items[3].2), (Some(TaskState::Done), Actions));
    assert_eq!((items[4].2, items[4].3), (Feedback, Some(0)));
    assert_eq!(
        items[5].3, None,
        "content under a non-meeting heading belongs to no meeting"
    );
    assert_eq!(f.items[0].id().unwrap().name, "lead");
    assert!(f.items[1].done().is_some());
    assert_eq!(
        f.items[3].due().unwrap().date.unwrap().to_string(),
        "2026-12-01"
    );
}

#[test]
fn crlf_bom_and_tabs_read_like_lf() {
    let lf =
        "---\nwith: Priya\n---\n## 2026-11-24\n###\tAgenda\n-\tFixed the build\n-\tMerged PR 12\n";
    let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    let a = findings(lf);
    let b = findings(&crlf);
    assert_eq!(a, ["4 status-only-agenda"]);
    assert_eq!(a, b);
    let f = parse(&crlf, None);
    assert!(f.bom);
    assert_eq!(
        f.front_matter.as_ref().unwrap().with.as_deref(),
        Some("Priya")
    );
}

#[test]
fn columns_are_counted_in_characters_after_emoji() {
    let text = "## 2026-11-24\n- 🙂🎉 What next? #grwoth\n";
    let lines = finding_lines(&workspace(&[("a.1on1.md", text)]));
    // `#grwoth` starts at character 17 (1-based) of line 2: "- 🙂🎉 What next? " is 16.
    assert_eq!(
        lines,
        ["a.1on1.md:2:17: warning[unknown-theme] #grwoth is not a theme. Did you mean #growth?"]
    );
}

#[test]
fn a_file_named_by_date_is_one_meeting_and_its_folder_one_series() {
    let a = "# 1:1 Maya / Tom\n## Agenda\n- [ ] Offsite budget ^budget\n## Notes\n- ok\n";
    let b = "# 1:1 Maya / Tom\n## Agenda\n- How did the offsite go? [[2026-11-03.1on1#^budget]]\n";
    let other = "# Someone else\n## Agenda\n- What next? #growth\n";
    let ws = workspace(&[
        ("maya/2026-11-03.1on1.md", a),
        ("maya/2026-11-10.1on1.md", b),
        ("ravi/2026-11-10.1on1.md", other),
    ]);
    assert_eq!(ws.series().count(), 2);
    let maya = ws.series().find(|s| s.name == "maya").unwrap();
    assert_eq!(maya.meetings.len(), 2);
    assert_eq!(maya.loops.len(), 1);
    assert_eq!(
        maya.items_of(&maya.loops[0]).len(),
        2,
        "the reference in the later file joins the loop"
    );
    assert_eq!(findings_in(&ws), Vec::<String>::new());
    let newest = maya.newest().unwrap();
    assert_eq!(
        ws.file(newest.file).path.to_str(),
        Some("maya/2026-11-10.1on1.md")
    );
}

#[test]
fn a_date_key_makes_a_one_meeting_file_and_with_joins_files_anywhere() {
    let running = "---\nwith: Priya\n---\n## 2026-11-10\n- [ ] Draft the RFC ^rfc\n";
    let single = "---\nwith: priya\ndate: 2026-11-17\n---\n# Notes\n## Agenda\n- How is the RFC? [[#^rfc]]\n";
    let ws = workspace(&[("a/running.1on1.md", running), ("b/single.1on1.md", single)]);
    assert_eq!(ws.series().count(), 1);
    let s = &ws.series().next().unwrap();
    assert_eq!(
        s.meeting_dates
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>(),
        ["2026-11-10", "2026-11-17"]
    );
    assert_eq!(s.loops[0].last_activity.to_string(), "2026-11-17");
}

#[test]
fn a_meeting_after_today_is_still_the_newest() {
    let text = "## 2026-11-24\n- What next? #growth\n\n## 2026-12-01\n### Agenda\n";
    assert_eq!(findings(text), ["4 empty-agenda"]);
}

#[test]
fn headings_inside_lists_quotes_and_code_are_not_meetings() {
    let text = "\
- ## 2026-11-20
> ## 2026-11-21

```
## 2026-11-22
```

<div>
## 2026-11-23
</div>

## 2026-11-24
- What next? #growth
";
    let f = parse(text, None);
    let dates: Vec<String> = f.meetings.iter().map(|m| m.date.to_string()).collect();
    assert_eq!(dates, ["2026-11-24"]);
}

#[test]
fn nothing_in_html_blocks_or_autolinks_counts() {
    let text = "\
## 2026-11-24
- What next? #growth <https://example.com/#grwoth>

<!--
- [ ] hidden task #grwoth ^hidden
-->
";
    let f = parse(text, None);
    assert_eq!(f.tags.len(), 1);
    assert_eq!(f.items.len(), 1);
    assert_eq!(findings(text), Vec::<String>::new());
}

#[test]
fn earlier_and_later_are_by_date_not_position() {
    // Newest first: the 11-17 task is earlier than the 11-24 meeting above it.
    let text = "\
## 2026-11-24
### Agenda
- What next? #growth

## 2026-11-17
### Actions
- [ ] Draft the RFC
";
    assert_eq!(findings(text), ["1 uncarried-loops"]);
}
