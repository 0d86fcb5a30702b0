// tests/tools/ical_check.mjs - reads every feed of a directory with ical.js
// (Thunderbird's parser) and checks what a subscribing client relies on:
//   - it parses; every VEVENT has UID and DTSTAMP; every TZID has a VTIMEZONE;
//   - each event's start and end, converted to UTC through the feed's own
//     VTIMEZONE by ical.js, equal the UTC instant of the same wall time in the
//     zone as ICU's time zone data (Intl) knows it: independent of dagplan;
//   - privacy (with --children FILE): a family feed names no child of another
//     family, and location and activity feeds name no child at all; no feed
//     holds a child's id, surname or full name.
// Prints one line per event ("file<TAB>uid<TAB>sequence<TAB>status<TAB>start
// <TAB>end<TAB>summary") to the file given by --events, and a summary.
// Usage: node ical_check.mjs NODE_MODULES_DIR FEEDS_DIR [--children CSV] [--staff CSV]
//        [--events OUT]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [nodeDir, feedsDir, ...rest] = process.argv.slice(2);
const opt = {};
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = rest[i + 1];
const ICAL = (await import(path.resolve(nodeDir, 'node_modules/ical.js/dist/ical.js'))).default;

let problems = 0;
const problem = (msg) => { console.error(msg); problems++; };

// UTC milliseconds of a wall time in zone, by ICU: search the offset that maps back.
function utcOfWall(zone, y, mo, d, h, mi) {
  const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hourCycle: 'h23',
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  for (const off of [-14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4,
                     5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((x) => x * 3600e3)) {
    const t = wall - off;
    const p = Object.fromEntries(fmt.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    if (Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) === wall) return t;
  }
  return null;
}

// Children: id, name, family (simple CSV as in the test centre, quotes allowed).
function readChildren(file) {
  const rows = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean);
  const parse = (line) => {
    const out = []; let cur = ''; let q = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (q) { if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') q = false; else cur += c; }
      else if (c === '"') q = true; else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
    }
    out.push(cur); return out;
  };
  const head = parse(rows[0]);
  return rows.slice(1).map((r) => { const v = parse(r); return Object.fromEntries(head.map((h, i) => [h, v[i] ?? ''])); })
    .map((c) => ({ id: c.id, name: c.name, first: c.name.split(/\s+/)[0], family: c.family || c.id }));
}
const children = opt.children ? readChildren(opt.children) : [];
// Staff (--staff staff.csv): a family feed may name who escorts the group;
// their full names are taken out before the privacy check of child names.
const staffNames = opt.staff ? readChildren(opt.staff).map((s) => s.name).filter(Boolean) : [];
const wordRe = (w) => new RegExp(`(^|[^\\p{L}])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u');

const lines = [];
let nFiles = 0, nEvents = 0;
for (const file of fs.readdirSync(feedsDir).filter((f) => f.endsWith('.ics')).sort()) {
  nFiles++;
  const text = fs.readFileSync(path.join(feedsDir, file), 'utf8');
  let cal;
  try { cal = new ICAL.Component(ICAL.parse(text)); } catch (e) { problem(`${file}: ical.js: ${e.message}`); continue; }
  const zones = new Map();
  for (const vtz of cal.getAllSubcomponents('vtimezone')) {
    const tz = new ICAL.Timezone(vtz);
    zones.set(tz.tzid, tz);
  }
  const allText = [];
  for (const ve of cal.getAllSubcomponents('vevent')) {
    nEvents++;
    const ev = new ICAL.Event(ve);
    if (!ve.getFirstPropertyValue('uid') || !ve.getFirstPropertyValue('dtstamp')) problem(`${file}: VEVENT without UID or DTSTAMP`);
    for (const name of ['dtstart', 'dtend']) {
      const prop = ve.getFirstProperty(name);
      const tzid = prop.getParameter('tzid');
      const t = prop.getFirstValue();
      if (!tzid) continue;
      const zone = zones.get(tzid);
      if (!zone) { problem(`${file}: TZID=${tzid} has no VTIMEZONE`); continue; }
      const viaFeed = ICAL.Time.fromData({ year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute }, zone).toUnixTime() * 1000;
      const viaIcu = utcOfWall(tzid, t.year, t.month, t.day, t.hour, t.minute);
      if (viaFeed !== viaIcu) problem(`${file}: ${name} ${t.toString()} ${tzid}: feed says ${new Date(viaFeed).toISOString()}, ICU says ${viaIcu && new Date(viaIcu).toISOString()}`);
    }
    const summary = ve.getFirstPropertyValue('summary') || '';
    const desc = ve.getFirstPropertyValue('description') || '';
    allText.push(summary, desc, ve.getFirstPropertyValue('location') || '');
    lines.push([file, ev.uid, ev.sequence, ve.getFirstPropertyValue('status') || '',
      ev.startDate.toString(), ev.endDate.toString(), summary].join('\t'));
  }
  allText.push(cal.getFirstPropertyValue('name') || '', cal.getFirstPropertyValue('x-wr-calname') || '');
  // Privacy.
  let blob = allText.join('\n');
  for (const n of staffNames) blob = blob.split(n).join(' ');
  const kind = file.split('-')[0];
  const subject = file.slice(kind.length + 1, -4);
  for (const c of children) {
    if (blob.includes(c.name) && c.name.includes(' ')) problem(`${file}: holds the full name of child ${c.id}`);
    if (wordRe(c.id).test(blob)) problem(`${file}: holds the id of child ${c.id}`);
    const mine = kind === 'family' && c.family === subject;
    const sharedFirst = children.some((o) => o.first === c.first && (kind === 'family' ? o.family === subject : false));
    if ((kind === 'location' || kind === 'activity') && wordRe(c.first).test(blob))
      problem(`${file}: names a child (${c.first})`);
    if (kind === 'family' && !mine && !sharedFirst && wordRe(c.first).test(blob))
      problem(`${file}: names ${c.first}, a child of another family`);
  }
}
if (opt.events) fs.writeFileSync(opt.events, lines.join('\n') + '\n');
console.log(`ical_check (ical.js ${ICAL.version || ''}): ${nFiles} files, ${nEvents} events, ${problems} problems`);
if (nFiles === 0) { console.error('no .ics files'); process.exit(1); }
process.exit(problems ? 1 : 0);
