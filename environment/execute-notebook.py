"""Executes one notebook with nbclient (what `jupyter nbconvert --execute` uses), for environment/run.

  python execute-notebook.py NOTEBOOK OUTPUT FAILED_OUTPUT CELL_TIMEOUT START_TIMEOUT KERNEL_NAME

Unlike nbconvert it keeps what a failed run produced: on a cell error the notebook, with every output up to
and including the error, is written to FAILED_OUTPUT (nbconvert writes nothing then). The cell and its error
are printed once, after the line "An error occurred while executing the following cell:", with the
kernel's colour codes removed (they are for terminals, and this goes to a log). Exit status: 0 when every
cell ran, 1 on a cell error, 2 when the kernel could not be started or died.
"""
import os
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def join_streams(nb):
    """Joins each run of stdout (or stderr) pieces into one output, as Jupyter's own front ends show them.

    The kernel sends every write as its own message, so one printf can arrive as several pieces; stored
    apart they make a saved notebook long and its diff noisy, while the text is the same.
    """
    for cell in nb.cells:
        joined = []
        for out in cell.get("outputs", []):
            last = joined[-1] if joined else None
            if (out.get("output_type") == "stream" and last is not None
                    and last.get("output_type") == "stream" and last.get("name") == out.get("name")):
                last["text"] = last["text"] + out["text"]
            else:
                joined.append(out)
        if "outputs" in cell:
            cell["outputs"] = joined


def write(nb, path):
    join_streams(nb)
    # Written beside the target and renamed, so a reader never sees half a file.
    tmp = path + ".part"
    nbformat.write(nb, tmp)
    os.replace(tmp, path)


def main(argv):
    source, output, failed, cell_timeout, start_timeout, kernel = argv[1:7]
    nb = nbformat.read(source, as_version=4)
    client = NotebookClient(
        nb,
        timeout=int(cell_timeout),
        startup_timeout=int(start_timeout),
        kernel_name=kernel,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(source))}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        write(nb, failed)
        print(ANSI.sub("", str(error)), flush=True)
        return 1
    except Exception as error:  # the kernel did not start, died, or a cell timed out
        if any(cell.get("outputs") for cell in nb.cells):
            write(nb, failed)
        print("%s: %s" % (type(error).__name__, ANSI.sub("", str(error))), flush=True)
        return 2
    write(nb, output)
    return 0


if __name__ == "__main__":
    status = main(sys.argv)
    sys.stdout.flush()
    sys.stderr.flush()
    # After a failed start nbclient's exit hook only reports that there is no kernel left to clean up.
    os._exit(status)
