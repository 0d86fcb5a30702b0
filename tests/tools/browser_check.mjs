// tests/tools/browser_check.mjs - opens dagplan's public pages in headless
// Chromium (Debian's /usr/bin/chromium, driven by playwright-core) and checks
// what a visitor gets:
//
//   node browser_check.mjs NODE_DIR SHOT_DIR CITYDIR JSONDIR --overview URL
//        [--overview URL ...] [--report URL] [--page URL] [--expect-overnight]
//
// For each overview page (the static export or the server's): a screenshot
// (a non-empty PNG in SHOT_DIR); the rows shown with no filter, with each
// school group, each neighbourhood, each theme and one combination equal the
// sections the schedule JSONs (JSONDIR/CENTRE.json) and the centres' CSVs
// say (computed here, independently of the page); the count in the live
// region follows; the filters and the language toggle work from the keyboard
// (Tab to them, change with the arrow keys, Enter on the toggle); the
// English toggle switches the texts and html lang; axe-core finds no
// violation (in Dutch and in English); on a 375 px wide phone there is no
// horizontal scroll. With camps with overnight stay in the data
// (activities.csv overnight, required by --expect-overnight) the overnight
// filter is checked the same way. For the report page (and any other --page, e.g. the
// server's list of weeks): screenshot, axe-core, phone. On
// every page: no console error, no page error, no failed request. Prints
// each problem; exit status 1 when there is any.
import fs from 'node:fs';
import path from 'node:path';

const [nodeDir, shotDir, cityDir, jsonDir, ...rest] = process.argv.slice(2);
if (!nodeDir || !shotDir || !cityDir || !jsonDir) {
  console.error('usage: browser_check.mjs NODE_DIR SHOT_DIR CITYDIR JSONDIR --overview URL [--report URL]');
  process.exit(2);
}
const overviews = [];
const reports = [];
const pages = [];
let expectOvernight = false;
for (let i = 0; i < rest.length; i += 2) {
  if (rest[i] === '--overview') overviews.push(rest[i + 1]);
  else if (rest[i] === '--report') reports.push(rest[i + 1]);
  else if (rest[i] === '--page') pages.push(rest[i + 1]);
  else if (rest[i] === '--expect-overnight') { expectOvernight = true; i--; }
  else { console.error(`browser_check: unknown argument ${rest[i]}`); process.exit(2); }
}
const { chromium } = await import(path.resolve(nodeDir, 'node_modules/playwright-core/index.mjs'));
const axeSource = fs.readFileSync(path.resolve(nodeDir, 'node_modules/axe-core/axe.min.js'), 'utf8');

let problems = 0;
const problem = (msg) => { problems++; console.log(`FAIL: ${msg}`); };
const ok = (msg) => console.log(`ok: ${msg}`);

// ---- the expected offering, from the CSVs and schedule JSONs ----
function csv(file) {
  // The generated and example files quote only simple fields; this handles
  // quotes, doubled quotes and commas inside quotes.
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const rows = [];
  let row = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const head = rows.shift();
  return rows.filter((r) => !(r[0] || '').startsWith('#'))
    .map((r) => Object.fromEntries(head.map((h, k) => [h, r[k] ?? ''])));
}

const expected = []; // {key, min, max, theme, nbs: Set}
for (const c of fs.readdirSync(cityDir).sort()) {
  const d = path.join(cityDir, c);
  if (!fs.existsSync(path.join(d, 'children.csv'))) continue;
  const sched = JSON.parse(fs.readFileSync(path.join(jsonDir, `${c}.json`), 'utf8'));
  const acts = Object.fromEntries(csv(path.join(d, 'activities.csv')).map((a) => [a.id, a]));
  const nbs = new Set(csv(path.join(d, 'children.csv')).map((ch) => ch.neighbourhood).filter((x) => x));
  const running = new Set(sched.sessions.filter((s) => !s.cancelled && s.children > 0).map((s) => s.section));
  for (const s of csv(path.join(d, 'sections.csv'))) {
    if (!running.has(s.id)) continue;
    const a = acts[s.activity];
    expected.push({ key: `${sched.centre}/${s.id}`, min: +a.min_group, max: +a.max_group, theme: a.theme, nbs,
      overnight: a.overnight === '1' });
  }
}
if (expected.length < 5) problem(`only ${expected.length} running sections: the test would prove little`);
const allNbs = [...new Set(expected.flatMap((e) => [...e.nbs]))].sort();
const allThemes = [...new Set(expected.map((e) => e.theme))].sort();
const want = (f) => expected.filter((e) =>
  (!f.group || (f.group >= e.min && f.group <= e.max)) &&
  (!f.nb || e.nbs.has(f.nb)) && (!f.theme || e.theme === f.theme) &&
  (!f.overnight || e.overnight === (f.overnight === '1'))).map((e) => e.key).sort();
const anyOvernight = expected.some((e) => e.overnight);
if (expectOvernight && !anyOvernight) problem('no running camp with overnight stay: the overnight filter is not tested');

// ---- helpers ----
function watch(page, label) {
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problem(`${label}: console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problem(`${label}: page error: ${e.message}`));
  page.on('requestfailed', (r) => problem(`${label}: request failed: ${r.url()} ${r.failure()?.errorText}`));
}

async function screenshot(page, file, label) {
  const p = path.join(shotDir, file);
  await page.screenshot({ path: p, fullPage: true });
  const b = fs.readFileSync(p);
  const png = b.length > 1000 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (!png) problem(`${label}: ${p} is not a non-empty PNG (${b.length} bytes)`);
  else ok(`${label}: screenshot ${p} (${b.length} bytes)`);
}

async function axe(page, label) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ content: axeSource });
  const r = await page.evaluate(async () => {
    const res = await window.axe.run(document, { resultTypes: ['violations'] });
    return res.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
  });
  for (const v of r) problem(`${label}: axe-core: ${v}`);
  if (!r.length) ok(`${label}: axe-core: no violations`);
}

async function phone(browser, url, label, file, cards = false) {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  watch(page, `${label} (phone)`);
  await page.goto(url, { waitUntil: 'load' });
  const w = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  if (w.scroll > w.client) problem(`${label} (phone): horizontal scroll: the page is ${w.scroll}px wide in a ${w.client}px viewport`);
  else ok(`${label} (phone): no horizontal scroll (${w.scroll}px in ${w.client}px)`);
  if (cards) {
    // The rows are cards there: each cell names its column.
    const c = await page.evaluate(() => {
      const heads = [...document.querySelectorAll('#offer thead th')].map((e) => e.textContent);
      const r = [...document.querySelectorAll('#offer tbody tr')].find((e) => e.checkVisibility());
      return { heads, got: [...r.cells].map((td) => getComputedStyle(td, '::before').content) };
    });
    const bad = c.got.filter((x, i) => x !== `"${c.heads[i]}: "`);
    if (bad.length) problem(`${label} (phone): cells without their column's name: ${JSON.stringify(c.got)}`);
    else ok(`${label} (phone): every cell of a card names its column`);
  }
  await screenshot(page, file, `${label} (phone)`);
  await axe(page, `${label} (phone)`);
  await ctx.close();
}

const visible = (page) => page.evaluate(() => [...document.querySelectorAll('#offer tbody tr')]
  .filter((r) => r.checkVisibility()).map((r) => r.dataset.section).sort());

function same(got, exp) { return got.length === exp.length && got.every((x, i) => x === exp[i]); }

async function checkFilter(page, label, f) {
  const ids = { group: '#f-group', nb: '#f-nb', theme: '#f-theme' };
  for (const [k, sel] of Object.entries(ids)) await page.selectOption(sel, f[k] ? String(f[k]) : '');
  if (await page.$('#f-overnight')) await page.selectOption('#f-overnight', f.overnight || '');
  const got = await visible(page);
  const exp = want(f);
  const what = JSON.stringify(f);
  if (!same(got, exp)) {
    problem(`${label}: filter ${what}: ${got.length} rows shown, ${exp.length} expected; differ: ${[...new Set(got)].filter((x) => !exp.includes(x)).concat(exp.filter((x) => !got.includes(x))).slice(0, 5)}`);
    return false;
  }
  const count = await page.textContent('#count');
  if (!count.includes(String(exp.length))) { problem(`${label}: filter ${what}: count says '${count}', ${exp.length} rows shown`); return false; }
  return true;
}

// Presses Tab until the element matching sel has the focus; false if never.
async function tabTo(page, sel) {
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement === document.querySelector(s), sel)) return true;
  }
  return false;
}

async function checkOverview(browser, url, n) {
  const label = `overview ${url}`;
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  watch(page, label);
  const resp = await page.goto(url, { waitUntil: 'load' });
  if (resp && !resp.ok()) problem(`${label}: HTTP ${resp.status()}`);
  await screenshot(page, `overview-${n}.png`, label);
  if (!(await page.isVisible('#filters'))) problem(`${label}: the filters are hidden`);

  // The filters' options are the data's.
  const opts = (sel) => page.$$eval(`${sel} option`, (os) => os.map((o) => o.value).filter((v) => v !== ''));
  const nbOpts = (await opts('#f-nb')).sort(), themeOpts = (await opts('#f-theme')).sort();
  if (!same(nbOpts, allNbs)) problem(`${label}: neighbourhood options ${nbOpts} != ${allNbs}`);
  if (!same(themeOpts, allThemes)) problem(`${label}: theme options ${themeOpts} != ${allThemes}`);

  // Every filter value against the data.
  let good = await checkFilter(page, label, {});
  let narrowed = 0;
  for (let g = 1; g <= 8; g++) { good = (await checkFilter(page, label, { group: g })) && good; if (want({ group: g }).length < expected.length) narrowed++; }
  for (const nb of allNbs) good = (await checkFilter(page, label, { nb })) && good;
  for (const theme of allThemes) good = (await checkFilter(page, label, { theme })) && good;
  const hasFilter = !!(await page.$('#f-overnight'));
  if (hasFilter !== anyOvernight) problem(`${label}: overnight filter ${hasFilter ? 'shown' : 'missing'} with ${anyOvernight ? '' : 'no '}camps with overnight stay`);
  if (hasFilter && anyOvernight) {
    let on = true;
    for (const v of ['1', '0']) on = (await checkFilter(page, label, { overnight: v })) && on;
    on = (await checkFilter(page, label, { overnight: '1', group: 5 })) && on;
    if (on) ok(`${label}: the overnight filter (with, without, with + group 5) shows exactly the expected rows (${want({ overnight: '1' }).length} with overnight stay)`);
    good = on && good;
  }
  const combo = { group: 6, nb: allNbs[0], theme: allThemes[0] };
  good = (await checkFilter(page, label, combo)) && good;
  if (!narrowed) problem(`${label}: no group filter narrows the list (the data proves little)`);
  if (good) ok(`${label}: ${expected.length} rows; each of 8 groups, ${allNbs.length} neighbourhoods, ${allThemes.length} themes and one combination show exactly the expected rows`);
  await checkFilter(page, label, {});

  // Keyboard: Tab to the group filter, change it with the arrow keys.
  if (!(await tabTo(page, '#f-group'))) problem(`${label}: Tab never reaches the group filter`);
  else {
    await page.keyboard.press('ArrowDown'); // "alle" -> 1
    await page.keyboard.press('ArrowDown'); // 1 -> 2
    const v = await page.inputValue('#f-group');
    const got = await visible(page);
    if (v !== '2') problem(`${label}: keyboard: the group filter is '${v}' after two ArrowDown, expected '2'`);
    else if (!same(got, want({ group: 2 }))) problem(`${label}: keyboard: group 2 shows ${got.length} rows, expected ${want({ group: 2 }).length}`);
    else ok(`${label}: keyboard: Tab to the group filter, arrows change it, the rows follow`);
    const focus = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    if (focus === 'none') problem(`${label}: keyboard: the focused filter shows no outline`);
  }
  await checkFilter(page, label, {});
  await axe(page, `${label} (nl)`);

  // The English toggle, from the keyboard.
  if (!(await tabTo(page, '#lang'))) problem(`${label}: Tab never reaches the language toggle`);
  else {
    await page.keyboard.press('Enter');
    const st = await page.evaluate(() => ({
      lang: document.documentElement.lang, pressed: document.getElementById('lang').getAttribute('aria-pressed'),
      th: document.querySelector('#offer thead th').textContent, count: document.getElementById('count').textContent,
      nlShown: [...document.querySelectorAll('.nl')].filter((e) => e.checkVisibility()).length,
      enShown: [...document.querySelectorAll('.en')].filter((e) => e.checkVisibility()).length,
    }));
    if (st.lang !== 'en' || st.pressed !== 'true' || st.th !== 'Centre' || !/activities/.test(st.count) || st.nlShown || !st.enShown)
      problem(`${label}: English toggle: ${JSON.stringify(st)}`);
    else ok(`${label}: English toggle by keyboard: lang=en, aria-pressed, headers, count and times in English`);
    if (!(await checkFilter(page, `${label} (en)`, { theme: allThemes[allThemes.length - 1] }))) problem(`${label}: filter after the toggle`);
    await checkFilter(page, label, {});
    await screenshot(page, `overview-${n}-en.png`, `${label} (en)`);
    await axe(page, `${label} (en)`);
    await page.keyboard.press('Enter'); // back to Dutch (focus stays on the toggle)
    const back = await page.evaluate(() => [document.documentElement.lang, document.querySelector('#offer thead th').textContent]);
    if (back[0] !== 'nl' || back[1] !== 'Kindcentrum') problem(`${label}: toggling back gives ${back}`);
  }
  // The week pages link to the next week and to the list of weeks.
  const next = await page.$('nav a[rel=next]');
  if (next) {
    const href = await next.getAttribute('href');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), next.click()]);
    if (!page.url().endsWith(href) || !(await page.$('#offer'))) problem(`${label}: the link to the next week gives ${page.url()}`);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('nav a[href="index.html"]')]);
    if (!(await page.$('main li a'))) problem(`${label}: the link to the list of weeks gives ${page.url()}`);
    else ok(`${label}: links to the next week and to the list of weeks work`);
  }
  await ctx.close();
  await phone(browser, url, label, `overview-${n}-phone.png`, true);
}

async function checkPage(browser, url, n, kind) {
  const label = `${kind} ${url}`;
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  watch(page, label);
  const resp = await page.goto(url, { waitUntil: 'load' });
  if (resp && !resp.ok()) problem(`${label}: HTTP ${resp.status()}`);
  await screenshot(page, `${kind}-${n}.png`, label);
  const svgs = await page.$$eval('svg', (s) => s.filter((e) => e.checkVisibility()).length);
  if (kind === 'report' && svgs < 4) problem(`${label}: ${svgs} charts shown, expected at least 4`);
  await axe(page, label);
  await ctx.close();
  await phone(browser, url, label, `${kind}-${n}-phone.png`);
}

const browser = await chromium.launch({
  executablePath: process.env.DP_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  for (let i = 0; i < overviews.length; i++) await checkOverview(browser, overviews[i], i + 1);
  for (let i = 0; i < reports.length; i++) await checkPage(browser, reports[i], i + 1, 'report');
  for (let i = 0; i < pages.length; i++) await checkPage(browser, pages[i], i + 1, 'page');
} finally {
  await browser.close();
}
console.log(`browser_check (Chromium ${browser.version()}): ${overviews.length} overview, ${reports.length} report and ${pages.length} other pages, ${problems} problems`);
process.exit(problems ? 1 : 0);
