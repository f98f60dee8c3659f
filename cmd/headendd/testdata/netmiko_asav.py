"""Drive one asalab ASAv headend with Netmiko's cisco_asa driver, unchanged,
through Smart Licensing: parsed show version and show license all, the
license smart lines, a registration with an ID token, show license all
again.

Run by ssh_clients_test.go with Debian's /usr/bin/python3 (python3-netmiko):
    netmiko_asav.py HOST PORT USERNAME PASSWORD SECRET TEMPLATES TOKEN
TEMPLATES is an ntc-templates folder with its index (NET_TEXTFSM points at
it); TOKEN an ID token of the lab's Smart Software Manager.
Prints one JSON object with what each call returned.
"""
import json
import os
import sys

from netmiko import ConnectHandler

host, port, username, password, secret, templates, token = sys.argv[1:8]
os.environ["NET_TEXTFSM"] = templates
conn = ConnectHandler(device_type="cisco_asa", host=host, port=int(port),
                      username=username, password=password, secret=secret)


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


result = {"base_prompt": conn.base_prompt}
result["show_version"] = conn.send_command("show version")
result["textfsm_version"] = structured("show version")
result["textfsm_license_unlicensed"] = structured("show license all")
result["config_set"] = conn.send_config_set(["license smart", "feature tier standard", "throughput level 1G"])
result["textfsm_license_eval"] = structured("show license all")
result["register"] = conn.send_command("license smart register idtoken " + token)
result["textfsm_license_registered"] = structured("show license all")
result["textfsm_version_registered"] = structured("show version")
result["save_config"] = conn.save_config()
conn.disconnect()
print(json.dumps(result))
