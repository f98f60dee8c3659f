import netmiko
import pytest

pytestmark = pytest.mark.asalab_lab_file("labs/branch.yaml")


def test_premium_peers(asalab):
    conn = netmiko.ConnectHandler(**asalab.netmiko_params("asa1", fast_cli=True))
    out = conn.send_command("show version")
    conn.disconnect()
    assert "AnyConnect Premium Peers          : 250" in out


def test_essentials_off(asalab_lab):
    conn = netmiko.ConnectHandler(**asalab_lab.netmiko_params("asa1", fast_cli=True))
    conn.enable()
    conn.send_config_set(["webvpn", "no anyconnect-essentials"])
    conn.save_config()
    conn.disconnect()
    assert asalab_lab.headend("asa1")["startupConfig"]["anyconnectEssentials"] is False


def test_a_month_later(asalab_lab):
    asalab_lab.advance("30d")
    assert asalab_lab.clock()["clock"]["now"] == "2026-02-04T09:00:00Z"
