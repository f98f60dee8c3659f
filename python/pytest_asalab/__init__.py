"""asalab for Python tests: start headendd, drive it with headendctl -o json.

The pytest fixtures are in pytest_asalab.plugin (load it with
``-p pytest_asalab``, or install the package: its ``pytest11`` entry point
loads it). Everything here also works without pytest:

    with pytest_asalab.start("/tmp/lab") as lab:
        lab.ctl("create", "--model", "ASA5525", "--hostname", "asa1")
        netmiko.ConnectHandler(**lab.netmiko_params("asa1"))

Only the standard library is used; headendd and headendctl are found through
ASALAB_HEADENDD / ASALAB_HEADENDCTL or PATH.
"""

from ._core import (
    DEFAULT_CLOCK_START,
    AsalabError,
    Daemon,
    Lab,
    find_binary,
    start,
)

__all__ = [
    "DEFAULT_CLOCK_START",
    "AsalabError",
    "Daemon",
    "Lab",
    "find_binary",
    "start",
]

# `-p pytest_asalab` (and the pytest11 entry point, of the same name) load
# this module as the plugin: it carries the hooks and fixtures of plugin.py.
# Without pytest the module is still the library above.
try:
    import pytest as _pytest  # noqa: F401
except ImportError:  # pragma: no cover
    pass
else:
    from .plugin import (  # noqa: F401
        asalab,
        asalab_lab,
        pytest_addoption,
        pytest_configure,
        pytest_runtest_setup,
    )
