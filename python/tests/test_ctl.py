"""The asalab fixture's daemon, driven through headendctl -o json."""

import pytest

from pytest_asalab import AsalabError


def test_ctl_returns_the_json_document(asalab):
    created = asalab.ctl("create", "--model", "ASA5525", "--hostname", "asa1", "--serial", "FCH2648AAAA")
    assert created["headend"]["hostname"] == "asa1"
    listed = asalab.ctl("list")
    assert [h["hostname"] for h in listed["headends"]] == ["asa1"]
    h = listed["headends"][0]
    assert (h["model"], h["serial"], h["state"]) == ("ASA5525", "FCH2648AAAA", "HEADEND_STATE_UP")
    # Every field is present with -o json, even the unset ones.
    assert h["failover"] is None
    assert asalab.headends() == listed["headends"]


def test_ctl_error_carries_headendctl_message(asalab):
    with pytest.raises(AsalabError) as err:
        asalab.ctl("get", "nosuch")
    assert err.value.returncode == 1
    assert 'headend not found: "nosuch"' in str(err.value)
    assert "HEADEND_NOT_FOUND" in err.value.stderr


def test_clock_starts_at_the_fixed_start_and_advances(asalab_lab):
    assert asalab_lab.clock()["clock"]["now"] == "2026-01-05T09:00:00Z"
    assert asalab_lab.advance("1h")["clock"]["now"] == "2026-01-05T10:00:00Z"
    assert asalab_lab.clock()["clock"]["now"] == "2026-01-05T10:00:00Z"


def test_netmiko_params_per_family(asalab_lab):
    asalab_lab.create("asa1", model="ASA5525")
    asalab_lab.create("vasa1", model="ASAv10")
    asalab_lab.create("r1", model="CISCO2911")
    asalab_lab.create("ops1", model="ASA5516", username="ops", password="0ps!pw", enable_password="3nable")
    for hostname, device_type in [("asa1", "cisco_asa"), ("vasa1", "cisco_asa"), ("r1", "cisco_ios")]:
        params = asalab_lab.netmiko_params(hostname)
        host, port = asalab_lab.ssh_address(hostname)
        assert params == {"device_type": device_type, "host": "127.0.0.1", "port": port,
                          "username": "admin", "password": "admin", "secret": "admin"}, hostname
        assert host == "127.0.0.1"
    ops = asalab_lab.netmiko_params("ops1", username="ops", password="0ps!pw", secret="3nable", timeout=30)
    assert (ops["username"], ops["password"], ops["secret"], ops["timeout"]) == ("ops", "0ps!pw", "3nable", 30)


def test_exec_error_keeps_the_console(asalab_lab):
    asalab_lab.create("asa1")
    ok = asalab_lab.exec("asa1", "show version")
    assert "Hardware:   ASA5525," in str(ok)
    with pytest.raises(AsalabError) as err:
        asalab_lab.exec("asa1", "show nosuch")
    assert err.value.returncode == 1
    assert "show nosuch" in err.value.stdout
