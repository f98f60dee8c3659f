"""The pytest plugin: fixtures that start headendd and hand tests its labs.

Fixtures:
  asalab      a headendd of the test module (--asalab-scope session: of the
              whole run) with a temp data dir, tokens, a simulated clock at a
              fixed start and SSH consoles; a pytest_asalab.Daemon. The lab
              file of the module's asalab_lab_file marker, of an indirect
              parameter, or of --asalab-lab-file is applied to it first.
  asalab_lab  a fresh lab of its own on that daemon for one test, reached
              with its own token (another lab's headends are not found), and
              deleted after the test; a pytest_asalab.Lab. The test's (or its
              module's) asalab_lab_file marker's file is applied to it.
"""

import argparse
import os

import pytest

from ._core import DEFAULT_CLOCK_START, DEFAULT_SSH_PORTS, AsalabError, Daemon, Lab, check_ssh_ports

_MARKER = "asalab_lab_file"


def pytest_addoption(parser):
    group = parser.getgroup("asalab", "asalab headendd fixtures")
    group.addoption("--asalab-lab-file", metavar="FILE", default=None,
                    help="a lab file (YAML) applied to every asalab daemon that has none "
                         "from a marker or parameter")
    group.addoption("--asalab-clock-start", metavar="TIME", default=DEFAULT_CLOCK_START,
                    help="RFC 3339 start of the labs' simulated clocks, or 'real' for the "
                         f"machine's clock (default {DEFAULT_CLOCK_START})")
    group.addoption("--asalab-scope", choices=("module", "session"), default="module",
                    help="one headendd per test module (default) or one for the whole run")
    group.addoption("--asalab-ssh-ports", metavar="N", type=_ssh_ports, default=DEFAULT_SSH_PORTS,
                    help="how many SSH console ports each headendd has, so how many headends (of all "
                         f"its labs at once) get a console (0: no consoles; default {DEFAULT_SSH_PORTS})")


def _ssh_ports(value):
    try:
        return check_ssh_ports(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(path): the lab file (YAML, relative to the test file) applied to the "
        "module's asalab daemon (as a module mark: pytestmark; not with --asalab-scope session) "
        "and to each asalab_lab; on a test or class it reaches asalab_lab only, and a test "
        "it would do nothing for fails")


def pytest_runtest_setup(item):
    why = _ignored_marker(item)
    if why:
        pytest.fail(f"asalab: {why}", pytrace=False)


def _ignored_marker(item):
    """Why the item's asalab_lab_file marker would apply to nothing it uses
    (None: it applies, or the item uses neither fixture). A marker that does
    nothing, maybe with a file that does not exist, would leave the test
    running on a lab it does not describe."""
    found = next(item.iter_markers_with_node(_MARKER), None)
    names = getattr(item, "fixturenames", ())
    if found is None or "asalab_lab" in names:
        return None
    node, _ = found
    if isinstance(node, pytest.Module):
        if "asalab" not in names or item.config.getoption("asalab_scope") != "session":
            return None
        return (f"the module's {_MARKER} marker reaches only asalab_lab under --asalab-scope session "
                "(one daemon for the run, which only --asalab-lab-file applies to): use asalab_lab, "
                "or --asalab-lab-file")
    where, whose, user = (("class", "its tests'", "the test") if isinstance(node, pytest.Class)
                          else ("test", "its", "it"))
    return (f"the {_MARKER} marker of the {where} applies to {whose} asalab_lab fixture, "
            f"which {user} does not use: use asalab_lab, or mark the module (pytestmark) for asalab")


def _scope(fixture_name, config):
    return config.getoption("asalab_scope")


def _clock_start(config):
    start = config.getoption("asalab_clock_start")
    return None if start == "real" else start


def _marker_file(node):
    """The path of the closest asalab_lab_file marker, relative to the file
    of the node that carries the test (None: no marker)."""
    m = node.get_closest_marker(_MARKER)
    if m is None:
        return None
    if len(m.args) != 1 or m.kwargs:
        raise pytest.UsageError(f"{node.nodeid}: @pytest.mark.{_MARKER} takes one path")
    return _near(node, m.args[0])


def _near(node, path):
    path = os.fspath(path)
    if os.path.isabs(path):
        return path
    base = getattr(node, "path", None)
    if base is None or not os.path.isfile(base):
        return os.path.abspath(path)
    return os.path.join(os.path.dirname(base), path)


def _lab_file(request):
    if getattr(request, "param", None):
        return _near(request.node, request.param)
    if request.scope != "session":
        marked = _marker_file(request.node)
        if marked:
            return marked
    opt = request.config.getoption("asalab_lab_file")
    if opt:
        return os.path.join(str(request.config.invocation_params.dir), opt)
    return None


def _apply(lab, path):
    """Apply a lab file for a fixture; a refusal fails the fixture with the
    daemon's message alone (file:line:column: field: why), no traceback."""
    try:
        applied = lab.apply(path)
    except AsalabError as err:
        failed = f"asalab: the lab file {path} was refused: {err.stderr.strip() or err}"
    else:
        failed = _consoles_missing(lab, path, applied)
    if failed:
        pytest.fail(failed, pytrace=False)
    return applied


def _consoles_missing(lab, path, applied):
    """Why some headends of an applied lab have no SSH console (None: all
    have one). headendd creates a file's headends in parallel, so which of
    them miss out when its port range runs out changes from run to run: a
    test must not start on such a lab."""
    daemon = lab.daemon
    if not daemon.ssh_ports:
        return None
    name = lab.name or (applied.get("lab") or {}).get("name")
    headends = Lab(daemon, name, lab.token).headends()
    missing = sorted(h["hostname"] for h in headends if not h.get("sshAddress"))
    if not missing:
        return None
    shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
    return (f"asalab: {len(missing)} of the {len(headends)} headends of the lab the file {path} made "
            f"have no SSH console ({shown}): {daemon.no_console_reason()}")


@pytest.fixture(scope=_scope)
def asalab(request, tmp_path_factory):
    """A running headendd (pytest_asalab.Daemon), stopped after the module
    (or run), whatever its tests did."""
    config = request.config
    failed = None
    try:
        daemon = Daemon(tmp_path_factory.mktemp("asalab"),
                        clock_start=_clock_start(config),
                        ssh_ports=config.getoption("asalab_ssh_ports"))
        daemon.start()
    except AsalabError as err:
        # No headendd, or it did not start: the message says why, without
        # the plugin's traceback.
        failed = f"asalab: {err}"
    if failed:
        pytest.fail(failed, pytrace=False)
    try:
        lab_file = _lab_file(request)
        if lab_file:
            daemon.applied = _apply(daemon, lab_file)
            name = (daemon.applied.get("lab") or {}).get("name")
            # A file that names its lab made (or filled) that lab: the
            # handle's calls go there.
            if name and name != "default":
                daemon.name = name
        yield daemon
    finally:
        daemon.stop()


@pytest.fixture
def asalab_lab(request, asalab):
    """A lab of the test's own on the asalab daemon (pytest_asalab.Lab) with
    a token that reaches it alone; deleted after the test."""
    lab = asalab.create_lab(asalab.new_lab_name(request.node.name))
    try:
        lab_file = _marker_file(request.node)
        if lab_file:
            lab.applied = _apply(lab, lab_file)
        yield lab
    finally:
        try:
            asalab.delete_lab(lab.name)
        except AsalabError:
            # The test may have deleted it itself.
            if any(info.get("name") == lab.name for info in asalab.labs()):
                raise
