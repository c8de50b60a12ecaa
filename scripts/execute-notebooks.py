#!/usr/bin/env python3
"""Executes Jupyter notebooks with a real kernel and stores their outputs in them.

Usage: scripts/execute-notebooks.py [--timeout SECONDS] NOTEBOOK...

Each notebook is checked against the nbformat schema, then run top to bottom by nbclient
with this interpreter's python3 kernel (ipykernel), in the notebook's own folder so that its
relative paths work, with a time limit per cell. A notebook whose cells all ran is written
back in place (atomically) with its outputs; one with an error is left as it was and its
error printed. Exit codes: 0 every notebook ran; 1 a notebook is invalid or a cell raised or
timed out; 2 bad usage. `make run` runs it on Notebooks-export/, and the test suite on
notebooks exported to a temporary folder (Tests/UptakeCLITests/NotebookExportTests.swift).
"""
import argparse
import os
import sys
import tempfile
import time

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError


def execute(path, timeout):
    """Runs one notebook; returns a list of problems (empty when it ran cleanly)."""
    notebook = nbformat.read(path, as_version=4)
    try:
        nbformat.validate(notebook)
    except nbformat.ValidationError as error:
        return [f"{path}: not a valid nbformat 4 notebook: {error.message}"]
    folder = os.path.dirname(os.path.abspath(path))
    with tempfile.TemporaryDirectory(prefix="uptake-kernel-") as sockets:
        # The kernel talks over Unix sockets in a private folder, not over TCP on localhost;
        # the client starts it and shuts it down.
        class KernelManager(AsyncKernelManager):
            def __init__(self, **kwargs):
                super().__init__(transport="ipc", ip=os.path.join(sockets, "kernel"), **kwargs)

        client = NotebookClient(notebook, kernel_manager_class=KernelManager, kernel_name="python3", timeout=timeout,
                                record_timing=False, resources={"metadata": {"path": folder}})
        try:
            client.execute()
        except (CellExecutionError, CellTimeoutError) as error:
            return [f"{path}: {error}"]
    problems = []
    for index, cell in enumerate(notebook.cells, 1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"{path}: cell {index}: {output.get('ename')}: {output.get('evalue')}")
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                print(f"{path}: cell {index} wrote to stderr: {output.get('text', '').strip()}", file=sys.stderr)
    if problems:
        return problems
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".ipynb.tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        nbformat.write(notebook, file)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timeout", type=float, default=120, help="seconds per cell (default 120)")
    parser.add_argument("notebooks", nargs="+")
    arguments = parser.parse_args()
    failed = 0
    for path in arguments.notebooks:
        started = time.monotonic()
        problems = execute(path, arguments.timeout)
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        failed += bool(problems)
        print(f"{'failed' if problems else 'executed'} {path} ({time.monotonic() - started:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
