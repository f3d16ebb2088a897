// JupyterLab 4's own kernel-status logic against a running Jupyter server, without a browser: opens a
// notebook session the way JupyterLab 4 and Notebook 7 do (@jupyterlab/services 7, their kernel client),
// then, running no cell, waits for the kernel's status to become "idle". It records every message the client
// received (channel, type, execution state, the header's session) and every status change, and deletes the
// session (and so its kernel) by id at the end.
//
// The page config is set as jupyter_server 2 sets JupyterLab's (UNTRACKED below), the stricter case: statuses
// that answer kernel_info_request do not count, so only a kernel that says it is idle otherwise passes.
//
// Usage: node kernel-status.mjs KERNEL_NAME REPORT.json   (env LIVE_URL, LIVE_TOKEN; KERNEL_STATUS_WAIT
//        seconds to wait for idle, default 120)
// Exit status: 0 when the status became idle before any cell ran, 1 otherwise.
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { ServerConnection, SessionManager, KernelManager } from '@jupyterlab/services';
import { PageConfig } from '@jupyterlab/coreutils';

const [kernelName, reportFile] = process.argv.slice(2);
const base = process.env.LIVE_URL;
const token = process.env.LIVE_TOKEN;
if (!kernelName || !reportFile || !base || !token) {
  console.error('usage: LIVE_URL=... LIVE_TOKEN=... node kernel-status.mjs KERNEL_NAME REPORT.json');
  process.exit(2);
}
// What JupyterLab 4 gets in its page config from jupyter_server 2 (MappingKernelManager.untracked_message_types,
// its default): status messages whose parent is one of these types do not change the kernel's status.
const UNTRACKED = ['comm_info_request', 'comm_info_reply', 'kernel_info_request', 'kernel_info_reply', 'shutdown_request',
  'shutdown_reply', 'interrupt_request', 'interrupt_reply', 'debug_request', 'debug_reply', 'stream', 'display_data',
  'update_display_data', 'execute_input', 'execute_result', 'error', 'status', 'clear_output', 'debug_event',
  'input_request', 'input_reply'];
PageConfig.setOption('untracked_message_types', JSON.stringify(UNTRACKED));
console.debug = () => {}; // the client's "Starting WebSocket: ..." lines
const wait = 1000 * Number(process.env.KERNEL_STATUS_WAIT || 120);
const started = Date.now();
const seconds = () => Math.round((Date.now() - started) / 10) / 100;
const say = (m) => console.log(`[kernel-status ${kernelName} ${seconds().toFixed(1)}s] ${m}`);

const report = { kernel: kernelName, client: '@jupyterlab/services ' + servicesVersion(), statuses: [], connection: [], messages: [], errors: [] };
// The client throws from its WebSocket handler when a message fails its validation: record, do not die.
process.on('uncaughtException', (e) => report.errors.push(String(e?.message || e)));

function servicesVersion() {
  const here = path.dirname(new URL(import.meta.url).pathname);
  return JSON.parse(fs.readFileSync(path.join(here, 'node_modules/@jupyterlab/services/package.json'), 'utf8')).version;
}

const serverSettings = ServerConnection.makeSettings({
  baseUrl: base + '/',
  wsUrl: base.replace(/^http/, 'ws') + '/',
  token,
  appendToken: true,
  WebSocket,
});
const kernelManager = new KernelManager({ serverSettings });
const sessions = new SessionManager({ serverSettings, kernelManager });

let session;
let exit = 1;
try {
  session = await sessions.startNew({ path: `kernel-status-${process.pid}.ipynb`, type: 'notebook', name: 'kernel-status', kernel: { name: kernelName } });
  const kernel = session.kernel;
  report.kernelId = kernel.id;
  say(`session ${session.id}, kernel ${kernel.id}, client session ${kernel.clientId}`);
  const idle = new Promise((resolve) => {
    const seen = (_, status) => {
      report.statuses.push({ at: seconds(), status });
      say(`status ${status}`);
      if (status === 'idle') resolve(true);
    };
    kernel.statusChanged.connect(seen);
    if (kernel.status === 'idle') resolve(true);
  });
  kernel.connectionStatusChanged.connect((_, s) => report.connection.push({ at: seconds(), status: s }));
  kernel.anyMessage.connect((_, { msg, direction }) => report.messages.push({
    at: seconds(), direction, channel: msg.channel, type: msg.header.msg_type,
    state: msg.content?.execution_state, session: msg.header.session,
    parent: msg.parent_header?.msg_type ?? null,
  }));
  const timedOut = new Promise((resolve) => setTimeout(() => resolve(false), wait));
  report.idle = await Promise.race([idle, timedOut]);
  report.idleAfter = report.idle ? report.statuses.find((s) => s.status === 'idle').at : null;
  report.finalStatus = kernel.status;
  report.kernelSessions = [...new Set(report.messages.filter((m) => m.direction === 'recv').map((m) => m.session))];
  const info = await kernel.info.catch(() => null);
  report.implementation = info?.implementation ?? null;
  report.debugger = info ? info.debugger ?? null : null;
  exit = report.idle ? 0 : 1;
  say(report.idle ? `idle after ${report.idleAfter} s without running a cell`
    : `still "${kernel.status}" after ${wait / 1000} s: the front end would show an unknown kernel status`);
} catch (e) {
  report.errors.push(String(e?.stack || e));
  say(`failed: ${e?.message || e}`);
} finally {
  if (session) {
    // Deleting the session stops its kernel (DELETE /api/sessions/<id>).
    await session.shutdown().then(() => { report.shutdown = true; }, (e) => { report.shutdown = false; report.errors.push(String(e)); });
  }
  fs.mkdirSync(path.dirname(reportFile), { recursive: true });
  fs.writeFileSync(reportFile, JSON.stringify(report, null, 2));
  kernelManager.dispose();
  sessions.dispose();
}
process.exit(exit);
