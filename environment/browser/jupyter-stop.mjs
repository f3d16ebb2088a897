// Stops what live-check started, by id: every kernel of the Jupyter server through its REST API
// (DELETE /api/kernels/<id>, with the token), then the server process by its pid (SIGTERM, SIGKILL after
// 20 s). Then looks through /proc for anything left: a process whose command line names one of those
// kernels (their connection file is kernel-<id>.json) or the server's port. Writes a JSON summary.
//
// Usage: node jupyter-stop.mjs SERVER_PID PORT SUMMARY.json [REPORT.json]   (env LIVE_TOKEN)
// Exit status: 1 when a kernel could not be deleted or a process was left (it is then killed by its pid).
import fs from 'node:fs';

const [pidArg, port, summaryFile, reportFile] = process.argv.slice(2);
const serverPid = Number(pidArg);
const token = process.env.LIVE_TOKEN;
if (!serverPid || !port || !summaryFile || !token) {
  console.error('usage: LIVE_TOKEN=... node jupyter-stop.mjs SERVER_PID PORT SUMMARY.json [REPORT.json]');
  process.exit(2);
}
const base = `http://127.0.0.1:${port}`;
const headers = { Authorization: `token ${token}` };
const say = (m) => console.log(`[live-check] ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };

/** Processes whose command line contains any of the needles, as {pid, cmd}. */
function processesNaming(needles) {
  const found = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmd;
    try { cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim(); } catch { continue; }
    if (cmd && needles.some((n) => cmd.includes(n))) found.push({ pid: Number(entry), cmd: cmd.slice(0, 300) });
  }
  return found;
}

async function waitGone(what, test, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!test()) return true;
    await sleep(200);
  }
  return !test();
}

const summary = { serverPid, port: Number(port), kernels: [], server: null, leftovers: [] };
let failed = false;

// ---- the kernels, by id
const ids = new Set();
try {
  const res = await fetch(`${base}/api/kernels`, { headers });
  if (!res.ok) throw new Error(`GET /api/kernels: HTTP ${res.status}`);
  for (const k of await res.json()) ids.add(k.id);
} catch (e) {
  summary.listError = String(e.message || e);
  say(`could not list the kernels: ${summary.listError}`);
}
// The kernels the page saw, in case the server is already gone and cannot list them.
if (reportFile && fs.existsSync(reportFile)) {
  try {
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
    for (const k of report.kernels || []) ids.add(k.id);
    if (report.kernel?.id) ids.add(report.kernel.id);
  } catch { /* a half-written report: the listing above is what we have */ }
}
for (const id of ids) {
  const entry = { id, processes: processesNaming([`kernel-${id}.json`]).map((p) => p.pid) };
  try {
    const res = await fetch(`${base}/api/kernels/${id}`, { method: 'DELETE', headers });
    entry.deleteStatus = res.status;
    if (res.status !== 204) { failed = true; say(`DELETE /api/kernels/${id}: HTTP ${res.status}`); }
  } catch (e) {
    entry.deleteStatus = String(e.message || e);
    failed = true;
  }
  entry.exited = await waitGone(`kernel ${id}`, () => processesNaming([`kernel-${id}.json`]).length > 0, 20_000);
  say(`kernel ${id}: DELETE ${entry.deleteStatus}, its process${entry.processes.length === 1 ? '' : 'es'} `
    + `${entry.processes.join(', ') || '(none found)'} ${entry.exited ? 'exited' : 'still running'}`);
  summary.kernels.push(entry);
}

// ---- the server, by pid
if (alive(serverPid)) {
  process.kill(serverPid, 'SIGTERM');
  summary.server = 'SIGTERM';
  if (!(await waitGone('server', () => alive(serverPid), 20_000))) {
    process.kill(serverPid, 'SIGKILL');
    summary.server = 'SIGKILL after 20 s';
    await waitGone('server', () => alive(serverPid), 5_000);
  }
  say(`server pid ${serverPid}: stopped (${summary.server})`);
} else {
  summary.server = 'already gone';
  say(`server pid ${serverPid}: already gone`);
}

// ---- nothing left: no java or jupyter process naming these kernels or this port
const needles = [...[...ids].map((id) => `kernel-${id}.json`), `--port=${port}`];
summary.leftovers = processesNaming(needles);
if (alive(serverPid) && !summary.leftovers.some((p) => p.pid === serverPid)) {
  summary.leftovers.push({ pid: serverPid, cmd: '(the server)' });
}
for (const p of summary.leftovers) {
  failed = true;
  say(`LEFT OVER: pid ${p.pid}: ${p.cmd}: killing it`);
  try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone meanwhile */ }
}
if (!summary.leftovers.length) say('no kernel or server process is left');
summary.ok = !failed;
fs.writeFileSync(summaryFile, JSON.stringify(summary, null, 2));
process.exit(failed ? 1 : 0);
