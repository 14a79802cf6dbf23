// Renders the JSON of the server's `oneonone.summary` command as a markdown document.
// Kept free of the `vscode` module so it can be read (and tried) on its own.

import * as path from 'path';
import { pathToFileURL } from 'url';

interface Theme {
  items?: number;
  meetings?: number;
  shareOfMeetings?: number;
  last?: string | null;
  daysSinceLast?: number | null;
}

interface OpenLoop {
  text?: string;
  file?: string;
  line?: number;
  opened?: string;
  daysSinceActivity?: number;
  feedback?: boolean;
  stale?: boolean;
}

interface Series {
  series?: string;
  files?: string[];
  meetings?: number;
  firstMeeting?: string | null;
  lastMeeting?: string | null;
  growth?: Theme;
  alignment?: Theme;
  feedback?: { opened?: number; closed?: number; stale?: number; medianDaysToClose?: number | null };
  statusOnlyMeetings?: number;
  cadence?: { cadence?: string; gaps?: number; kept?: number; shareKept?: number };
  openLoops?: OpenLoop[];
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function days(n: number): string {
  return plural(n, 'day', 'days');
}

function percent(share: number | undefined): string {
  return `${Math.round((share ?? 0) * 100)}%`;
}

/** Escapes what would break a markdown table cell or start markup. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function displayPath(file: string, root?: string): string {
  if (root && path.isAbsolute(file)) {
    const rel = path.relative(root, file);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) {
      return rel.split(path.sep).join('/');
    }
  }
  return file;
}

function fileLink(file: string, line: number | undefined, root?: string): string {
  const label = `${displayPath(file, root)}${line ? `:${line}` : ''}`;
  if (!path.isAbsolute(file)) {
    return `\`${label}\``;
  }
  const target = `${pathToFileURL(file).toString()}${line ? `#L${line}` : ''}`;
  return `[${cell(label)}](${target})`;
}

function theme(t: Theme | undefined, meetings: number): string {
  if (!t) {
    return '—';
  }
  const last =
    t.last && t.daysSinceLast !== undefined && t.daysSinceLast !== null
      ? `last ${t.last} (${days(t.daysSinceLast)} ago)`
      : 'never';
  return `${plural(t.items ?? 0, 'item', 'items')} in ${t.meetings ?? 0} of ${plural(meetings, 'meeting', 'meetings')} (${percent(t.shareOfMeetings)}), ${last}`;
}

function renderSeries(s: Series, root?: string): string {
  const out: string[] = [];
  const meetings = s.meetings ?? 0;
  out.push(`## ${s.series ?? '(unnamed series)'}`, '');
  const files = s.files ?? [];
  if (files.length) {
    out.push(`${files.length === 1 ? 'File' : 'Files'}: ${files.map((f) => fileLink(f, undefined, root)).join(', ')}`, '');
  }
  const span = s.firstMeeting && s.lastMeeting ? `, ${s.firstMeeting} to ${s.lastMeeting}` : '';
  const f = s.feedback ?? {};
  const median =
    f.medianDaysToClose !== undefined && f.medianDaysToClose !== null
      ? `, median ${f.medianDaysToClose} days to close`
      : '';
  const c = s.cadence ?? {};
  const loops = s.openLoops ?? [];
  out.push(
    '| | |',
    '|---|---|',
    `| Meetings | ${meetings}${span} |`,
    `| Growth | ${theme(s.growth, meetings)} |`,
    `| Alignment | ${theme(s.alignment, meetings)} |`,
    `| Feedback | ${plural(f.opened ?? 0, 'loop', 'loops')} opened, ${f.closed ?? 0} closed, ${f.stale ?? 0} stale${median} |`,
    `| Status-only meetings | ${s.statusOnlyMeetings ?? 0} of ${meetings} |`,
    `| Cadence | ${cell(c.cadence ?? '?')}, kept ${c.kept ?? 0} of ${plural(c.gaps ?? 0, 'gap', 'gaps')} (${percent(c.shareKept)}) |`,
    `| Open loops | ${loops.length} |`,
    '',
  );
  if (loops.length) {
    out.push('### Open loops', '');
    for (const l of loops) {
      const marks = [`${days(l.daysSinceActivity ?? 0)} quiet`];
      if (l.feedback) {
        marks.push('feedback');
      }
      if (l.stale) {
        marks.push('**stale**');
      }
      const where = l.file ? ` ${fileLink(l.file, l.line, root)}` : '';
      out.push(`- ${l.opened ?? '?'}${where} (${marks.join(', ')}): ${cell(l.text ?? '')}`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** The summary as markdown; anything that is not the expected shape is shown as JSON. */
export function renderSummary(result: unknown, root?: string): string {
  const header = '# 1:1 summary\n\n';
  const list = Array.isArray(result) ? result : result && typeof result === 'object' ? [result] : null;
  if (!list || !list.every((s) => s && typeof s === 'object' && 'series' in s)) {
    return `${header}\`\`\`json\n${JSON.stringify(result, null, 2)}\n\`\`\`\n`;
  }
  if (list.length === 0) {
    return `${header}No 1:1 notes (\`*.1on1.md\`) found in this workspace.\n`;
  }
  return header + list.map((s) => renderSeries(s as Series, root)).join('\n');
}
