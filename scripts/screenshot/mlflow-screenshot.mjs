// README screenshots of one sweep in the MLflow UI, taken with Playwright (playwright-core) driving Debian's chromium.
//   node mlflow-screenshot.mjs TRACKING_URI EXPERIMENT OUT_DIR        (normally run through scripts/mlflow-screenshot)
// For the newest sweep of EXPERIMENT (its parent run is tagged kind=sweep) it writes, into OUT_DIR:
//   mlflow-runs.png     the runs table, opened on the sweep's saved view (experiment tag mlflow.sharedViewState.<sweep_id>)
//   mlflow-charts.png   the same view as charts: eval_return and mean10_return per trial
//   mlflow-compare.png  the compare page's parallel coordinates plot: the swept params against eval_return
// Every page is checked before it is captured (Model training view, all trials listed, charts drawn, plot configured,
// nothing covering the content); the PNGs are written only when all three pass, else the exit status is 1.
import { chromium } from 'playwright-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VIEWPORT = { width: 1500, height: 1000 };
const TIMEOUT_MS = 60_000; // per wait; the machine may be busy training
const METRIC = 'eval_return';
const CHART_METRICS = ['eval_return', 'mean10_return'];
// Keeps the "MLflow Assistant" side panel closed: MLflow opens it on the first load on localhost.
const ASSISTANT_STORAGE = {
  'mlflow.assistant.fab.autoOpenedOnFirstLoad_v1': 'true',
  'mlflow.assistant.panelOpen_v1': 'false',
};

class Failure extends Error {}
const fail = (message) => { throw new Failure(message); };

// ---------------------------------------------------------------------------------------------- REST API
async function api(uri, path, body) {
  const init = body === undefined ? {} :
    { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  let res;
  try {
    res = await fetch(uri + path, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    fail(`cannot reach the tracking server at ${uri}: ${e.cause?.message ?? e.message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    const err = new Failure(`${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    err.status = res.status;
    throw err;
  }
  return JSON.parse(text);
}

async function searchRuns(uri, experimentId, filter, orderBy = [], limit = Infinity) {
  const runs = [];
  let pageToken;
  do {
    const res = await api(uri, '/api/2.0/mlflow/runs/search', {
      experiment_ids: [experimentId], filter, order_by: orderBy,
      max_results: Math.min(1000, limit - runs.length), page_token: pageToken,
    });
    runs.push(...(res.runs ?? []));
    pageToken = res.next_page_token;
  } while (pageToken && runs.length < limit);
  return runs;
}

const tagsOf = (entity) => Object.fromEntries((entity.tags ?? entity.data?.tags ?? []).map((t) => [t.key, t.value]));
const paramsOf = (run) => Object.fromEntries((run.data?.params ?? []).map((p) => [p.key, p.value]));
const metricsOf = (run) => Object.fromEntries((run.data?.metrics ?? []).map((m) => [m.key, m.value]));
const backticked = (column, prefix) => {
  const m = column.match(new RegExp(`^${prefix}\\.\`(.+)\`$`)) ?? column.match(new RegExp(`^${prefix}\\.([^\`]+)$`));
  return m?.[1];
};

// The newest sweep of the experiment, its trials and its saved view.
async function findSweep(uri, experimentName) {
  let experiment;
  try {
    experiment = (await api(uri, `/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(experimentName)}`)).experiment;
  } catch (e) {
    if (e.status === 404) fail(`no experiment named '${experimentName}' at ${uri}`);
    throw e;
  }
  const id = experiment.experiment_id;
  const [parent] = await searchRuns(uri, id, "tags.kind = 'sweep'", ['attributes.start_time DESC'], 1);
  if (!parent) fail(`experiment '${experimentName}' has no sweep (no run tagged kind=sweep)`);
  const parentId = parent.info.run_id;
  const sweepId = tagsOf(parent).sweep_id;
  if (!sweepId) fail(`the sweep's parent run ${parentId} has no tag sweep_id`);
  const children = await searchRuns(uri, id, `tags.\`mlflow.parentRunId\` = '${parentId}'`);
  if (children.length === 0) fail(`sweep ${sweepId} (run ${parentId}) has no child runs`);

  const viewTag = `mlflow.sharedViewState.${sweepId}`;
  const raw = tagsOf(experiment)[viewTag];
  if (raw === undefined) {
    fail(`experiment '${experimentName}' has no saved view for sweep ${sweepId} (experiment tag ${viewTag}): `
      + 'run the sweep again with this version: it saves the view');
  }
  let state;
  try {
    const envelope = JSON.parse(raw);
    if (typeof envelope?.name !== 'string' || typeof envelope.createdAt !== 'number' || typeof envelope.state !== 'string') {
      throw new Error('expected {"name": string, "createdAt": number, "state": string}');
    }
    const text = envelope.state.startsWith('deflate;')
      ? inflateSync(Buffer.from(envelope.state.slice('deflate;'.length), 'base64')).toString() : envelope.state;
    state = JSON.parse(text);
  } catch (e) {
    fail(`experiment tag ${viewTag} is not a saved view MLflow can open (${e.message}): `
      + 'run the sweep again with this version: it saves the view');
  }
  if (!String(state.searchFilter ?? '').includes(parentId)) {
    fail(`the saved view ${viewTag} does not filter on the sweep's parent run ${parentId} (searchFilter: ${state.searchFilter})`);
  }
  // The swept params: the view's param columns, else the parent's grid.* params.
  let swept = (state.selectedColumns ?? []).map((c) => backticked(c, 'params')).filter(Boolean);
  if (swept.length === 0) {
    swept = Object.keys(paramsOf(parent)).filter((k) => k.startsWith('grid.')).map((k) => k.slice('grid.'.length)).sort();
  }
  if (swept.length === 0) fail(`cannot tell which params sweep ${sweepId} varies (no params.* columns in its view, no grid.* params)`);

  const trials = children.map((r) => ({ id: r.info.run_id, name: r.info.run_name, metric: metricsOf(r)[METRIC] }));
  const scored = trials.filter((t) => typeof t.metric === 'number').sort((a, b) => b.metric - a.metric);
  const best = scored.length > 0 && (scored.length === 1 || scored[0].metric > scored[1].metric) ? scored[0] : undefined;
  return { experimentId: id, parentId, sweepId, trials, swept, best };
}

// ---------------------------------------------------------------------------------------------- page checks
// Runs in the page: the problems that keep it from being a clean Model training page, as a list of strings
// (experimentPage: one of the experiment's tabs, whose links carry workflowType).
function pageProblems(experimentPage = false) {
  const visible = (e) => {
    if (!e.isConnected) return false;
    const s = getComputedStyle(e);
    if (s.visibility === 'hidden' || s.display === 'none' || Number(s.opacity) === 0) return false;
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const all = (sel) => [...document.querySelectorAll(sel)].filter(visible);
  const text = (e) => (e.innerText ?? e.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 120);
  const problems = [];
  if (location.hash.includes('/overview')) problems.push(`the page is an overview (${location.hash}), not the Model training view`);
  if (experimentPage && document.querySelectorAll('a[href*="workflowType=machine_learning"]').length === 0) {
    problems.push('no links with workflowType=machine_learning: not the Model training view');
  }
  // the toggle's chosen side has the darker label
  const toggle = Object.fromEntries(all('aside [role=button]').map((e) => [text(e), e]));
  const darkness = (e) => { const [r, g, b] = getComputedStyle(e.firstElementChild ?? e).color.match(/\d+/g).map(Number); return -(r + g + b); };
  if (!toggle['Model training']) problems.push('no "Model training" toggle');
  else if (toggle.GenAI && !(darkness(toggle['Model training']) > darkness(toggle.GenAI))) problems.push('the GenAI side of the toggle is chosen');
  if (/Token Usage/.test(document.body.innerText)) problems.push('the page shows GenAI overview cards (Token Usage)');
  const genaiNav = all('aside a').map(text).filter((t) => /^(Overview|Sessions|Judges|Prompts|AI Gateway)\b/.test(t));
  if (genaiNav.length > 0) problems.push(`the side bar is the GenAI one (${genaiNav.join(', ')})`);
  if (all('[aria-label="Send message"], [aria-label="New Chat"]').length > 0) problems.push('the MLflow Assistant panel is open');
  const busy = all('[class*="-spin-spinning"], [role=progressbar], [aria-busy=true], [class*="skeleton" i], .ag-overlay-loading-wrapper');
  if (busy.length > 0) problems.push(`still loading (${busy.length} spinners)`);
  for (const e of all('[role=dialog], [role=alertdialog], [class*="-modal-wrap"], [role=tooltip], [role=menu], [role=listbox], '
    + '[class*="-select-dropdown"]:not([class*="-select-dropdown-hidden"]), [data-radix-popper-content-wrapper]')) {
    problems.push(`a popup is open: ${e.getAttribute('role') ?? e.className} "${text(e)}"`);
  }
  for (const e of all('[class*="-notification-notice"], [class*="-message-notice"]')) problems.push(`a notification is shown: "${text(e)}"`);
  return problems;
}

// Runs in the page: which parts of the given elements something else covers (sampled on a grid of points).
function coverProblems(targets) {
  const problems = [];
  const describe = (e) => `${e.tagName.toLowerCase()}${e.getAttribute('aria-label') ? `[aria-label="${e.getAttribute('aria-label')}"]` : ''}`
    + `${typeof e.className === 'string' && e.className ? `.${e.className.split(/\s+/)[0]}` : ''} "${(e.innerText ?? e.textContent ?? '').trim().slice(0, 60)}"`;
  for (const [label, el] of targets) {
    const r = el.getBoundingClientRect();
    const x0 = Math.max(r.left, 0), x1 = Math.min(r.right, innerWidth), y0 = Math.max(r.top, 0), y1 = Math.min(r.bottom, innerHeight);
    if (x1 - x0 < 20 || y1 - y0 < 20) { problems.push(`${label} is not on screen`); continue; }
    const n = 7;
    const covers = new Set();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const x = x0 + 2 + (x1 - x0 - 4) * i / (n - 1), y = y0 + 2 + (y1 - y0 - 4) * j / (n - 1);
        const hit = document.elementFromPoint(x, y);
        if (hit && !el.contains(hit)) covers.add(describe(hit));
      }
    }
    for (const c of covers) problems.push(`${label} is covered by ${c}`);
  }
  return problems;
}

// Polls check (a function run in the page, returning [] when satisfied, else problems) until it passes; check is
// serialized into the page, so it may only use its argument and the page's globals (PAGE_FUNCTIONS), no closures.
async function until(page, what, check, arg, timeout = TIMEOUT_MS) {
  const deadline = Date.now() + timeout;
  let problems;
  for (;;) {
    problems = await page.evaluate(check, arg).catch((e) => [`page error: ${e.message.split('\n')[0]}`]);
    if (problems.length === 0) return;
    if (Date.now() > deadline) break;
    await page.waitForTimeout(300);
  }
  fail(`${what}, after ${Math.round(timeout / 1000)} s:\n  ${[...new Set(problems)].join('\n  ')}`);
}

// Waits until no data request (fetch, XHR) has been in flight for quietMs.
async function networkQuiet(page, quietMs = 1000, timeout = TIMEOUT_MS) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (page.inFlight.size === 0 && Date.now() - page.lastActivity >= quietMs) return;
    await page.waitForTimeout(100);
  }
  fail(`requests still in flight after ${timeout / 1000} s: ${[...page.inFlight].map((r) => r.url()).slice(0, 3).join(', ')}`);
}

async function openPage(context, url) {
  const page = await context.newPage();
  page.inFlight = new Set();
  page.lastActivity = Date.now();
  const done = (r) => { page.inFlight.delete(r); page.lastActivity = Date.now(); };
  page.on('request', (r) => {
    if (!['fetch', 'xhr'].includes(r.resourceType())) return; // not the long-lived worker scripts
    page.inFlight.add(r);
    page.lastActivity = Date.now();
  });
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  await page.goto(url, { waitUntil: 'load', timeout: TIMEOUT_MS });
  return page;
}

// ---------------------------------------------------------------------------------------------- the three pages
// Runs in the page: the runs page (table or charts) shows the sweep's view with every trial.
function runsPageProblems({ trials, parentId, sweepId, columns, best, charts }) {
  const problems = [];
  const body = document.body.innerText;
  // the sweep's run name (its id) names the saved view the page opened on
  if (!body.includes(sweepId)) problems.push(`the page does not name the sweep ${sweepId} (its saved view)`);
  const m = body.match(/(\d+)\s+matching runs/);
  if (!m) problems.push('no "N matching runs" line');
  else if (Number(m[1]) !== trials.length) problems.push(`"${m[1]} matching runs", expected ${trials.length}`);
  const search = document.querySelector('[data-testid=search-box]');
  if (!search?.value.includes(parentId)) problems.push(`the search box does not filter on the sweep (${search?.value ?? 'no search box'})`);
  const grid = document.querySelector('.ag-root-wrapper');
  if (!grid) return [...problems, 'no runs table'];
  // every trial's row is on screen (the grid only draws the rows near its viewport)
  const rows = [...grid.querySelectorAll('[role=row][row-index]')].filter((r) => {
    const b = r.getBoundingClientRect();
    return b.height > 0 && b.top >= 0 && b.bottom <= innerHeight;
  }).map((r) => r.innerText).join('\n');
  const missing = trials.filter((t) => !rows.includes(t.name));
  if (missing.length > 0) problems.push(`the runs table does not show ${missing.map((t) => t.name).join(', ')}`);
  if (!charts) {
    const header = [...grid.querySelectorAll('.ag-header-cell')].map((e) => e.innerText.trim());
    for (const c of columns) if (!header.includes(c)) problems.push(`the table has no column ${c}`);
    if (best) {
      const first = [...grid.querySelectorAll('[role=row][row-index="0"]')].map((e) => e.innerText).join(' ');
      if (!first.includes(best.name)) problems.push(`the first row is not the best trial ${best.name} (sorted by eval_return?)`);
    }
  }
  return problems;
}

// Runs in the page: the chart cards titled with the given metrics, each with a drawn line plot.
function chartProblems(metrics) {
  const problems = [];
  const cards = [...document.querySelectorAll('[data-testid=experiment-view-compare-runs-card]')];
  for (const metric of metrics) {
    const card = cards.find((c) => c.innerText.trim().split('\n')[0].trim() === metric);
    if (!card) { problems.push(`no chart titled ${metric}`); continue; }
    if (card.querySelector('[class*="-spin-spinning"], [class*="skeleton" i]')) problems.push(`chart ${metric} is still loading`);
    const traces = [...card.querySelectorAll('.js-plotly-plot .scatterlayer .trace path.js-line')].filter((p) => (p.getAttribute('d') ?? '').length > 2);
    if (traces.length === 0) problems.push(`chart ${metric} has no lines drawn`);
  }
  return problems;
}

// Runs in the page: the compare page's parallel coordinates plot with exactly the wanted axes.
function compareProblems({ trials, params, metrics }) {
  const problems = [];
  const title = document.body.innerText.match(/Comparing (\d+) Runs? from (\d+) Experiments?/);
  if (!title) problems.push('no "Comparing N Runs" title');
  else if (Number(title[1]) !== trials.length) problems.push(`"${title[0]}", expected ${trials.length} runs`);
  const tab = [...document.querySelectorAll('[role=tab]')].find((e) => e.innerText.trim() === 'Parallel Coordinates Plot');
  if (tab?.getAttribute('aria-selected') !== 'true') problems.push('the Parallel Coordinates Plot tab is not selected');
  const names = document.body.innerText;
  const missing = trials.filter((t) => !names.includes(t.name));
  if (missing.length > 0) problems.push(`the page lacks runs ${missing.map((t) => t.name).join(', ')}`);
  const chosen = (label) => {
    const select = [...document.querySelectorAll('div')].find((e) => e.innerText === label)?.nextElementSibling;
    return select ? [...select.querySelectorAll('[class*="-select-selection-item-content"]')].map((e) => e.innerText.trim()) : undefined;
  };
  const same = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
  const p = chosen('Parameters:'), m = chosen('Metrics:');
  if (!p || !m) return [...problems, 'no Parameters/Metrics selection'];
  if (!same(p, params)) problems.push(`Parameters: ${p.join(', ')}; expected ${params.join(', ')}`);
  if (!same(m, metrics)) problems.push(`Metrics: ${m.join(', ')}; expected ${metrics.join(', ')}`);
  const plot = document.querySelector('.js-plotly-plot');
  const axes = plot ? [...plot.querySelectorAll('text.axis-title')].map((e) => e.textContent) : [];
  if (!plot) problems.push('no parallel coordinates plot');
  else if (!same(axes, [...params, ...metrics]) || !metrics.includes(axes.at(-1))) {
    problems.push(`the plot's axes are ${axes.join(', ') || 'none'}; expected ${[...params, ...metrics].join(', ')}`);
  }
  return problems;
}

const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

// Makes a multiple-choice select (located by its label) hold exactly the wanted values.
async function choose(page, label, wanted) {
  const select = page.locator('div', { hasText: exactly(label) }).locator('xpath=following-sibling::div[1]');
  const chosen = async () => (await select.locator('[class*="-select-selection-item-content"]').allInnerTexts()).map((s) => s.trim());
  for (const value of await chosen()) {
    if (!wanted.includes(value)) {
      await select.locator('[class*="-select-selection-item"]', { hasText: exactly(value) })
        .locator('[class*="-select-selection-item-remove"]').click();
    }
  }
  for (const value of wanted) {
    if ((await chosen()).includes(value)) continue;
    await select.locator('[class*="-select-selector"]').click();
    await select.locator('input').fill(value);
    const option = page.locator('[class*="-select-dropdown"]:not([class*="-select-dropdown-hidden"]) [class*="-select-item-option"]')
      .filter({ hasText: exactly(value) });
    try {
      await option.first().click({ timeout: 10_000 });
    } catch {
      fail(`compare: ${label} offers no ${value}`);
    }
    await page.keyboard.press('Escape');
  }
}

// The functions above that run in the page, defined there before any page script (with the assistant's settings).
const PAGE_FUNCTIONS = [pageProblems, coverProblems, runsPageProblems, chartProblems, compareProblems];
const PAGE_SCRIPT = PAGE_FUNCTIONS.map((f) => `globalThis.${f.name} = ${f};\n`).join('')
  + `for (const [k, v] of Object.entries(${JSON.stringify(ASSISTANT_STORAGE)})) localStorage.setItem(k, v);`;

// ---------------------------------------------------------------------------------------------- layout
// Hides the "You're viewing a shared view" banner: it says nothing a README reader needs.
async function hideSharedViewBanner(page) {
  const hide = page.locator('[data-component-id="mlflow.experiment_page.shared_view.banner"] [aria-label="Hide banner"]');
  if (await hide.isVisible()) {
    await hide.click();
    await hide.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
  }
}

// Widens the table's columns whose header is cut off (a double click on the column's resize handle fits it).
async function fitTruncatedHeaders(page, columns) {
  for (const column of columns) {
    const cell = page.locator('.ag-header-cell').filter({ has: page.getByText(column, { exact: true }) }).first();
    if (await cell.count() === 0) continue;
    const cut = await cell.evaluate((c, name) => {
      const label = [...c.querySelectorAll('span')].find((e) => e.textContent.trim() === name);
      return label ? label.offsetWidth + 28 > c.getBoundingClientRect().width : false;
    }, column);
    if (cut) await cell.locator('.ag-header-cell-resize').dblclick();
  }
}

// Gives the chart cards half of the charts area each (drags their resize handles): the default ones are small.
async function widenCharts(page, metrics) {
  const area = await page.locator('[data-testid=draggable-chart-cards-grid]').first().boundingBox();
  if (!area) return;
  for (const metric of metrics) {
    const wrapper = page.locator('.react-resizable').filter({
      has: page.locator('[data-testid=experiment-view-compare-runs-card]').filter({ has: page.getByText(metric, { exact: true }) }),
    }).first();
    const card = await wrapper.boundingBox();
    const handle = await wrapper.locator('[data-testid=draggable-card-resize-handle]').boundingBox();
    if (!card || !handle || card.width >= area.width / 2 - 30) continue;
    const x = handle.x + handle.width / 2, y = handle.y + handle.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + (area.width / 2 - card.width), y + 140, { steps: 10 });
    await page.mouse.up();
    await page.waitForTimeout(300);
  }
}

// Makes the viewport as tall as the content needs (every trial's row, the chart cards) plus the footer, in 600..2400.
async function fitHeight(page) {
  const needed = await page.evaluate(() => {
    const bottoms = [];
    const body = document.querySelector('.ag-root-wrapper .ag-body-viewport');
    const rows = document.querySelector('.ag-root-wrapper .ag-center-cols-container');
    if (body && rows) bottoms.push(body.getBoundingClientRect().top + rows.offsetHeight + 110);
    for (const c of document.querySelectorAll('[data-testid=draggable-chart-cards-grid]')) bottoms.push(c.getBoundingClientRect().bottom + 90);
    return Math.ceil(Math.max(0, ...bottoms));
  });
  const height = Math.min(2400, Math.max(600, needed));
  if (height !== page.viewportSize().height) {
    await page.setViewportSize({ width: VIEWPORT.width, height });
    await page.waitForTimeout(500);
  }
}

// ---------------------------------------------------------------------------------------------- capture
// Opens url in a new tab of the context, runs work(page) on it; on a failure, keeps a picture of the page in the temp dir.
async function onPage(context, name, url, work) {
  const page = await openPage(context, url);
  try {
    return await work(page);
  } catch (e) {
    const debug = join(tmpdir(), `mlflow-screenshot-failed-${name}.png`);
    await page.screenshot({ path: debug }).then(() => { e.message += `\n  (what the page showed: ${debug})`; }, () => {});
    throw e;
  } finally {
    await page.close();
  }
}

// Leaves the page as a reader sees it (no hover, no focus, no popup, nothing loading), checks it, and captures it.
async function capture(page, name, check, arg) {
  await page.mouse.move(2, Math.round(page.viewportSize().height / 2)); // the side bar's empty middle
  await page.keyboard.press('Escape');
  await page.evaluate(() => document.activeElement?.blur?.());
  await networkQuiet(page);
  await page.waitForTimeout(500);
  await until(page, `${name}: the page is not ready to capture`, check, arg, 10_000);
  return page.screenshot({ animations: 'disabled', caret: 'hide' });
}

// The runs page on the sweep's view: the table, or (charts) the chart view.
async function shootRuns(context, uri, sweep, charts) {
  const name = charts ? 'charts' : 'runs';
  const url = `${uri}/#/experiments/${sweep.experimentId}/runs?workflowType=machine_learning`
    + `&viewStateShareKey=${encodeURIComponent(sweep.sweepId)}${charts ? '&compareRunsMode=CHART' : ''}`;
  const arg = { trials: sweep.trials, parentId: sweep.parentId, sweepId: sweep.sweepId, best: sweep.best, charts,
    columns: [...sweep.swept, ...CHART_METRICS], metrics: CHART_METRICS };
  return onPage(context, name, url, async (page) => {
    const ready = (a) => [...pageProblems(true), ...runsPageProblems(a), ...(a.charts ? chartProblems(a.metrics) : [])];
    await until(page, `${name} page (${url})`, ready, arg);
    await hideSharedViewBanner(page);
    if (charts) await widenCharts(page, CHART_METRICS);
    else await fitTruncatedHeaders(page, sweep.swept);
    await fitHeight(page);
    return capture(page, name, (a) => {
      const targets = a.charts
        ? [...document.querySelectorAll('[data-testid=experiment-view-compare-runs-card]')]
          .map((c) => [`chart ${c.innerText.trim().split('\n')[0]}`, c.closest('.react-resizable') ?? c]) // with its resize handle
        : [...document.querySelectorAll('.ag-root-wrapper .ag-header, .ag-root-wrapper [role=row][row-index]')]
          .filter((r) => r.getBoundingClientRect().height > 0)
          .map((r) => [`table ${r.hasAttribute('row-index') ? `row ${r.getAttribute('row-index')}` : 'header'}`, r]);
      return [...pageProblems(true), ...runsPageProblems(a), ...(a.charts ? chartProblems(a.metrics) : []), ...coverProblems(targets)];
    }, arg);
  });
}

// The compare page of the sweep's trials, its parallel coordinates plot showing the swept params and eval_return.
async function shootCompare(context, uri, sweep) {
  const url = `${uri}/#/compare-runs?runs=${encodeURIComponent(JSON.stringify(sweep.trials.map((t) => t.id)))}`
    + `&experiments=${encodeURIComponent(JSON.stringify([sweep.experimentId]))}&workflowType=machine_learning`;
  const arg = { trials: sweep.trials, params: sweep.swept, metrics: [METRIC] };
  return onPage(context, 'compare', url, async (page) => {
    // loaded: the title, the tab, both selections and the plot are there (whatever they hold)
    await until(page, `compare page (${url})`, (a) => [...pageProblems(), ...compareProblems(a)]
      .filter((p) => !/^(Parameters|Metrics): |^the plot's axes|^the Parallel Coordinates Plot tab/.test(p)), arg);
    const tab = page.getByRole('tab', { name: 'Parallel Coordinates Plot', exact: true });
    if (await tab.getAttribute('aria-selected') !== 'true') await tab.click();
    await choose(page, 'Metrics:', arg.metrics);
    await choose(page, 'Parameters:', arg.params);
    const ready = (a) => [...pageProblems(), ...compareProblems(a)];
    await until(page, 'compare page: choosing the plot\'s axes', ready, arg);
    return capture(page, 'compare', (a) => [...pageProblems(), ...compareProblems(a), ...coverProblems([
      ['the plot', document.querySelector('.js-plotly-plot')],
      ['the plot\'s controls', [...document.querySelectorAll('div')].find((e) => e.innerText === 'Parameters:').parentElement],
    ])], arg);
  });
}

async function main() {
  const [uriArg, experimentName, outDir] = process.argv.slice(2);
  if (!uriArg || !experimentName || !outDir) fail('usage: node mlflow-screenshot.mjs TRACKING_URI EXPERIMENT OUT_DIR');
  if (!/^https?:\/\//.test(uriArg)) fail(`the tracking server must be an http(s) URL, not ${uriArg}`);
  const uri = uriArg.replace(/\/+$/, '');
  const started = Date.now();
  const sweep = await findSweep(uri, experimentName);
  console.error(`mlflow-screenshot: sweep ${sweep.sweepId} (run ${sweep.parentId}): ${sweep.trials.length} trials, `
    + `swept ${sweep.swept.join(', ')}`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const shots = {};
  try {
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, colorScheme: 'light',
      locale: 'en-US', timezoneId: 'UTC' });
    await context.addInitScript({ content: PAGE_SCRIPT });
    shots['mlflow-runs.png'] = await shootRuns(context, uri, sweep, false);
    shots['mlflow-charts.png'] = await shootRuns(context, uri, sweep, true);
    shots['mlflow-compare.png'] = await shootCompare(context, uri, sweep);
    await context.close();
  } finally {
    await browser.close();
  }
  // all three passed: only now is anything written
  await mkdir(outDir, { recursive: true });
  for (const [file, png] of Object.entries(shots)) {
    await writeFile(join(outDir, file), png);
    console.log(`wrote ${join(outDir, file)}`);
  }
  console.error(`mlflow-screenshot: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
  console.error(`mlflow-screenshot: ${e instanceof Failure ? e.message : e.stack}`);
  process.exit(1);
});
