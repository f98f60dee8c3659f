"""Netmiko on the headends of a lab file, through the plugin's parameters."""

import os

import pytest

netmiko = pytest.importorskip("netmiko", reason="Netmiko is not installed: apt-get install python3-netmiko")

pytestmark = pytest.mark.asalab_lab_file("labs/branch.yaml")


def test_lab_file_applied_to_the_daemon(asalab):
    assert asalab.applied["changes"], "a new daemon's default lab had to change"
    assert sorted(h["hostname"] for h in asalab.headends()) == ["asa1", "vasa1"]
    # Applying the same file again changes nothing.
    assert asalab.apply(os.path.join(os.path.dirname(__file__), "labs", "branch.yaml"))["changes"] == []


def test_show_version_over_netmiko(asalab):
    conn = netmiko.ConnectHandler(**asalab.netmiko_params("asa1", fast_cli=True))
    try:
        out = conn.send_command("show version")
    finally:
        conn.disconnect()
    assert "Hardware:   ASA5525," in out
    assert "Serial Number: FCH2648ABCD" in out
    assert "AnyConnect Premium Peers          : 250" in out


def test_the_lab_file_marker_fills_each_isolated_lab(asalab_lab):
    assert sorted(h["hostname"] for h in asalab_lab.headends()) == ["asa1", "vasa1"]
    params = asalab_lab.netmiko_params("vasa1", fast_cli=True)
    assert params["device_type"] == "cisco_asa"
    conn = netmiko.ConnectHandler(**params)
    try:
        out = conn.send_command("show version")
    finally:
        conn.disconnect()
    assert "Model Id:   ASAv10" in out


def test_show_version_on_an_ios_xe_router(asalab_lab):
    asalab_lab.create("csr1", model="CSR1000V")
    params = asalab_lab.netmiko_params("csr1", fast_cli=True)
    assert params["device_type"] == "cisco_ios"
    conn = netmiko.ConnectHandler(**params)
    try:
        conn.enable()
        out = conn.send_command("show version")
    finally:
        conn.disconnect()
    assert "Cisco IOS XE Software" in out
