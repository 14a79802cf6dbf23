//! An edit re-parses only the meeting it is in, and the result is exactly what a full parse
//! of the new text gives: the tree, the line index, the series key, field for field.

use oneonone_ls::config::Config;
use oneonone_ls::ide::diagnostics::live::{text_order, LiveDiagnostics};
use oneonone_ls::ide::{workspace_diagnostics, Diagnostic};
use oneonone_ls::model::{FileChange, FileId, SourceFile, Workspace};
use oneonone_ls::syntax::Reparse;
use oneonone_ls::text::{ColumnUnit, TextRange};
use proptest::prelude::*;

/// Pieces of notes, structural ones included, so that random edits make and break
/// headings, fences, lists, ids and references.
const PIECES: &[&str] = &[
    "## 2026-11-24\n",
    "## 2026-11-17 Career\n",
    "## 2026-02-30\n",
    "## Nov 3, 2026\n",
    "# Title\n",
    "### Agenda\n",
    "### Feedback\n",
    "### Actions\n",
    "- [ ] Draft the RFC 📅 2026-11-20 ^a-1\n",
    "- [x] Done ✅ 2026-11-21 [[#^a-1]]\n",
    "  - nested #growth ^b\n",
    "- Fixed the build\n",
    "- What is next? #feedback\n",
    "1. numbered\n",
    "> quoted #growth\n",
    "```\n",
    "~~~\n",
    "#not-in-code ^c\n",
    "<div>\n",
    "---\n",
    "===\n",
    "    indented code\n",
    "[x]: /url\n",
    "[[other#^a-1]]",
    "\n",
    "\r\n",
    "\r",
    "é",
    "🙂",
    "\u{2028}",
    "\u{FEFF}",
    " ",
    "#",
    "-",
    "^",
    "`",
    "[",
    "text",
];

fn text_of(pieces: &[usize]) -> String {
    // (A byte order mark piece at the very start is one.)
    pieces.iter().map(|&i| PIECES[i % PIECES.len()]).collect()
}

/// A running doc: front matter, a title and a few meetings.
fn doc(meetings: &[Vec<usize>]) -> String {
    let mut s = String::from("---\nwith: Priya\n---\n# 1:1\n\n");
    for (i, m) in meetings.iter().enumerate() {
        s.push_str(&format!("## 2026-{:02}-10\n\n", i % 12 + 1));
        s.push_str(&text_of(m));
        s.push('\n');
    }
    s
}

#[derive(Clone, Debug)]
struct Edit {
    /// Where, as a fraction of the text's length.
    at: f64,
    removed: usize,
    inserted: Vec<usize>,
}

fn edit() -> impl Strategy<Value = Edit> {
    (
        0.0..=1.0f64,
        prop_oneof![Just(0usize), 0usize..4, 0usize..40],
        prop::collection::vec(0..PIECES.len(), 0..3),
    )
        .prop_map(|(at, removed, inserted)| Edit {
            at,
            removed,
            inserted,
        })
}

/// Applies `edits` one after another, checking each result against a fresh parse.
/// Returns how many were parsed incrementally.
fn check(name: &str, start: String, edits: &[Edit]) -> usize {
    let mut file = SourceFile::new(name.into(), start, u64::MAX);
    let mut incremental = 0;
    for e in edits {
        let at = (file.text.len() as f64 * e.at) as usize;
        let range = TextRange::new(at, at + e.removed);
        let inserted = text_of(&e.inserted);
        // The in-place parse itself, which apply_edit would fall back from should it panic.
        let clamped = oneonone_ls::text::clamp_range(&file.text, range);
        let mut new_text = file.text.clone();
        new_text.replace_range(clamped.start()..clamped.end(), &inserted);
        let mut tree = file.parsed.clone();
        oneonone_ls::syntax::reparse(&mut tree, &new_text, clamped, inserted.len());
        incremental += usize::from(file.apply_edit(range, &inserted, u64::MAX) != Reparse::Whole);
        let fresh = SourceFile::new(name.into(), file.text.clone(), u64::MAX);
        same(&file, &fresh, &format!("after {e:?}"));
    }
    incremental
}

/// Asserts two files are equal, naming the first part that differs.
fn same(a: &SourceFile, b: &SourceFile, context: &str) {
    let (x, y) = (&a.parsed, &b.parsed);
    assert_eq!(a.text, b.text, "text {context}");
    assert_eq!(
        a.line_index, b.line_index,
        "line index {context}\n{:?}",
        a.text
    );
    assert_eq!(x.headings, y.headings, "headings {context}\n{:?}", a.text);
    assert_eq!(x.meetings, y.meetings, "meetings {context}\n{:?}", a.text);
    assert_eq!(x.items, y.items, "items {context}\n{:?}", a.text);
    assert_eq!(x.tags, y.tags, "tags {context}\n{:?}", a.text);
    assert_eq!(
        x.references, y.references,
        "references {context}\n{:?}",
        a.text
    );
    assert_eq!(x.problems, y.problems, "problems {context}\n{:?}", a.text);
    assert_eq!(a, b, "{context}");
}

/// Applies `edits` to a workspace of one running doc, one change each, checking the series
/// and the diagnostics against a workspace built afresh from the same text.
fn check_workspace(start: String, edits: &[Edit]) {
    let name = "priya.1on1.md";
    let file = SourceFile::new(name.into(), start, u64::MAX);
    let mut ws = Workspace::new(Config::default(), today(), vec![file]);
    let mut live = LiveDiagnostics::new();
    live.update(&ws);
    for e in edits {
        let text = &ws.file(FileId(0)).text;
        let at = (text.len() as f64 * e.at) as usize;
        let change = FileChange::Edit {
            path: name.into(),
            edits: vec![(TextRange::new(at, at + e.removed), text_of(&e.inserted))],
            version: None,
        };
        let before = ws.clone();
        ws = ws.apply(vec![change]).0;
        let file = ws.file(FileId(0));
        let fresh = Workspace::new(
            Config::default(),
            today(),
            vec![SourceFile::new(name.into(), file.text.clone(), u64::MAX)],
        );
        assert_eq!(
            ws.series_of(FileId(0)),
            fresh.series_of(FileId(0)),
            "after {e:?}"
        );
        assert_eq!(workspace_diagnostics(&ws), workspace_diagnostics(&fresh));
        check_live(&mut live, &before, &ws, &format!("after {e:?}"));
    }
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default()
}

/// Brings `live` up to date with `after` and checks every file's findings against those of
/// the whole workspace, and the change it reports against the findings `before`. Returns
/// how many files were brought up to date from a stretch.
fn check_live(
    live: &mut LiveDiagnostics,
    before: &Workspace,
    after: &Workspace,
    context: &str,
) -> usize {
    let old: Vec<(FileId, Vec<Diagnostic>, u64)> = before
        .files()
        .filter_map(|(f, _)| live.file(f).map(|d| (f, d.list.clone(), d.stamp)))
        .collect();
    live.update(after);
    let all = workspace_diagnostics(after);
    let mut stretches = 0;
    for (f, file) in after.files() {
        let mut want: Vec<&Diagnostic> = all.iter().filter(|d| d.file == f).collect();
        want.sort_by(|a, b| text_order(a, b));
        let got = live.file(f).expect("every file has a list");
        let got_refs: Vec<&Diagnostic> = got.list.iter().collect();
        assert_eq!(got_refs, want, "findings {context}\n{:?}", file.text);
        let Some(change) = got.change else { continue };
        let Some((_, old_list, stamp)) = old.iter().find(|(g, ..)| *g == f) else {
            continue;
        };
        if change.from != *stamp {
            continue;
        }
        stretches += 1;
        let (new, old_file) = (&got.list, before.file(f));
        assert_eq!(
            new[..change.kept],
            old_list[..change.kept],
            "kept {context}"
        );
        for (n, o) in new[new.len() - change.moved..]
            .iter()
            .zip(&old_list[old_list.len() - change.moved..])
        {
            let at = |file: &SourceFile, offset: usize| {
                file.line_index
                    .line_col(&file.text, offset, ColumnUnit::Utf16)
            };
            for (new_offset, old_offset) in [
                (n.range.start(), o.range.start()),
                (n.range.end(), o.range.end()),
            ] {
                assert_eq!(
                    new_offset as i64,
                    old_offset as i64 + change.bytes,
                    "moved {context}"
                );
                let (a, b) = (at(file, new_offset), at(old_file, old_offset));
                assert_eq!(
                    (a.line as i64, a.col),
                    (b.line as i64 + change.lines, b.col),
                    "moved {context}"
                );
            }
            assert_eq!(
                (&n.message, n.rule),
                (&o.message, o.rule),
                "moved {context}"
            );
        }
    }
    stretches
}

/// A series of two files (`with:` in the front matter) and edits to either, sometimes two
/// at once: the findings of each file stay those of the whole workspace.
fn check_two_files(first: String, second: String, edits: &[(bool, Edit, Option<Edit>)]) -> usize {
    let names = ["a.1on1.md", "b.1on1.md"];
    let files = [first, second]
        .into_iter()
        .zip(names)
        .map(|(text, name)| SourceFile::new(name.into(), text, u64::MAX))
        .collect();
    let mut ws = Workspace::new(Config::default(), today(), files);
    let mut live = LiveDiagnostics::new();
    live.update(&ws);
    let mut stretches = 0;
    for (which, e, also) in edits {
        let id = FileId(u32::from(*which));
        let text = &ws.file(id).text;
        let mut batch = Vec::new();
        for e in std::iter::once(e).chain(also) {
            let at = (text.len() as f64 * e.at) as usize;
            batch.push((TextRange::new(at, at + e.removed), text_of(&e.inserted)));
        }
        let change = FileChange::Edit {
            path: names[usize::from(*which)].into(),
            edits: batch,
            version: None,
        };
        let before = ws.clone();
        ws = ws.apply(vec![change]).0;
        stretches += check_live(&mut live, &before, &ws, &format!("after {e:?} {also:?}"));
    }
    stretches
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_edit_of_a_running_doc_equals_a_fresh_parse(
        meetings in prop::collection::vec(prop::collection::vec(0..PIECES.len(), 0..12), 1..6),
        edits in prop::collection::vec(edit(), 1..12),
    ) {
        check("priya.1on1.md", doc(&meetings), &edits);
    }

    #[test]
    fn any_edit_keeps_the_series_and_findings_of_a_fresh_workspace(
        meetings in prop::collection::vec(prop::collection::vec(0..PIECES.len(), 0..12), 1..6),
        edits in prop::collection::vec(edit(), 1..8),
    ) {
        check_workspace(doc(&meetings), &edits);
    }

    #[test]
    fn findings_brought_up_to_date_in_a_series_of_two_files_are_its_findings(
        first in prop::collection::vec(prop::collection::vec(0..PIECES.len(), 0..12), 1..5),
        second in prop::collection::vec(prop::collection::vec(0..PIECES.len(), 0..12), 1..5),
        edits in prop::collection::vec((any::<bool>(), edit(), prop::option::of(edit())), 1..8),
    ) {
        check_two_files(doc(&first), doc(&second), &edits);
    }

    #[test]
    fn any_edit_of_any_text_equals_a_fresh_parse(
        pieces in prop::collection::vec(0..PIECES.len(), 0..40),
        edits in prop::collection::vec(edit(), 1..12),
    ) {
        check("notes.1on1.md", text_of(&pieces), &edits);
        check("2026-11-24.1on1.md", text_of(&pieces), &edits);
    }
}

/// Typing inside a meeting of a long running doc takes the incremental path (the property
/// tests above would pass with full parses alone), and only what changes an item, a tag or a
/// reference makes the series be derived again.
#[test]
fn typing_inside_a_meeting_parses_only_that_meeting() {
    let meetings: Vec<Vec<usize>> = (0..30).map(|i| vec![5, 8, 11, 12, 6 + i % 3, 9]).collect();
    let start = doc(&meetings);
    let meeting = start.find("## 2026-06-10").expect("a meeting");
    let mut at = meeting + start[meeting..].find("Fixed").expect("an item") + "Fixed".len();
    let mut file = SourceFile::new("priya.1on1.md".into(), start, u64::MAX);
    for (key, links) in [
        ("x", false),
        (" ", false),
        ("?", false),
        (" #growth", true),
        ("\n", false),
        ("- [ ] ask", true),
        ("[[#^a-1]]", true),
    ] {
        let how = file.apply_edit(TextRange::empty(at), key, u64::MAX);
        assert!(
            matches!(how, Reparse::Stretch { links: l, .. } if l == links),
            "{key:?}: {how:?}"
        );
        at += key.len();
        let fresh = SourceFile::new("priya.1on1.md".into(), file.text.clone(), u64::MAX);
        assert_eq!(file, fresh);
    }
    // A new meeting heading is a structural change: the whole file is parsed.
    let heading = file.apply_edit(TextRange::empty(at), "\n## 2026-06-11\n", u64::MAX);
    assert_eq!(heading, Reparse::Whole);
}

/// Typing in a meeting of a long running doc brings its findings up to date from that
/// meeting (the property tests above would pass if every keystroke derived them again).
#[test]
fn typing_brings_the_findings_up_to_date_from_the_edited_meeting() {
    // Distinct dates and ids: duplicate meetings and ids take the long way.
    let mut start = String::from("# 1:1 with Priya\n\n");
    for i in 0..30 {
        let date = today() - chrono::Days::new(7 * (30 - i));
        start.push_str(&format!(
            "## {date}\n\n### Agenda\n- Fixed the build\n- What is next? #feedback\n\n\
             ### Actions\n- [ ] Draft the RFC 📅 {date} ^a-{i}\n- [ ] Review [[#^a-{i}]]\n\n"
        ));
    }
    let name = "priya.1on1.md";
    let mut ws = Workspace::new(
        Config::default(),
        today(),
        vec![SourceFile::new(name.into(), start.clone(), u64::MAX)],
    );
    let mut live = LiveDiagnostics::new();
    live.update(&ws);
    let mut at = start.find("## 2026-07-").expect("a meeting");
    at += start[at..].find("Fixed").expect("an item");
    for key in ["x", " ", "\n", "y", "?"] {
        let before = ws.clone();
        let change = FileChange::Edit {
            path: name.into(),
            edits: vec![(TextRange::empty(at), key.to_string())],
            version: None,
        };
        ws = ws.apply(vec![change]).0;
        at += key.len();
        assert_eq!(check_live(&mut live, &before, &ws, key), 1, "{key:?}");
        let list = live.file(FileId(0)).expect("findings");
        let change = list.change.expect("brought up to date");
        assert!(change.kept > 0 && change.moved > 0, "{key:?}: {change:?}");
    }
}
