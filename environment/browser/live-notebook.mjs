// Drives the classic Jupyter Notebook UI (notebook 6.x) in headless Chromium the way a reader does, on
// notebooks/08_collab.ipynb: runs the cells in order with Shift+Enter, watches the tables render and the
// training table redraw in place, interrupts a running cell, restarts the kernel, takes screenshots.
// It writes what it saw to a JSON report; environment/browser/live-check starts and stops the server
// around it, and the LiveNotebookIT asserts on the report.
//
// Env: LIVE_URL (http://127.0.0.1:PORT), LIVE_TOKEN (the server's token), LIVE_NOTEBOOK (path under the
//      notebook folder, default 08_collab.ipynb), LIVE_SCREENS (folder for live-*.png), LIVE_REPORT (the JSON
//      report), CHROMIUM (default /usr/bin/chromium), LIVE_CELL_TIMEOUT (seconds per cell, default 180).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined || v === '') throw new Error(`live-notebook: ${name} is not set (live-check sets it)`);
  return v;
};
const URL_BASE = env('LIVE_URL');
const TOKEN = env('LIVE_TOKEN');
const NOTEBOOK = env('LIVE_NOTEBOOK', '08_collab.ipynb');
const SCREENS = env('LIVE_SCREENS');
const REPORT = env('LIVE_REPORT');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const CELL_TIMEOUT = 1000 * Number(env('LIVE_CELL_TIMEOUT', '180'));
const KERNEL_TIMEOUT = 180_000; // a JVM kernel on a busy 2-core machine

const started = Date.now();
const report = { notebook: NOTEBOOK, steps: [], screenshots: [], reconnects: [] };
const seconds = () => Math.round((Date.now() - started) / 100) / 10;
const log = (msg) => console.log(`[live-notebook ${seconds().toFixed(1)}s] ${msg}`);
const step = (name, data = {}) => {
  report.steps.push({ name, at: seconds(), ...data });
  log(`${name}${Object.keys(data).length ? ' ' + JSON.stringify(data) : ''}`);
};
const writeReport = () => {
  report.seconds = seconds();
  fs.mkdirSync(path.dirname(REPORT), { recursive: true });
  fs.writeFileSync(REPORT + '.part', JSON.stringify(report, null, 2));
  fs.renameSync(REPORT + '.part', REPORT);
};

let browser;
let page;

async function screenshot(name) {
  const file = path.join(SCREENS, `live-${name}.png`);
  await page.screenshot({ path: file });
  report.screenshots.push(file);
  log(`screenshot ${file}`);
}

/** Waits for fn(arg) in the page to be truthy; says what it waited for when it times out. */
async function until(what, fn, arg, timeout) {
  try {
    return await (await page.waitForFunction(fn, arg, { timeout, polling: 100 })).jsonValue();
  } catch (e) {
    throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}`);
  }
}

/** What the page shows for one cell: its prompt, its outputs' types, errors, and the tables' text. */
function cellView(i) {
  return page.evaluate((i) => {
    const cell = Jupyter.notebook.get_cell(i);
    const el = cell.element[0];
    const outputs = cell.output_area ? cell.output_area.outputs : [];
    const tables = [...el.querySelectorAll('.output_area table')].map((t) => ({
      header: [...t.querySelectorAll('thead th')].map((c) => c.textContent.trim()),
      rows: [...t.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent.trim())),
    }));
    return {
      index: i,
      prompt: (el.querySelector('.input_prompt')?.textContent || '').replace(/\s+/g, ' ').trim(),
      executionCount: cell.input_prompt_number ?? null,
      outputTypes: outputs.map((o) => o.output_type),
      errors: outputs.filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`),
      text: (el.querySelector('.output')?.innerText || '').slice(0, 2000),
      outputAreas: el.querySelectorAll('.output > .output_area').length,
      tables,
    };
  }, i);
}

/** Code cells by position, with the first line of each (so the steps find cells by what they say). */
async function codeCells() {
  return page.evaluate(() => Jupyter.notebook.get_cells()
    .map((c, index) => ({ index, type: c.cell_type, source: c.get_text() }))
    .filter((c) => c.type === 'code'));
}

async function kernelIdle(what, timeout = KERNEL_TIMEOUT) {
  await until(what, () => {
    const k = Jupyter.notebook.kernel;
    const icon = document.querySelector('#kernel_indicator_icon');
    return k && k.is_connected() && icon && icon.classList.contains('kernel_idle_icon');
  }, null, timeout);
}

/**
 * Waits for the kernel to answer kernel_info (the page's "ready"): a kernel_ready event after event number
 * `mark`, or for the first start (mark null) the stored kernel_info reply. Notebook 6.4 sends kernel_info only
 * once per connection; rapaio-jupyter-kernel 3.0.1 dropped one that reached it before its handlers were
 * registered, and the page then stayed "not ready" for good until Kernel > Reconnect. environment/kernel-fix
 * registers them before the sockets bind (30 starts in 30 answered their one request), so this fallback,
 * a Reconnect after READY_WAIT, should never run: the report counts it, and LiveNotebookIT fails if it did.
 */
const READY_WAIT = 30_000;
async function kernelReady(what, mark) {
  for (let attempt = 1; ; attempt++) {
    try {
      await until(`${what} (kernel_info answered)`, (mark) => mark === null
        ? Boolean(Jupyter.notebook.kernel && Jupyter.notebook.kernel.info_reply && Jupyter.notebook.kernel.info_reply.implementation)
        : window.__liveEvents.slice(mark).some((e) => e.ev === 'kernel_ready.Kernel'), mark, READY_WAIT);
      return attempt - 1;
    } catch (e) {
      if (attempt === 3) throw e;
      report.reconnects.push({ what, at: seconds() });
      step('no kernel_info answer: Kernel > Reconnect', { what, attempt });
      mark = await page.evaluate(() => window.__liveEvents.length);
      await page.click('#kernellink');
      await page.click('#reconnect_kernel > a');
    }
  }
}

/** Runs cell i as a reader does: click its prompt (command mode), press Shift+Enter; waits for its reply. */
async function runCell(i, { expectError = false, wait = true, timeout = CELL_TIMEOUT } = {}) {
  const before = await page.evaluate((i) => Jupyter.notebook.get_cell(i).input_prompt_number ?? null, i);
  await page.locator('#notebook-container > .cell').nth(i).locator('.input_prompt').click();
  await page.keyboard.press('Shift+Enter');
  if (!wait) return null;
  await until(`cell ${i} to finish (its prompt to show a new number)`, ([i, before]) => {
    const n = Jupyter.notebook.get_cell(i).input_prompt_number;
    return typeof n === 'number' && n !== before;
  }, [i, before], timeout);
  const view = await cellView(i);
  if (!expectError && view.errors.length) {
    throw new Error(`cell ${i} raised an error: ${view.errors.join('; ')}\n${view.text}`);
  }
  return view;
}

/** Records every state of cell i's output area (a MutationObserver in the page) until stopWatching. */
async function watchOutput(i) {
  await page.evaluate((i) => {
    const el = Jupyter.notebook.get_cell(i).element[0].querySelector('.output');
    const states = (window.__liveStates = []);
    const record = () => {
      const areas = el.querySelectorAll(':scope > .output_area');
      const table = el.querySelector('.output_area table');
      const progress = el.querySelector('progress');
      const s = {
        t: Math.round(performance.now()),
        outputAreas: areas.length,
        tables: el.querySelectorAll('.output_area table').length,
        rows: table ? table.querySelectorAll('tbody tr').length : 0,
        progress: progress ? `${progress.value}/${progress.max}` : null,
        first: areas[0] || null,
      };
      const last = states[states.length - 1];
      if (!last || last.rows !== s.rows || last.progress !== s.progress || last.outputAreas !== s.outputAreas
          || last.tables !== s.tables) {
        states.push(s);
      }
    };
    window.__liveObserver = new MutationObserver(record);
    window.__liveObserver.observe(el, { childList: true, subtree: true, attributes: true });
  }, i);
}

async function stopWatching() {
  return page.evaluate(() => {
    window.__liveObserver.disconnect();
    // How many distinct .output_area elements showed up over time: an in-place update replaces the one
    // element (jQuery replaceWith), so there is one at any moment, never two tables side by side.
    return window.__liveStates.map(({ first, ...s }) => s);
  });
}

async function main() {
  fs.mkdirSync(SCREENS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Chromium as root needs --no-sandbox; the background services would try the (closed) network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    headless: true,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('dialog', (d) => d.dismiss()); // a stray "leave page?" must never block

  // ---- open the notebook and wait for the kernel
  await page.goto(`${URL_BASE}/notebooks/${encodeURI(NOTEBOOK)}?token=${encodeURIComponent(TOKEN)}`);
  await until('the notebook to load', () => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded,
    null, 60_000);
  // Never write the reader's notebook: no autosave, and the outputs of the committed file are cleared in
  // the page only, so every table checked below was drawn by this run.
  await page.evaluate(() => {
    Jupyter.notebook.set_autosave_interval(0);
    Jupyter.notebook.clear_all_output();
    window.__liveEvents = [];
    for (const ev of ['kernel_restarting.Kernel', 'kernel_ready.Kernel', 'kernel_interrupting.Kernel',
      'kernel_dead.Kernel', 'kernel_killed.Kernel']) {
      Jupyter.notebook.events.on(ev, () => window.__liveEvents.push({ ev, t: Math.round(performance.now()) }));
    }
  });
  await kernelReady('the kernel to start', null);
  await kernelIdle('the kernel to go idle');
  const kernel = await page.evaluate(() => ({
    id: Jupyter.notebook.kernel.id,
    name: Jupyter.notebook.kernel.name,
    indicator: document.querySelector('#kernel_indicator .kernel_indicator_name').textContent.trim(),
    implementation: Jupyter.notebook.kernel.info_reply?.implementation ?? null,
  }));
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

  // ---- the first section: imports, seed, data folder, ratings table, crosstab
  const ran = [];
  for (const c of cells.filter((c) => c.index <= crosstabCell)) {
    const view = await runCell(c.index);
    ran.push({ index: c.index, prompt: view.prompt, seconds: seconds() });
  }
  const ratings = await cellView(ratingsCell);
  const crosstab = await cellView(crosstabCell);
  report.ratings = ratings;
  report.crosstab = crosstab;
  step('first section ran', {
    cells: ran.length,
    ratingsHeader: ratings.tables[0]?.header,
    ratingsFirstRow: ratings.tables[0]?.rows[0],
    crosstabRows: crosstab.tables[0]?.rows.length,
  });
  await page.evaluate((i) => Jupyter.notebook.get_cell(i).element[0].scrollIntoView({ block: 'start' }), ratingsCell);
  await screenshot('1-ratings-and-crosstab');

  // ---- on to the first training cell, then watch its results table redraw in place
  for (const c of cells.filter((c) => c.index > crosstabCell && c.index < trainCell)) {
    const view = await runCell(c.index);
    ran.push({ index: c.index, prompt: view.prompt, seconds: seconds() });
  }
  step('cells up to the training cell ran', { cells: ran.length });
  await watchOutput(trainCell);
  await page.evaluate((i) => Jupyter.notebook.get_cell(i).element[0].scrollIntoView({ block: 'start' }), trainCell);
  await runCell(trainCell, { wait: false });
  // A picture while it trains: the progress bar with some epochs done.
  try {
    await until('the training table to show a first epoch', (i) => {
      const t = Jupyter.notebook.get_cell(i).element[0].querySelector('.output_area table');
      return t && t.querySelectorAll('tbody tr').length >= 1;
    }, trainCell, CELL_TIMEOUT);
    await screenshot('2-training');
  } catch (e) {
    step('no mid-training screenshot', { why: String(e.message) });
  }
  await until(`training cell ${trainCell} to finish`, (i) => typeof Jupyter.notebook.get_cell(i).input_prompt_number === 'number',
    trainCell, CELL_TIMEOUT);
  await until('the results table to reach 5 rows', (i) => {
    const t = Jupyter.notebook.get_cell(i).element[0].querySelector('.output_area table');
    return t && t.querySelectorAll('tbody tr').length === 5;
  }, trainCell, 30_000);
  const states = await stopWatching();
  const trained = await cellView(trainCell);
  report.training = { states, final: trained };
  step('training finished', {
    states: states.length,
    rowCounts: [...new Set(states.map((s) => s.rows))],
    maxOutputAreas: Math.max(...states.map((s) => s.outputAreas)),
    finalRows: trained.tables[0]?.rows.length,
  });
  await screenshot('3-trained');

  // ---- interrupt a running cell (Kernel > Interrupt), then see whether the kernel comes back
  const interruptPrev = cells.filter((c) => c.index > trainCell && c.index < interruptCell);
  for (const c of interruptPrev) await runCell(c.index);
  await page.evaluate((i) => Jupyter.notebook.get_cell(i).element[0].scrollIntoView({ block: 'start' }), interruptCell);
  await runCell(interruptCell, { wait: false });
  await until('the cell to be running (its progress bar drawn)', (i) =>
    Jupyter.notebook.get_cell(i).element[0].querySelector('.output_area progress') !== null, interruptCell, CELL_TIMEOUT);
  const busyBefore = await page.evaluate(() =>
    document.querySelector('#kernel_indicator_icon').classList.contains('kernel_busy_icon'));
  await page.click('#kernellink');
  await page.click('#int_kernel > a');
  const interruptedAt = seconds();
  step('interrupt sent (Kernel > Interrupt)', { busyBefore });
  await kernelIdle('the kernel to go idle after the interrupt', 60_000);
  // The interrupted cell gets its reply (a prompt number, and the error that says where it stopped).
  let answered = true;
  try {
    await until('the interrupted cell to get its reply (a prompt number)', (i) =>
      typeof Jupyter.notebook.get_cell(i).input_prompt_number === 'number', interruptCell, 30_000);
  } catch (e) {
    answered = false;
  }
  const interrupted = { answered, ...(await cellView(interruptCell)) };
  step('kernel idle after the interrupt', {
    after: Math.round((seconds() - interruptedAt) * 10) / 10,
    answered,
    prompt: interrupted.prompt,
    outputs: interrupted.outputTypes,
    errors: interrupted.errors,
    rows: interrupted.tables[0]?.rows.length ?? 0,
  });
  await screenshot('4-interrupted');
  // The next cells run and show their output. What happens is recorded rather than thrown, so a kernel that
  // does not come back (rapaio-jupyter-kernel 3.0.1 without environment/kernel-fix: later cells answer with
  // no output or never) still gets its restart checked below; one that does not answer ends the tries.
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
  step('cells after the interrupt', following.map((v) => ({ index: v.index, answered: v.answered, prompt: v.prompt, outputs: v.outputTypes,
    rows: v.tables[0]?.rows.length ?? 0 })));
  await screenshot('5-after-interrupt');

  // ---- restart the kernel (Kernel > Restart, confirm), then run the first section's cells again
  const eventsBefore = await page.evaluate(() => window.__liveEvents.length);
  await page.click('#kernellink');
  await page.click('#restart_kernel > a');
  await page.locator('.modal-dialog button', { hasText: 'Restart' }).click();
  await until('the kernel to restart', (n) => window.__liveEvents.slice(n).some((e) => e.ev === 'kernel_restarting.Kernel'),
    eventsBefore, 60_000);
  const restartMark = await page.evaluate((n) => {
    const evs = window.__liveEvents;
    for (let i = n; i < evs.length; i++) if (evs[i].ev === 'kernel_restarting.Kernel') return i;
    return n;
  }, eventsBefore);
  await kernelReady('the restarted kernel', restartMark);
  await kernelIdle('the restarted kernel to go idle');
  const events = await page.evaluate((n) => window.__liveEvents.slice(n).map((e) => e.ev), eventsBefore);
  const restartedKernelId = await page.evaluate(() => Jupyter.notebook.kernel.id);
  step('kernel restarted', { events, kernelId: restartedKernelId });
  await page.evaluate(() => Jupyter.notebook.clear_all_output());
  const rerun = [];
  for (const c of cells.filter((c) => c.index <= ratingsCell)) rerun.push((await runCell(c.index)).prompt);
  const ratingsAgain = await cellView(ratingsCell);
  report.restart = { events, kernelId: restartedKernelId, rerunPrompts: rerun, ratings: ratingsAgain };
  step('first cells ran after the restart', { prompts: rerun, ratingsFirstRow: ratingsAgain.tables[0]?.rows[0] });
  await page.evaluate((i) => Jupyter.notebook.get_cell(i).element[0].scrollIntoView({ block: 'start' }), ratingsCell);
  await screenshot('6-restarted');

  report.kernels = await (await fetch(`${URL_BASE}/api/kernels`, { headers: { Authorization: `token ${TOKEN}` } })).json();
  report.pageErrors = consoleErrors;
  report.dirty = await page.evaluate(() => Jupyter.notebook.dirty);
  report.ok = true;
}

try {
  await main();
} catch (e) {
  report.ok = false;
  report.error = String(e && e.stack || e);
  console.error(`[live-notebook] FAILED: ${e && e.message || e}`);
  if (page) {
    try { await screenshot('failed'); } catch (_) { /* the page is gone */ }
  }
} finally {
  writeReport();
  if (browser) await browser.close();
}
process.exit(report.ok ? 0 : 1);
