"""A headendd process and handles on its labs, driven by headendctl -o json."""

import atexit
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

# Where a simulated lab clock starts unless told otherwise: a fixed instant,
# so that what a test sees (uptimes, key expiry, log stamps) does not depend
# on the day it runs.
DEFAULT_CLOCK_START = "2026-01-05T09:00:00Z"

# The SSH consoles' ports come from a range outside Linux's ephemeral ports
# (net.ipv4.ip_local_port_range, 32768-60999 by default), so that a console port is not taken by some
# client's outgoing connection; headendd skips a port of the range that
# something else holds.
_SSH_RANGE_LOW, _SSH_RANGE_HIGH = 20000, 30000
MAX_SSH_PORTS = _SSH_RANGE_HIGH - _SSH_RANGE_LOW
# A daemon's SSH ports unless told otherwise: headends past that many at
# once (in all its labs) get no console. headendd's own default.
DEFAULT_SSH_PORTS = 1000


def check_ssh_ports(n):
    """The number of SSH console ports as an int; ValueError unless it is
    0 to MAX_SSH_PORTS."""
    try:
        count = int(n)
    except (TypeError, ValueError):
        count = None
    if count is None or isinstance(n, float) or not 0 <= count <= MAX_SSH_PORTS:
        raise ValueError(f"{n}: the SSH ports come from {_SSH_RANGE_LOW}-{_SSH_RANGE_HIGH - 1}, "
                         f"so a daemon has 0 to {MAX_SSH_PORTS} of them")
    return count

# A headend's SSH login unless its configuration says otherwise: headendctl
# create and lab files give every headend username admin, password admin and
# enable password admin.
DEFAULT_LOGIN = ("admin", "admin", "admin")

_INSTALL_HINT = (
    "build it (go build -o DIR/ ./cmd/headendd ./cmd/headendctl in the asalab "
    "repository) and put DIR on PATH, or set {env} to the binary"
)


class AsalabError(Exception):
    """headendd did not start, or headendctl answered with an error.

    For a headendctl error, ``returncode`` is its exit status (1: the daemon
    refused the request; 2: a usage error) and ``stderr`` its message, e.g.
    ``lab.yaml:3:12: headends[0].model: unknown model "ASA9999" (...)``;
    ``stdout`` what it printed besides (exec: the console's JSON, whose line
    answered with an error).
    """

    def __init__(self, message, returncode=None, stderr="", stdout=""):
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr
        self.stdout = stdout


def find_binary(name, env_var, near=None):
    """The path of a program: $env_var, else beside `near` (headendctl next
    to the headendd it talks to), else PATH. Raises AsalabError saying how to
    get it."""
    path = os.environ.get(env_var)
    if path:
        # A directory passes os.access(X_OK) too.
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            raise AsalabError(f"{env_var}={path} is not an executable file")
        return os.path.abspath(path)
    if near:
        beside = os.path.join(os.path.dirname(near), name)
        if os.path.isfile(beside) and os.access(beside, os.X_OK):
            return beside
    found = shutil.which(name)
    if found:
        return found
    raise AsalabError(f"{name} is not on PATH and {env_var} is not set: "
                      + _INSTALL_HINT.format(env=env_var))


def _slug(text, limit):
    s = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return s[:limit].rstrip("-")


class Lab:
    """One lab of a running headendd, reached with a token.

    Every call runs ``headendctl -o json`` with the daemon's address, the
    token (in the environment, never on a command line) and ``--lab NAME``,
    and returns the parsed JSON document.
    """

    def __init__(self, daemon, name, token):
        self.daemon = daemon
        self.name = name
        self.token = token
        # What the lab file applied by a fixture answered (ApplyLabResponse).
        self.applied = None

    def __repr__(self):
        return f"<asalab lab {self.name or 'default'} at {self.daemon.addr}>"

    def _lab_args(self):
        return ["--lab", self.name] if self.name else []

    def ctl(self, *args, input=None, timeout=60):
        """Run ``headendctl -o json ARGS`` on this lab; return its JSON
        document (None when it prints nothing). A non-zero exit raises
        AsalabError with headendctl's message."""
        cmd = [self.daemon.headendctl, "--addr", self.daemon.addr, "-o", "json",
               *self._lab_args(), *[str(a) for a in args]]
        try:
            proc = subprocess.run(cmd, input=input, capture_output=True, text=True,
                                  env=self.daemon._ctl_env(self.token), timeout=timeout)
        except subprocess.TimeoutExpired as err:
            raise AsalabError(f"headendctl {' '.join(str(a) for a in args)}: no answer within {timeout:g} s",
                              stderr=_text(err.stderr), stdout=_text(err.stdout)) from None
        if proc.returncode != 0:
            msg = proc.stderr.strip() or proc.stdout.strip()
            raise AsalabError(f"headendctl {' '.join(str(a) for a in args)}: "
                              f"exit status {proc.returncode}: {msg}",
                              returncode=proc.returncode, stderr=proc.stderr, stdout=proc.stdout)
        out = proc.stdout.strip()
        return json.loads(out) if out else None

    def headends(self):
        """The lab's headends, as ``headendctl list -o json`` gives them."""
        return self.ctl("list")["headends"]

    def headend(self, hostname):
        """One headend (``headendctl get``)."""
        return self.ctl("get", hostname)["headend"]

    def create(self, hostname, model="ASA5525", serial=None, **flags):
        """Add a headend (``headendctl create``); flags are its other options
        by name: username="ops", password="...", enable_password="...",
        version="9.8(4)". Returns the headend."""
        args = ["create", "--model", model, "--hostname", hostname]
        if serial:
            args += ["--serial", serial]
        for key, value in flags.items():
            args += ["--" + key.replace("_", "-"), str(value)]
        return self.ctl(*args)["headend"]

    def exec(self, hostname, *lines):
        """Run console lines on a headend in privileged mode."""
        return self.ctl("exec", hostname, *lines)

    def clock(self):
        """The lab clock."""
        return self.ctl("clock")

    def advance(self, duration):
        """Move the lab's simulated clock on by a duration ("90m", "36h",
        "30d")."""
        return self.ctl("clock", "advance", duration)

    def apply(self, path, dry_run=False):
        """Make the lab match a lab file (``headendctl apply -f``); returns the
        ApplyLabResponse (``changes`` empty: nothing to change). A file the
        daemon refuses raises AsalabError whose message names the file, line
        and field."""
        args = ["apply", "-f", os.fspath(path)]
        if dry_run:
            args.append("--dry-run")
        return self.ctl(*args)

    def ssh_address(self, hostname):
        """(host, port) of a headend's SSH console."""
        return _split_ssh(self.daemon, hostname, self.headend(hostname))

    def netmiko_params(self, hostname, username=None, password=None, secret=None, **extra):
        """Keyword arguments for ``netmiko.ConnectHandler(**params)`` that
        reach a headend's console: its device_type (``cisco_ios`` for an IOS
        router, CSR1000V and ASR1001-X included; ``cisco_asa`` for an ASA or
        ASAv), host, port and login
        (admin/admin, enable password admin, unless given). ``extra`` is
        added as is (timeout=..., session_log=...)."""
        h = self.headend(hostname)
        host, port = _split_ssh(self.daemon, hostname, h)
        du, dp, ds = DEFAULT_LOGIN
        params = {
            "device_type": self._device_type(h),
            "host": host,
            "port": port,
            "username": username or du,
            "password": password or dp,
            "secret": secret or ds,
        }
        params.update(extra)
        return params

    def _device_type(self, headend):
        """Netmiko's device_type for a headend, from its family: a headend
        does not carry it, its model's catalog entry does (the licensing
        of a platform is its family's). IOS routers, the ISR G2 and the
        IOS-XE ones alike (CSR1000V, ASR1001-X: some have Smart Licensing,
        some no license field at all), speak IOS; the ASA and the ASAv the
        ASA console."""
        licensing = self.daemon._model_licensing(self, headend["model"])
        return "cisco_ios" if licensing == "LICENSING_IOS" else "cisco_asa"


def _text(out):
    if isinstance(out, bytes):
        return out.decode(errors="replace")
    return out or ""


def _split_ssh(daemon, hostname, headend):
    addr = headend.get("sshAddress", "")
    if not addr:
        raise AsalabError(f"{hostname} has no SSH console: {daemon.no_console_reason()}")
    host, _, port = addr.rpartition(":")
    return host.strip("[]"), int(port)


class Daemon(Lab):
    """A headendd process of its own: a data dir under `workdir`, gRPC on a
    free loopback port, tokens required (--auth), a simulated clock at
    `clock_start` (None: the machine's clock), and SSH consoles on a range of
    `ssh_ports` ports (0: none).

    As a Lab it is the daemon's default lab (or the lab a lab file applied
    to it named), reached with the admin token, which can also create and
    delete labs.
    """

    def __init__(self, workdir, headendd=None, headendctl=None,
                 clock_start=DEFAULT_CLOCK_START, ssh_ports=DEFAULT_SSH_PORTS, args=(),
                 ready_timeout=30.0, stop_timeout=10.0):
        self.workdir = os.path.abspath(os.fspath(workdir))
        self.headendd = headendd or find_binary("headendd", "ASALAB_HEADENDD")
        self.headendctl = headendctl or find_binary("headendctl", "ASALAB_HEADENDCTL", near=self.headendd)
        self.clock_start = clock_start
        try:
            self.ssh_ports = check_ssh_ports(ssh_ports)
        except ValueError as err:
            raise AsalabError(f"ssh_ports {err}") from None
        self.extra_args = list(args)
        self.ready_timeout = ready_timeout
        self.stop_timeout = stop_timeout
        self.data_dir = os.path.join(self.workdir, "data")
        self.log_path = os.path.join(self.workdir, "headendd.log")
        self.proc = None
        self.addr = None
        self.ssh_addr = None
        self.daemon_token = None
        self._labs = 0
        # model (and alias) -> licensing of the daemon's catalog, read once.
        self._catalog = None
        super().__init__(self, None, None)

    def __repr__(self):
        return f"<asalab headendd pid {self.pid} at {self.addr}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    @property
    def admin_token(self):
        return self.daemon_token

    def _ctl_env(self, token):
        env = dict(os.environ)
        # The address and token are the daemon's, not the user's contexts.
        env.pop("ASALAB_ADDR", None)
        env["ASALAB_CONFIG"] = os.path.join(self.workdir, "headendctl-contexts.json")
        env["ASALAB_TOKEN"] = token or ""
        return env

    def start(self):
        """Start headendd and wait until it serves. On failure the process is
        gone and AsalabError carries the end of its log."""
        os.makedirs(self.workdir, exist_ok=True)
        ready = os.path.join(self.workdir, "ready.json")
        if os.path.exists(ready):
            os.remove(ready)
        # No metrics and no web console: their default ports are one per
        # machine, and a test reaches the daemon through headendctl and SSH.
        cmd = [self.headendd, "--data-dir", self.data_dir, "--grpc-addr", "127.0.0.1:0",
               "--metrics-addr", "", "--http-addr", "", "--ready-file", ready, "--auth"]
        if self.clock_start:
            cmd += ["--clock", "sim", "--clock-start", self.clock_start]
        else:
            cmd += ["--clock", "real"]
        if self.ssh_ports:
            base = random.randrange(_SSH_RANGE_LOW, _SSH_RANGE_HIGH - self.ssh_ports + 1)
            cmd += ["--ssh-addr", f"127.0.0.1:{base}", "--ssh-ports", str(self.ssh_ports)]
        cmd += self.extra_args
        # Linux's parent-death signal follows the thread that forks, not the
        # process: set from another thread it would stop the daemon as soon
        # as that thread ends. Such a daemon is stopped at the interpreter's
        # exit instead (not when the process is killed outright).
        on_main = threading.current_thread() is threading.main_thread()
        with open(self.log_path, "ab") as log:
            try:
                self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                             preexec_fn=_die_with_parent(os.getpid()) if on_main else None)
            except OSError as err:
                # An executable file the kernel cannot run (no #!, another
                # architecture): the plugin's message, not subprocess's
                # traceback.
                raise AsalabError(f"{self.headendd} could not be started: {err}") from None
        _running.add(self)
        try:
            info = self._wait_ready(ready)
        except BaseException:
            self.stop()
            raise
        self.addr = info["grpc_addr"]
        self.ssh_addr = info.get("ssh_addr") or None
        with open(info.get("admin_token_file") or os.path.join(self.data_dir, "admin.token")) as f:
            self.daemon_token = f.read().strip()
        self.token = self.daemon_token
        return self

    def _wait_ready(self, ready):
        deadline = time.monotonic() + self.ready_timeout
        while True:
            code = self.proc.poll()
            if code is not None:
                raise AsalabError(f"headendd exited with status {code} before it was ready:\n{self.log_tail()}")
            try:
                with open(ready) as f:
                    return json.load(f)
            except (FileNotFoundError, ValueError):
                pass  # not written yet, or half written
            if time.monotonic() > deadline:
                raise AsalabError(f"headendd was not ready within {self.ready_timeout:g}s:\n{self.log_tail()}")
            # headendd says it is ready only through the file; a short poll
            # is the whole cost of noticing it.
            time.sleep(0.02)

    def log_tail(self, lines=20):
        """The last lines of headendd's log (JSON, one record a line)."""
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        """Stop headendd: SIGTERM, then SIGKILL if it is not gone within
        stop_timeout. Returns its exit status (None if it never ran)."""
        proc = self.proc
        if proc is None:
            return None
        _running.discard(self)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return proc.returncode

    def _model_licensing(self, lab, model):
        """The licensing of a model in the daemon's catalog (``headendctl
        platforms``), asked once per daemon through `lab`, whose token may
        be a lab's."""
        if self._catalog is None:
            catalog = {}
            for p in lab.ctl("platforms")["platforms"]:
                for name in [p["model"], *(p.get("aliases") or [])]:
                    catalog[name.upper()] = p["licensing"]
            self._catalog = catalog
        try:
            return self._catalog[model.upper()]
        except KeyError:
            raise AsalabError(f"model {model} is not in headendd's catalog (headendctl platforms)") from None

    def no_console_reason(self):
        """Why a headend of this daemon may have no SSH console."""
        if not self.ssh_ports:
            return "the daemon has no SSH consoles (ssh_ports=0, --asalab-ssh-ports 0)"
        # headendd gives a port of its range to each headend while one is
        # free, for all its labs together; the headends past that have none.
        ports = f"{self.ssh_ports} port" + ("s" if self.ssh_ports != 1 else "")
        return (f"no console port was free in the daemon's SSH port range ({ports} "
                f"from {self.ssh_addr}, shared by all its labs): raise --asalab-ssh-ports "
                f"(ssh_ports=) up to {MAX_SSH_PORTS}, or delete headends")

    def lab(self, name):
        """A handle on an existing lab with the admin token."""
        return Lab(self, name, self.daemon_token)

    def create_lab(self, name=None, clock_start=None):
        """Create a lab (``headendctl lab create``) and return it with its own
        token, which reaches that lab only. Its clock is simulated from
        clock_start (default: the daemon's start), or real if the daemon's
        clock is."""
        if name is None:
            self._labs += 1
            name = f"lab{self._labs}"
        args = ["lab", "create", name]
        start = clock_start or self.clock_start
        if start:
            args += ["--clock-start", start]
        else:
            args += ["--clock", "real"]
        resp = self.lab(None).ctl(*args)
        return Lab(self, resp["lab"]["name"], resp["token"])

    def delete_lab(self, name):
        """Remove a lab and everything of it."""
        self.lab(None).ctl("lab", "delete", name)

    def labs(self):
        """The daemon's labs (``headendctl lab list``)."""
        return self.lab(None).ctl("lab", "list")["labs"]

    def new_lab_name(self, hint):
        """A lab name not used before by this handle, from a hint (a test's
        name): lab names are 1-63 of a-z, 0-9 and '-'."""
        self._labs += 1
        prefix = f"t{self._labs}"
        slug = _slug(hint, 62 - len(prefix))
        return f"{prefix}-{slug}" if slug else prefix


# The daemons started and not stopped yet: stopped when the interpreter
# exits, whichever thread started them.
_running = set()


@atexit.register
def _stop_running():
    for daemon in list(_running):
        daemon.stop()


def _die_with_parent(parent):
    """A preexec_fn that has Linux send the daemon SIGTERM when the process
    that started it dies, so that a test run killed outright (SIGKILL, a CI
    timeout) leaves no headendd behind. Only for a start from the main
    thread: the signal comes when the thread that forked ends (prctl(2),
    PR_SET_PDEATHSIG), and the main thread ends with the process."""
    if not sys.platform.startswith("linux"):
        return None

    def set_pdeathsig():
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
        except Exception:  # pragma: no cover - best effort
            return
        if os.getppid() != parent:  # the parent died before prctl
            os._exit(1)

    return set_pdeathsig


def start(workdir, **kwargs):
    """Start a headendd (see Daemon for the options) and return it; use it as
    a context manager, or call stop()."""
    return Daemon(workdir, **kwargs).start()
