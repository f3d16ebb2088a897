// Drives JupyterLab 4 or Notebook 7 in headless Chromium the way a reader does, on notebooks/08_collab.ipynb:
// the same checks as live-notebook.mjs (the classic UI): the kernel status once the notebook has opened (never
// "Unknown"), the first section's tables, the training table redrawn in place, Kernel > Interrupt, Kernel >
// Restart, screenshots. Both front ends are built from JupyterLab's parts: the page is driven through the
// application object the server exposes (LabApp/JupyterNotebookApp.expose_app_in_browser, set by live-check)
// with the commands of the Run and Kernel menus, and read from the cells' models and their rendered outputs.
//
// Env: as live-notebook.mjs, plus LIVE_FRONT_END (lab or notebook7).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined || v === '') throw new Error(`live-lab: ${name} is not set (live-check sets it)`);
  return v;
};
const URL_BASE = env('LIVE_URL');
const TOKEN = env('LIVE_TOKEN');
const FRONT = env('LIVE_FRONT_END');
const NOTEBOOK = env('LIVE_NOTEBOOK', '08_collab.ipynb');
const SCREENS = env('LIVE_SCREENS');
const REPORT = env('LIVE_REPORT');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const CELL_TIMEOUT = 1000 * Number(env('LIVE_CELL_TIMEOUT', '180'));
const KERNEL_TIMEOUT = 180_000;
if (!['lab', 'notebook7'].includes(FRONT)) throw new Error(`live-lab: LIVE_FRONT_END must be lab or notebook7, not ${FRONT}`);

const started = Date.now();
const report = { frontEnd: FRONT, notebook: NOTEBOOK, steps: [], screenshots: [], reconnects: [] };
const seconds = () => Math.round((Date.now() - started) / 100) / 10;
const log = (msg) => console.log(`[live-lab ${FRONT} ${seconds().toFixed(1)}s] ${msg}`);
const step = (name, data = {}) => {
  report.steps.push({ name, at: seconds(), ...data });
  log(`${name}${Object.keys(data).length ? ' ' + JSON.stringify(data) : ''}`);
};

let browser;
let page;

async function screenshot(name) {
  const file = path.join(SCREENS, `live-${FRONT}-${name}.png`);
  await page.screenshot({ path: file });
  report.screenshots.push(file);
  log(`screenshot ${file}`);
}

async function until(what, fn, arg, timeout) {
  try {
    return await (await page.waitForFunction(fn, arg, { timeout, polling: 100 })).jsonValue();
  } catch (e) {
    throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}`);
  }
}

// In the page: window.__panel() is the notebook's panel, __cell(i) its i-th cell widget.
const PAGE_HELPERS = () => {
  window.__panel = () => {
    const w = window.jupyterapp.shell.currentWidget;
    return w && w.content && w.sessionContext ? w : [...window.jupyterapp.shell.widgets('main')].find((x) => x.sessionContext);
  };
  window.__cell = (i) => window.__panel().content.widgets[i];
  window.__status = () => window.__panel()?.sessionContext?.kernelDisplayStatus ?? 'no panel';
};

function cellView(i) {
  return page.evaluate((i) => {
    const cell = window.__cell(i);
    const outputs = cell.model.outputs ? cell.model.outputs.toJSON() : [];
    const area = cell.outputArea ? cell.outputArea.node : null;
    const tables = area ? [...area.querySelectorAll('table')].map((t) => ({
      header: [...t.querySelectorAll('thead th')].map((c) => c.textContent.trim()),
      rows: [...t.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent.trim())),
    })) : [];
    const n = cell.model.executionCount;
    return {
      index: i,
      prompt: `In [${n ?? ' '}]:`,
      executionCount: n ?? null,
      outputTypes: outputs.map((o) => o.output_type),
      errors: outputs.filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`),
      text: (area?.innerText || '').slice(0, 2000),
      outputAreas: area ? area.querySelectorAll(':scope > .jp-OutputArea-child').length : 0,
      tables,
    };
  }, i);
}

async function codeCells() {
  return page.evaluate(() => window.__panel().content.widgets
    .map((c, index) => ({ index, type: c.model.type, source: c.model.sharedModel.getSource() }))
    .filter((c) => c.type === 'code'));
}

async function kernelIdle(what, timeout = KERNEL_TIMEOUT) {
  await until(what, () => window.__status() === 'idle', null, timeout);
}

/** Runs cell i with the Run menu's command (the cell selected first, as a click does); waits for its reply. */
async function runCell(i, { expectError = false, wait = true, timeout = CELL_TIMEOUT } = {}) {
  const before = await page.evaluate(async (i) => {
    const panel = window.__panel();
    const before = window.__cell(i).model.executionCount ?? null;
    panel.content.activeCellIndex = i;
    panel.content.deselectAll();
    window.jupyterapp.commands.execute('notebook:run-cell');
    return before;
  }, i);
  if (!wait) return null;
  await until(`cell ${i} to finish (a new execution count)`, ([i, before]) => {
    const n = window.__cell(i).model.executionCount;
    return typeof n === 'number' && n !== before;
  }, [i, before], timeout);
  const view = await cellView(i);
  if (!expectError && view.errors.length) throw new Error(`cell ${i} raised an error: ${view.errors.join('; ')}\n${view.text}`);
  return view;
}

async function watchOutput(i) {
  await page.evaluate((i) => {
    const el = window.__cell(i).outputArea.node;
    const states = (window.__liveStates = []);
    const record = () => {
      const table = el.querySelector('table');
      const progress = el.querySelector('progress');
      const s = {
        t: Math.round(performance.now()),
        outputAreas: el.querySelectorAll(':scope > .jp-OutputArea-child').length,
        tables: el.querySelectorAll('table').length,
        rows: table ? table.querySelectorAll('tbody tr').length : 0,
        progress: progress ? `${progress.value}/${progress.max}` : null,
      };
      const last = states[states.length - 1];
      if (!last || last.rows !== s.rows || last.progress !== s.progress || last.outputAreas !== s.outputAreas || last.tables !== s.tables) {
        states.push(s);
      }
    };
    window.__liveObserver = new MutationObserver(record);
    window.__liveObserver.observe(el, { childList: true, subtree: true, attributes: true });
  }, i);
}

const stopWatching = () => page.evaluate(() => { window.__liveObserver.disconnect(); return window.__liveStates; });
const scrollTo = (i) => page.evaluate((i) => window.__cell(i).node.scrollIntoView({ block: 'start' }), i);

async function main() {
  fs.mkdirSync(SCREENS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    headless: true,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  page = await context.newPage();
  const pageErrors = [];
  const consoleErrors = [];
  page.on('pageerror', (e) => {
    pageErrors.push(String(e));
    if (pageErrors.length <= 3) report.pageErrorStacks = [...(report.pageErrorStacks || []), { at: seconds(), stack: String(e.stack).slice(0, 1500) }];
  });
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 300)); });
  page.on('dialog', (d) => d.dismiss());

  // ---- open the notebook; from the first moment the panel exists, record every kernel status it shows
  const url = FRONT === 'lab' ? `${URL_BASE}/lab/tree/${encodeURI(NOTEBOOK)}` : `${URL_BASE}/notebooks/${encodeURI(NOTEBOOK)}`;
  await page.goto(`${url}?token=${encodeURIComponent(TOKEN)}`);
  await until('the application', () => Boolean(window.jupyterapp), null, 120_000);
  await page.evaluate(PAGE_HELPERS);
  await until('the notebook panel', () => Boolean(window.__panel()), null, 120_000);
  const openedAt = seconds();
  await page.evaluate(() => {
    const seen = (window.__statuses = []);
    const t0 = performance.now();
    const poll = () => {
      const s = window.__status();
      if (!seen.length || seen[seen.length - 1].status !== s) seen.push({ status: s, ms: Math.round(performance.now() - t0) });
    };
    poll();
    window.__statusPollOnce = poll;
    window.__statusPoll = setInterval(poll, 50);
  });
  await until('the notebook to load', () => window.__panel().context.isReady && window.__panel().sessionContext.isReady, null, KERNEL_TIMEOUT);
  // The kernel's status, as the toolbar and status bar show it, before any cell runs.
  let idleAtOpen = true;
  try {
    await kernelIdle('the kernel status "Idle" without running a cell', 120_000);
  } catch (e) {
    idleAtOpen = false;
  }
  const atOpen = await page.evaluate(() => {
    // One last look: kernelIdle may have seen "idle" between two of the poll's 50 ms ticks.
    window.__statusPollOnce();
    clearInterval(window.__statusPoll);
    return window.__statuses;
  });
  report.statusAtOpen = { idle: idleAtOpen, seen: atOpen, openedAt };
  step('kernel status after opening, no cell run', { idle: idleAtOpen, seen: atOpen.map((s) => `${s.status}@${s.ms}ms`) });
  await screenshot('0-opened');
  if (!idleAtOpen) throw new Error(`the kernel status stayed "${atOpen[atOpen.length - 1]?.status}" after opening: a reader sees an unknown kernel`);

  // Never write the reader's notebook: outputs cleared in the page only (autosave is off in the settings
  // live-check gives this server), so every table checked below was drawn by this run.
  await page.evaluate(() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs'));
  const kernel = await page.evaluate(async () => {
    const sc = window.__panel().sessionContext;
    const info = await sc.session.kernel.info;
    return { id: sc.session.kernel.id, name: sc.session.kernel.name, indicator: sc.kernelDisplayName,
      implementation: info.implementation, debugger: info.debugger ?? null };
  });
  report.kernel = kernel;
  step('kernel ready', { kernel });

  const cells = await codeCells();
  const find = (what, pred, from = -1) => {
    const c = cells.find((c) => c.index > from && pred(c.source.trim()));
    if (!c) throw new Error(`${NOTEBOOK} has no code cell ${what} (after cell ${from}): has the notebook changed?`);
    return c.index;
  };
  const ratingsCell = find('that shows ratings.first(5)', (s) => s.includes('ratings.first(5)'));
  const crosstabCell = find('with Crosstab.mostActive(', (s) => s.startsWith('Crosstab.mostActive('));
  const trainCell = find('that is only learn.fitOneCycle(5, 5e-3);', (s) => s === 'learn.fitOneCycle(5, 5e-3);');
  const interruptCell = find('that trains again', (s) => s.includes('fitOneCycle('), trainCell);
  const afterInterrupt = cells.filter((c) => c.index > interruptCell).slice(0, 2).map((c) => c.index);
  report.cells = { ratingsCell, crosstabCell, trainCell, interruptCell, afterInterrupt };

  // ---- the first section
  for (const c of cells.filter((c) => c.index <= crosstabCell)) await runCell(c.index);
  report.ratings = await cellView(ratingsCell);
  report.crosstab = await cellView(crosstabCell);
  step('first section ran', { ratingsFirstRow: report.ratings.tables[0]?.rows[0], crosstabRows: report.crosstab.tables[0]?.rows.length });
  await scrollTo(ratingsCell);
  await screenshot('1-ratings-and-crosstab');

  // ---- training, its table redrawn in place
  for (const c of cells.filter((c) => c.index > crosstabCell && c.index < trainCell)) await runCell(c.index);
  await watchOutput(trainCell);
  await scrollTo(trainCell);
  await runCell(trainCell, { wait: false });
  try {
    await until('the training table to show a first epoch', (i) => {
      const t = window.__cell(i).outputArea.node.querySelector('table');
      return t && t.querySelectorAll('tbody tr').length >= 1;
    }, trainCell, CELL_TIMEOUT);
    await screenshot('2-training');
  } catch (e) {
    step('no mid-training screenshot', { why: String(e.message) });
  }
  await until(`training cell ${trainCell} to finish`, (i) => typeof window.__cell(i).model.executionCount === 'number', trainCell, CELL_TIMEOUT);
  await until('the results table to reach 5 rows', (i) => {
    const t = window.__cell(i).outputArea.node.querySelector('table');
    return t && t.querySelectorAll('tbody tr').length === 5;
  }, trainCell, 30_000);
  const states = await stopWatching();
  report.training = { states, final: await cellView(trainCell) };
  step('training finished', { states: states.length, rowCounts: [...new Set(states.map((s) => s.rows))] });
  await screenshot('3-trained');

  // ---- Kernel > Interrupt while a cell trains
  for (const c of cells.filter((c) => c.index > trainCell && c.index < interruptCell)) await runCell(c.index);
  await scrollTo(interruptCell);
  await runCell(interruptCell, { wait: false });
  await until('the cell to be running (its progress bar drawn)', (i) =>
    window.__cell(i).outputArea.node.querySelector('progress') !== null, interruptCell, CELL_TIMEOUT);
  const busyBefore = await page.evaluate(() => window.__status() === 'busy');
  await page.evaluate(() => window.jupyterapp.commands.execute('kernelmenu:interrupt'));
  const interruptedAt = seconds();
  step('interrupt sent (Kernel > Interrupt)', { busyBefore });
  await kernelIdle('the kernel to go idle after the interrupt', 60_000);
  let answered = true;
  try {
    await until('the interrupted cell to get its reply', (i) => typeof window.__cell(i).model.executionCount === 'number', interruptCell, 30_000);
  } catch (e) {
    answered = false;
  }
  const interrupted = { answered, ...(await cellView(interruptCell)) };
  step('kernel idle after the interrupt', { after: Math.round((seconds() - interruptedAt) * 10) / 10, answered, errors: interrupted.errors });
  await screenshot('4-interrupted');
  const following = [];
  for (const i of afterInterrupt) {
    let view;
    try {
      view = { answered: true, ...(await runCell(i, { expectError: true })) };
    } catch (e) {
      view = { answered: false, ...(await cellView(i)), why: String(e.message) };
    }
    following.push(view);
    if (!view.answered) break;
  }
  report.interrupt = { busyBefore, interrupted, following };
  step('cells after the interrupt', following.map((v) => ({ index: v.index, answered: v.answered, rows: v.tables[0]?.rows.length ?? 0 })));
  await screenshot('5-after-interrupt');

  // ---- Kernel > Restart (the menu's command asks first; the session context restarts without asking)
  const restart = await page.evaluate(async () => {
    const sc = window.__panel().sessionContext;
    const seen = [];
    const onStatus = (_, s) => seen.push(s);
    sc.statusChanged.connect(onStatus);
    const id = sc.session.kernel.id;
    await sc.restartKernel();
    return { id, seen };
  });
  await kernelIdle('the restarted kernel to go idle');
  const restarted = await page.evaluate(() => window.__panel().sessionContext.session.kernel.id);
  await page.evaluate(() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs'));
  const rerun = [];
  for (const c of cells.filter((c) => c.index <= ratingsCell)) rerun.push((await runCell(c.index)).prompt);
  report.restart = { events: restart.seen, kernelIdBefore: restart.id, kernelId: restarted, rerunPrompts: rerun, ratings: await cellView(ratingsCell) };
  step('first cells ran after the restart', { statuses: restart.seen, prompts: rerun });
  await scrollTo(ratingsCell);
  await screenshot('6-restarted');

  report.kernels = await (await fetch(`${URL_BASE}/api/kernels`, { headers: { Authorization: `token ${TOKEN}` } })).json();
  report.pageErrors = pageErrors;
  report.consoleErrors = consoleErrors;
  report.dirty = await page.evaluate(() => window.__panel().context.model.dirty);
  report.ok = true;
}

try {
  await main();
} catch (e) {
  report.ok = false;
  report.error = String(e && e.stack || e);
  console.error(`[live-lab ${FRONT}] FAILED: ${e && e.message || e}`);
  if (page) {
    try { await screenshot('failed'); } catch (_) { /* the page is gone */ }
  }
} finally {
  report.seconds = seconds();
  fs.mkdirSync(path.dirname(REPORT), { recursive: true });
  fs.writeFileSync(REPORT + '.part', JSON.stringify(report, null, 2));
  fs.renameSync(REPORT + '.part', REPORT);
  if (browser) await browser.close();
}
process.exit(report.ok ? 0 : 1);
