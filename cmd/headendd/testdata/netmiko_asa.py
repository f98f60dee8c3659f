"""Drive one asalab headend with Netmiko's cisco_asa driver, unchanged.

Run by ssh_clients_test.go with Debian's /usr/bin/python3 (python3-netmiko):
    netmiko_asa.py HOST PORT USERNAME PASSWORD SECRET
Prints one JSON object with what each call returned.
"""
import json
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
conn.disconnect()
print(json.dumps(result))
