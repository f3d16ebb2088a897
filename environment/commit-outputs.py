"""Copies the outputs of freshly executed notebooks into the committed ones, for `environment/run --commit-outputs`.

  python3 commit-outputs.py EXECUTED_DIR NOTEBOOKS_DIR NAME...

For each NAME, EXECUTED_DIR/NAME.ipynb (just written by environment/run) gives every code cell its outputs and
execution count; everything else comes from NOTEBOOKS_DIR/NAME.ipynb as committed: cell ids, markdown, the
notebook's metadata. What changes from run to run without meaning anything is left out: nbclient's execution
timestamps (cell metadata) and the kernel's Java version (notebook metadata). A notebook whose code changed
after the run is refused, so outputs never sit beside code that did not produce them. Nothing is written
until every notebook has passed that check; each file is replaced in one step (written beside it, renamed).
Only the standard library: plain JSON, the layout the committed notebooks have (indent 1, UTF-8).
"""
import json
import os
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def merged(committed, executed, name):
    code = [c for c in committed["cells"] if c["cell_type"] == "code"]
    ran = [c for c in executed["cells"] if c["cell_type"] == "code"]
    if len(code) != len(ran) or any("".join(a["source"]) != "".join(b["source"]) for a, b in zip(code, ran)):
        raise SystemExit("[run] %s.ipynb changed after it was executed: run environment/run --commit-outputs again" % name)
    for cell, fresh in zip(code, ran):
        cell["outputs"] = fresh.get("outputs", [])
        cell["execution_count"] = fresh.get("execution_count")
        cell["metadata"].pop("execution", None)
    return committed


def main(executed_dir, notebooks_dir, names):
    ready = []
    for name in names:
        target = os.path.join(notebooks_dir, name + ".ipynb")
        nb = merged(load(target), load(os.path.join(executed_dir, name + ".ipynb")), name)
        ready.append((target, json.dumps(nb, indent=1, ensure_ascii=False) + "\n"))
    for target, text in ready:
        part = target + ".part"
        with open(part, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(part, target)
        print("[run] outputs committed to %s (%s bytes)" % (target, format(os.path.getsize(target), ",")))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
