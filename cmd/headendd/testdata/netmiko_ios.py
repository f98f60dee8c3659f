"""Drive one asalab IOS router with Netmiko's cisco_ios driver, unchanged.

Run by ssh_clients_router_test.go with Debian's /usr/bin/python3 (python3-netmiko):
    netmiko_ios.py HOST PORT USERNAME PASSWORD SECRET [TEMPLATES]
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
conn = ConnectHandler(device_type="cisco_ios", host=host, port=int(port),
                      username=username, password=password, secret=secret)
result = {"base_prompt": conn.base_prompt}
conn.enable()
result["show_version"] = conn.send_command("show version")
result["config_set"] = conn.send_config_set(["interface GigabitEthernet0/1",
                                             "description netmiko uplink",
                                             "ip address 192.0.2.1 255.255.255.0",
                                             "no shutdown"])
result["save_config"] = conn.save_config()
result["privilege"] = conn.send_command("show privilege")
result["brief"] = conn.send_command("show ip interface brief")

if len(sys.argv) > 6:
    os.environ["NET_TEXTFSM"] = sys.argv[6]
    for key, command in (("version", "show version"), ("inventory", "show inventory"),
                         ("brief", "show ip interface brief"), ("clock", "show clock")):
        try:
            out = conn.send_command(command, use_textfsm=True)
        except Exception as err:  # textfsm.TextFSMError is not caught by Netmiko 2.4
            out = {"error": str(err)}
        result["textfsm_" + key] = json.dumps(out if not isinstance(out, str) else {"raw": out})
conn.disconnect()
print(json.dumps(result))
