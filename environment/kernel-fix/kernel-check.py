#!/usr/bin/env python3
"""Checks the Java kernel headless, through jupyter_client (Debian: python3-jupyter-client), as Jupyter does.

  starts:    starts the kernel N times; each time sends kernel_info_request ONCE, right after the start, as
             notebook 6.4's server does (it never resends), and waits up to --ready-wait seconds for the reply.
             A start without an answer is what made the classic Notebook page wait and need Kernel > Reconnect.
  interrupt: runs Thread.sleep(20000) and, once it runs, sends interrupt_request on the control channel (the kernelspec's
             interrupt_mode is "message"), then checks that the sleeping cell gets its execute_reply (an error
             that says it was interrupted, with the cell's request as parent), that the kernel goes idle, and
             that the next cells run and show their output: 1+1 gives 2, println prints, also with the thread's
             interrupt flag set; a second interrupt works,
             one of an idle kernel is harmless, and code that ignores interrupts is answered after 10 s.

  logs:      after each start, the kernel's log (environment/kernel-launch writes it) must not hold the key of
             its connection file (the key signs every message; a log is readable by other local users).

  display:   a Tablesaw table as the first cell of a fresh kernel, before any class of the library is touched,
             comes out as the library's HTML table (rapaio finds the renderer through its service file).

Usage: JUPYTER_PATH=<repo>/target/jupyter kernel-check.py [--starts N] [--interrupt] [--display] [--report FILE]
       (environment/setup writes the kernelspec "java" there). Prints one line per check and a summary;
       exits 1 when a check failed. --report writes the measurements as JSON.
"""
import argparse
import json
import os
import queue
import sys
import time

from jupyter_client.manager import KernelManager


def drain(get_msg, parent_id, until_type, timeout):
    """Messages of one channel (its get_msg) whose parent is parent_id, until one of type until_type (or the timeout)."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = get_msg(timeout=max(0.05, deadline - time.monotonic()))
        except queue.Empty:
            break
        if msg.get("parent_header", {}).get("msg_id") != parent_id:
            continue
        seen.append(msg)
        if until_type(msg):
            return seen, msg
    return seen, None


def shown(data):
    return data.get("text/plain", data.get("text/html"))


def is_idle(msg):
    return msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"


class Kernel:
    def __init__(self, name):
        self.km = KernelManager(kernel_name=name)
        self.km.start_kernel()
        self.started = time.monotonic()
        self.kc = self.km.client()
        self.kc.start_channels()

    def kernel_info_once(self, wait):
        """One kernel_info_request, never resent; seconds from the start to the reply, or None."""
        msg_id = self.kc.kernel_info()
        _, reply = drain(self.kc.get_shell_msg, msg_id, lambda m: m["msg_type"] == "kernel_info_reply", wait)
        return None if reply is None else time.monotonic() - self.started

    def execute(self, code):
        return self.kc.execute(code, store_history=True)

    def start_running(self, code):
        """Executes `{ System.out.println("running"); <code> }` (one snippet) and returns once it printed, so an
        interrupt reaches running code, not JShell still compiling it (which a busy machine can take seconds for)."""
        msg_id = self.execute('{ System.out.println("running"); ' + code + " }")
        drain(self.kc.get_iopub_msg, msg_id, lambda m: m["msg_type"] == "stream" and "running" in m["content"]["text"], 60)
        return msg_id

    def outcome(self, msg_id, timeout):
        """The execute_reply and what iopub showed for one request (idle seen, outputs, errors)."""
        _, reply = drain(self.kc.get_shell_msg, msg_id, lambda m: m["msg_type"] == "execute_reply", timeout)
        iopub, idle = drain(self.kc.get_iopub_msg, msg_id, is_idle, 5 if reply else 0.1)
        return {
            "reply": None if reply is None else reply["content"]["status"],
            "ename": None if reply is None else reply["content"].get("ename"),
            "evalue": None if reply is None else reply["content"].get("evalue"),
            "idle": idle is not None,
            # text/plain, or text/html where the project's display provider renders the value
            "results": [shown(m["content"]["data"]) for m in iopub if m["msg_type"] == "execute_result"],
            "streams": "".join(m["content"]["text"] for m in iopub if m["msg_type"] == "stream"),
            "errors": [m["content"]["ename"] for m in iopub if m["msg_type"] == "error"],
        }

    def key_in_log(self):
        """Whether the kernel's log (environment/kernel-launch: LOG_DIR/kernel-<pid>.log, LOG_DIR its first argument)
        holds the key that signs its messages; None when there is no such log (a kernelspec without kernel-launch)."""
        argv = self.km.kernel_spec.argv
        pid = getattr(getattr(self.km, "provisioner", None), "pid", None)
        if len(argv) < 2 or not argv[0].endswith("kernel-launch") or pid is None:
            return None
        log = os.path.join(argv[1], f"kernel-{pid}.log")
        if not os.path.isfile(log):
            return None
        key = self.km.session.key.decode()
        with open(log, encoding="utf-8", errors="replace") as f:
            return bool(key) and key in f.read()

    def stop(self):
        self.kc.stop_channels()
        self.kc = None  # freed now, not at interpreter exit (its __del__ then logs into a torn-down logging)
        # shutdown_request on control, then up to shutdown_wait_time (5 s) for the process to end, then a kill.
        t = time.monotonic()
        self.km.shutdown_kernel(now=False)
        return time.monotonic() - t


def check_starts(n, name, wait):
    times, failed, shutdowns, logs, leaks = [], 0, [], 0, 0
    for i in range(n):
        k = Kernel(name)
        try:
            t = k.kernel_info_once(wait)
        finally:
            shutdowns.append(k.stop())
            leaked = k.key_in_log()
            logs += leaked is not None
            leaks += bool(leaked)
        if t is None:
            failed += 1
            print(f"start {i + 1}/{n}: no kernel_info_reply within {wait:.0f} s", flush=True)
        else:
            times.append(t)
            print(f"start {i + 1}/{n}: kernel_info_reply after {t:.1f} s", flush=True)
    return {
        "starts": n,
        "unanswered": failed,
        "ready_seconds": {"min": min(times), "median": sorted(times)[len(times) // 2], "max": max(times)} if times else None,
        "shutdown_seconds_max": max(shutdowns) if shutdowns else None,
        "logs_checked": logs,
        "logs_with_key": leaks,
    }


def check_display(name, wait):
    """A Tablesaw table as the value of the very first cell, before any class of the library has been touched:
    the library's renderer (found through its DisplayProvider service file) must show it as an HTML table."""
    k = Kernel(name)
    try:
        if k.kernel_info_once(wait) is None:
            return {"problems": [f"no kernel_info_reply within {wait:.0f} s"]}
        msg_id = k.execute('tech.tablesaw.api.Table.create("first", tech.tablesaw.api.IntColumn.create("a", new int[] {1, 2}))')
        _, reply = drain(k.kc.get_shell_msg, msg_id, lambda m: m["msg_type"] == "execute_reply", 120)
        iopub, _ = drain(k.kc.get_iopub_msg, msg_id, is_idle, 5)
        data = [m["content"]["data"] for m in iopub if m["msg_type"] in ("execute_result", "display_data")]
        html = data[0].get("text/html", "") if data else ""
        problems = []
        if reply is None or reply["content"]["status"] != "ok":
            problems.append(f"the cell did not run: {None if reply is None else reply['content']}")
        elif '<table class="dataframe">' not in html:
            problems.append(f"the table did not come out as the library's HTML table: {data}")
        return {"problems": problems, "mime_types": sorted(data[0]) if data else [], "html_table": '<table class="dataframe">' in html}
    finally:
        k.stop()


def check_interrupt(name, wait):
    k = Kernel(name)
    problems = []
    try:
        if k.kernel_info_once(wait) is None:
            return {"problems": [f"no kernel_info_reply within {wait:.0f} s"]}
        sleeping = k.start_running("Thread.sleep(20000);")
        t = time.monotonic()
        k.km.interrupt_kernel()
        interrupted = k.outcome(sleeping, 15)
        interrupted["reply_seconds"] = None if interrupted["reply"] is None else round(time.monotonic() - t, 2)
        if interrupted["reply"] != "error":
            problems.append(f"the interrupted cell got reply {interrupted['reply']}, not an error")
        elif "interrupt" not in f"{interrupted['ename']} {interrupted['evalue']}".lower():
            problems.append(f"the interrupted cell's error does not say it was interrupted: {interrupted}")
        if not interrupted["idle"]:
            problems.append("no idle status for the interrupted cell")
        if interrupted["reply_seconds"] is not None and interrupted["reply_seconds"] > 5:
            problems.append(f"the interrupted cell answered only after {interrupted['reply_seconds']} s")

        sum_ = k.outcome(k.execute("1+1"), 20)
        if sum_["reply"] != "ok" or sum_["results"] != ["2"] or not sum_["idle"]:
            problems.append(f"1+1 after the interrupt: {sum_}")
        printed = k.outcome(k.execute('System.out.println("after the interrupt")'), 20)
        if printed["reply"] != "ok" or "after the interrupt" not in printed["streams"]:
            problems.append(f"println after the interrupt: {printed}")
        # The cell's thread keeps its interrupt flag until its code clears it; output it prints then must arrive
        # (jeromq fails sends from an interrupted thread: the kernel sends from a thread of its own).
        flagged = k.outcome(k.execute('{ Thread.currentThread().interrupt(); '
                                      'for (int i = 0; i < 300; i++) System.out.println("line " + i); }'), 30)
        if flagged["reply"] != "ok" or flagged["streams"].count("\n") != 300 or "line 299" not in flagged["streams"]:
            problems.append(f"printing with the interrupt flag set: {dict(flagged, streams=flagged['streams'][-200:])}")
        flagged["streams"] = f"{flagged['streams'].count(chr(10))} lines"
        # A second interrupt works too (the executor is still there), and an interrupt of an idle kernel is harmless.
        again = k.start_running("Thread.sleep(20000);")
        k.km.interrupt_kernel()
        second = k.outcome(again, 15)
        if second["reply"] != "error":
            problems.append(f"second interrupt: {second}")
        k.km.interrupt_kernel()
        time.sleep(0.5)
        last = k.outcome(k.execute('"still " + "here"'), 20)
        if last["reply"] != "ok" or len(last["results"]) != 1 or "still here" not in (last["results"][0] or ""):
            problems.append(f"a cell after an interrupt of an idle kernel: {last}")
        # Code that ignores interrupts (a busy loop, here one that ends by itself after 15 s) is waited for up to
        # 10 s; then the cell is answered with an error that says it goes on in the background.
        spin = k.start_running("long end = System.currentTimeMillis() + 15000; while (System.currentTimeMillis() < end) { }")
        t = time.monotonic()
        k.km.interrupt_kernel()
        stubborn = k.outcome(spin, 30)
        stubborn["reply_seconds"] = round(time.monotonic() - t, 2)
        if stubborn["reply"] != "error" or "background" not in (stubborn["evalue"] or "") \
                or not 9 <= stubborn["reply_seconds"] <= 14:
            problems.append(f"a loop that ignores the interrupt: {stubborn}")
        return {"interrupted": interrupted, "one_plus_one": sum_, "println": printed, "printed_while_flagged": flagged,
                "second_interrupt": second,
                "after_idle_interrupt": last, "ignores_interrupt": stubborn, "problems": problems}
    finally:
        k.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kernel", default="java")
    p.add_argument("--starts", type=int, default=0, help="kernel starts to measure (0: none)")
    p.add_argument("--ready-wait", type=float, default=60.0, help="seconds to wait for kernel_info_reply (notebook 6.4: 60)")
    p.add_argument("--interrupt", action="store_true", help="check sleep -> interrupt -> 1+1")
    p.add_argument("--display", action="store_true", help="check a Tablesaw table in a fresh kernel's first cell renders as HTML")
    p.add_argument("--report", help="write the measurements here as JSON")
    a = p.parse_args()
    if not a.starts and not a.interrupt and not a.display:
        p.error("nothing to check: give --starts N, --interrupt and/or --display")
    if "JUPYTER_PATH" not in os.environ:
        p.error("JUPYTER_PATH is not set: point it at <repo>/target/jupyter (environment/setup writes the kernelspec there)")

    report, ok = {}, True
    if a.starts:
        report["starts"] = s = check_starts(a.starts, a.kernel, a.ready_wait)
        r = s["ready_seconds"]
        ready = f"ready in {r['min']:.1f} s (fastest), {r['median']:.1f} s (median), {r['max']:.1f} s (slowest)" if r else "none ready"
        print(f"starts: {s['starts'] - s['unanswered']}/{s['starts']} answered the one kernel_info_request; {ready}")
        print(f"logs: {s['logs_with_key']} of {s['logs_checked']} kernel logs hold the connection key")
        ok &= s["unanswered"] == 0 and s["logs_with_key"] == 0
    if a.interrupt:
        report["interrupt"] = r = check_interrupt(a.kernel, a.ready_wait)
        for problem in r["problems"]:
            print(f"interrupt: FAILED: {problem}")
        if not r["problems"]:
            i = r["interrupted"]
            print(f"interrupt: ok: the cell answered {i['ename']} after {i['reply_seconds']} s; 1+1 = 2 and println shown after it")
        ok &= not r["problems"]
    if a.display:
        report["display"] = d = check_display(a.kernel, a.ready_wait)
        for problem in d["problems"]:
            print(f"display: FAILED: {problem}")
        if not d["problems"]:
            print(f"display: ok: a Tablesaw table in a fresh kernel's first cell came out as an HTML table ({', '.join(d['mime_types'])})")
        ok &= not d["problems"]
    if a.report:
        with open(a.report + ".part", "w") as f:
            json.dump(report, f, indent=2)
        os.replace(a.report + ".part", a.report)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
