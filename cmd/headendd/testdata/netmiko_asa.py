"""Drive one asalab headend with Netmiko's cisco_asa driver, unchanged.

Run by ssh_clients_test.go with Debian's /usr/bin/python3 (python3-netmiko):
    netmiko_asa.py HOST PORT USERNAME PASSWORD SECRET [TEMPLATES]
TEMPLATES is an ntc-templates folder with its index: with it, the script also
asks for parsed outputs (send_command(..., use_textfsm=True)), with
NET_TEXTFSM pointing at it.
Prints one JSON object with what each call returned.
"""
import json
import os
import sys

from netmiko import ConnectHandler

host, port, username, password, secret = sys.argv[1:6]
conn = ConnectHandler(device_type="cisco_asa", host=host, port=int(port),
                      username=username, password=password, secret=secret)
result = {"base_prompt": conn.base_prompt}
result["show_version"] = conn.send_command("show version")
result["config_set"] = conn.send_config_set(["webvpn", "no anyconnect-essentials"])
result["save_config"] = conn.save_config()
result["curpriv"] = conn.send_command("show curpriv")


def structured(command):
    """What send_command(use_textfsm=True) gives: the parsed records, the raw
    text when no template matched, or the parser's error when the template
    rejected a line."""
    try:
        out = conn.send_command(command, use_textfsm=True)
    except Exception as err:  # textfsm.TextFSMError is not caught by Netmiko 2.4
        return {"error": str(err)}
    if isinstance(out, list):
        return {"parsed": out}
    return {"raw": out}


if len(sys.argv) > 6:
    os.environ["NET_TEXTFSM"] = sys.argv[6]
    for key, command in (("inventory", "show inventory"), ("failover", "show failover"),
                         ("logging", "show logging")):
        result["textfsm_" + key] = json.dumps(structured(command))
    # A unit given its failover LAN link, as before pairing it.
    conn.send_config_set(["failover lan unit secondary",
                          "failover lan interface folink GigabitEthernet0/7"])
    result["textfsm_failover_configured"] = json.dumps(structured("show failover"))
    # Taken out again: the caller checks that the running configuration
    # is the saved one.
    conn.send_config_set(["no failover lan interface", "no failover lan unit"])
conn.disconnect()
print(json.dumps(result))
