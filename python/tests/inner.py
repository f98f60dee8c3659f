"""Helpers of the tests that run whole pytest sessions (pytester)."""

import os


def daemons_under(path):
    """pids of live processes whose command line names a path under `path`
    (the inner runs keep their data dirs there)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "headendd" in cmdline and str(path) in cmdline:
            found.append(int(pid))
    return found


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def run(pytester, *args):
    return pytester.runpytest_subprocess("-p", "pytest_asalab", "-p", "no:cacheprovider", *args, timeout=120)
