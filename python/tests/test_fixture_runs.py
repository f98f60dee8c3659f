"""The daemon's life: stopped whatever the tests do (a whole pytest run
that uses the fixture, as a user's suite would), one per module or per run,
and the library without pytest."""

import os
import select
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from inner import alive, daemons_under, run

import pytest_asalab


def test_a_failing_test_leaves_no_daemon(pytester):
    pidfile = pytester.path / "pid"
    pytester.makepyfile(test_inner=textwrap.dedent(f"""
        def test_fails(asalab):
            with open({str(pidfile)!r}, "w") as f:
                f.write(str(asalab.pid))
            asalab.create("asa1")
            assert asalab.headends() == [], "fails on purpose"
    """))
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*fails on purpose*"])
    pid = int(pidfile.read_text())
    assert not alive(pid), f"headendd {pid} outlived the run"
    assert daemons_under(pytester.path) == []


def test_no_headendd_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("ASALAB_HEADENDD", raising=False)
    with pytest.raises(pytest_asalab.AsalabError) as err:
        pytest_asalab.start(tmp_path / "lab")
    assert "headendd is not on PATH and ASALAB_HEADENDD is not set" in str(err.value)
    assert "go build" in str(err.value)


def test_start_without_pytest(tmp_path):
    with pytest_asalab.start(tmp_path / "lab", ssh_ports=0) as d:
        pid = d.pid
        assert d.labs()[0]["name"] == "default"
        assert d.clock()["clock"]["now"] == pytest_asalab.DEFAULT_CLOCK_START
    assert d.proc.returncode == 0
    assert not alive(pid)


def test_one_daemon_per_module_or_perrun(pytester):
    for name in ("test_a", "test_b"):
        pytester.makepyfile(**{name: textwrap.dedent("""
            def test_pid(asalab):
                print("daemon", asalab.pid)
        """)})
    for scope, want in (("module", 2), ("session", 1)):
        result = run(pytester, "-s", "--asalab-scope", scope)
        result.assert_outcomes(passed=2)
        pids = {line.split()[-1] for line in result.outlines if line.startswith("daemon ") or " daemon " in line}
        assert len(pids) == want, (scope, result.outlines)
    assert daemons_under(pytester.path) == []


def test_the_entry_point_loads_it_once(pytester, monkeypatch):
    # What pip install leaves: the package's metadata with the pytest11
    # entry point of pyproject.toml, on the path.
    site = pytester.path / "site"
    info = site / "pytest_asalab-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: pytest-asalab\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text("[pytest11]\npytest_asalab = pytest_asalab\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))
    pytester.makepyfile(test_inner="def test_pid(asalab):\n    assert asalab.pid\n")
    # Alone, and with -p as well: one plugin, its options added once.
    for args in ((), ("-p", "pytest_asalab")):
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *args, timeout=120)
        result.assert_outcomes(passed=1)
    assert daemons_under(pytester.path) == []


def test_a_killed_run_leaves_no_daemon(tmp_path):
    # A run killed outright (SIGKILL: no teardown, no atexit), as a CI
    # timeout does: the daemon gets SIGTERM from the kernel and stops.
    script = textwrap.dedent(f"""
        import sys, pytest_asalab
        d = pytest_asalab.start({str(tmp_path / "lab")!r}, ssh_ports=0)
        print(d.pid, flush=True)
        sys.stdin.read()
    """)
    runner = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        pid = int(runner.stdout.readline())
        fd = os.pidfd_open(pid)
    finally:
        runner.kill()
        runner.wait()
    try:
        ready, _, _ = select.select([fd], [], [], 30)
        if not ready:
            signal.pidfd_send_signal(fd, signal.SIGKILL)
    finally:
        os.close(fd)
    assert ready, f"headendd {pid} outlived the process that started it by 30 s"


def test_no_headendd_fails_the_fixture_saying_how_to_get_it(pytester, monkeypatch):
    monkeypatch.setenv("ASALAB_HEADENDD", str(pytester.path / "nosuch"))
    pytester.makepyfile(test_inner="def test_never_runs(asalab):\n    pass\n")
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"asalab: ASALAB_HEADENDD={pytester.path / 'nosuch'} is not an executable file*"])
    assert "Traceback" not in result.stdout.str()


def test_the_web_consoles_default_port_held_elsewhere(tmp_path):
    # headendd's web console listens on 127.0.0.1:8080 unless told
    # otherwise: one port per machine, which another daemon (or anything)
    # may hold. The plugin's daemons serve none.
    held = socket.socket()
    try:
        held.bind(("127.0.0.1", 8080))
        held.listen()
    except OSError:
        pass  # something else holds it already
    try:
        with pytest_asalab.start(tmp_path / "lab", ssh_ports=0) as d:
            assert d.labs()[0]["name"] == "default"
    finally:
        held.close()


def test_a_headendd_that_cannot_run_says_so(tmp_path, monkeypatch):
    # A directory passes os.access(X_OK); a file with the x bit the kernel
    # cannot exec (no #! and not ELF) gets as far as Popen.
    garbage = tmp_path / "headendd"
    garbage.write_text("not a program\n")
    garbage.chmod(0o755)
    for path, want in ((tmp_path, "is not an executable file"), (garbage, "could not be started")):
        monkeypatch.setenv("ASALAB_HEADENDD", str(path))
        with pytest.raises(pytest_asalab.AsalabError) as err:
            pytest_asalab.start(tmp_path / "lab", headendctl="/bin/true", ssh_ports=0)
        assert want in str(err.value), path
        assert str(path) in str(err.value)


def test_the_ssh_port_count_is_checked(tmp_path, pytester):
    # The range is drawn from 20000-29999: 10000 ports at most.
    for bad in (-1, 10001, 20000, "many"):
        with pytest.raises(pytest_asalab.AsalabError) as err:
            pytest_asalab.Daemon(tmp_path / "lab", headendd="/bin/true", headendctl="/bin/true", ssh_ports=bad)
        assert "ssh_ports" in str(err.value) and "0 to 10000" in str(err.value), bad
    pytester.makepyfile(test_inner="def test_never_runs(asalab):\n    pass\n")
    result = run(pytester, "--asalab-ssh-ports", "20000")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--asalab-ssh-ports: 20000: *0 to 10000*"])
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_a_headendctl_that_does_not_answer_in_time(tmp_path):
    with pytest_asalab.start(tmp_path / "lab", ssh_ports=0) as d:
        with pytest.raises(pytest_asalab.AsalabError) as err:
            d.ctl("lab", "list", timeout=1e-9)
        assert "headendctl lab list: no answer within 1e-09 s" in str(err.value)


def test_headends_past_the_ssh_port_range_say_why_they_have_no_console(tmp_path):
    with pytest_asalab.start(tmp_path / "lab", ssh_ports=2) as d:
        for h in ("asa1", "asa2", "asa3"):
            d.create(h)
        # headendd skips a port something else holds: at least the third
        # has none.
        missing = [h["hostname"] for h in d.headends() if not h["sshAddress"]]
        assert missing and "asa3" in missing
        for call in (d.ssh_address, d.netmiko_params):
            with pytest.raises(pytest_asalab.AsalabError) as err:
                call(missing[0])
            assert f"{missing[0]} has no SSH console: no console port was free in the daemon's SSH port range (2 ports" \
                in str(err.value)
            assert "--asalab-ssh-ports" in str(err.value)
    with pytest_asalab.start(tmp_path / "none", ssh_ports=0) as d:
        d.create("asa1")
        with pytest.raises(pytest_asalab.AsalabError) as err:
            d.ssh_address("asa1")
        assert "asa1 has no SSH console: the daemon has no SSH consoles (ssh_ports=0" in str(err.value)


def test_a_lab_file_larger_than_the_ssh_port_range_fails_the_fixture(pytester):
    (pytester.path / "three.yaml").write_text(
        "headends:\n" + "".join(f"  - {{hostname: asa{i}, model: ASA5516}}\n" for i in range(3)))
    pytester.makepyfile(test_inner=textwrap.dedent("""
        import pytest

        pytestmark = pytest.mark.asalab_lab_file("three.yaml")

        def test_never_runs(asalab):
            raise AssertionError("the fixture should have failed")

        def test_nor_this(asalab_lab):
            raise AssertionError("the fixture should have failed")
    """))
    result = run(pytester, "--asalab-ssh-ports", "2")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*asalab: * of the 3 headends of the lab the file *three.yaml made have no SSH console (*): "
                                 "no console port was free in the daemon's SSH port range (2 ports*--asalab-ssh-ports*"])
    assert "should have failed" not in result.stdout.str()
    assert daemons_under(pytester.path) == []


def test_the_default_ssh_ports_are_headendds(pytester):
    pytester.makepyfile(test_inner="def test_ports(asalab):\n    assert asalab.ssh_ports == 1000\n")
    run(pytester).assert_outcomes(passed=1)


def _thread_gone(native_id):
    # The kernel sends a parent-death signal when the thread that forked
    # the child exits, before its /proc entry goes away.
    return not os.path.exists(f"/proc/self/task/{native_id}")


def test_a_daemon_started_from_a_thread_outlives_the_thread(tmp_path):
    box = {}

    def boot():
        box["tid"] = threading.get_native_id()
        box["d"] = pytest_asalab.start(tmp_path / "lab", ssh_ports=0)

    t = threading.Thread(target=boot)
    t.start()
    t.join()
    d = box["d"]
    try:
        while not _thread_gone(box["tid"]):
            time.sleep(0.01)
        d.create("asa1")
        assert [h["hostname"] for h in d.headends()] == ["asa1"]
        assert d.proc.poll() is None, f"headendd ended with its starting thread:\n{d.log_tail()}"
    finally:
        d.stop()


def test_a_daemon_started_from_a_thread_stops_when_python_exits(tmp_path):
    # No stop(), no pytest: the interpreter's exit stops it (atexit), as
    # the parent-death signal of a start from the main thread would.
    script = textwrap.dedent(f"""
        import threading, pytest_asalab
        box = {{}}
        t = threading.Thread(target=lambda: box.update(d=pytest_asalab.start({str(tmp_path / "lab")!r}, ssh_ports=0)))
        t.start()
        t.join()
        print(box["d"].pid, flush=True)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    pid = int(out.stdout)
    assert not alive(pid), f"headendd {pid} outlived the Python that started it"
