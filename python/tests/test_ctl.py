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


def _family_device_type(model):
    # What Netmiko drives each catalog model with: the ASA 5500(-X) and
    # the ASAv speak the ASA console (cisco_asa); the ISR G2 routers
    # (CISCO1941/2911/3945) and the IOS-XE ones (CSR1000V, ASR1001-X) speak
    # IOS (cisco_ios).
    if model.startswith("ASA"):
        return "cisco_asa"
    if model.startswith("CISCO") or model in ("CSR1000V", "ASR1001-X"):
        return "cisco_ios"
    raise AssertionError(f"model {model} of the catalog is new to this test: say which device_type it gets")


def test_netmiko_device_type_of_every_catalog_model(asalab_lab, tmp_path):
    models = [p["model"] for p in asalab_lab.ctl("platforms")["platforms"] if p["simulated"]]
    assert {"ASA5525", "ASAv10", "CISCO2911", "CSR1000V", "ASR1001-X"} <= set(models)
    hosts = {m: "h-" + m.lower().replace("-", "") for m in models}
    lab = tmp_path / "every-model.yaml"
    lab.write_text("headends:\n" + "".join(f"  - {{hostname: {h}, model: {m}}}\n" for m, h in hosts.items()))
    asalab_lab.apply(lab)
    got = {m: asalab_lab.netmiko_params(h)["device_type"] for m, h in hosts.items()}
    assert got == {m: _family_device_type(m) for m in models}
