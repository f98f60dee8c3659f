package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// iosCollection is where Debian's ansible package keeps the cisco.ios
// collection.
const iosCollection = "/usr/lib/python3/dist-packages/ansible_collections/cisco/ios"

// createIOS adds a CISCO2911 with headendctl and returns its SSH address.
func (l *sshLab) createIOS(hostname, serial string, extra ...string) (host, port string) {
	l.t.Helper()
	args := append([]string{"--addr", l.d.grpc, "create", "--model", "CISCO2911", "--hostname", hostname, "--serial", serial}, extra...)
	mustCtl(l.t, l.headendctl, args...)
	out := mustCtl(l.t, l.headendctl, "--addr", l.d.grpc, "get", hostname)
	m := sshLine.FindStringSubmatch(out)
	if m == nil {
		l.t.Fatalf("headendctl get %s prints no ssh: line:\n%s", hostname, out)
	}
	host, port, err := net.SplitHostPort(m[1])
	if err != nil {
		l.t.Fatal(err)
	}
	return host, port
}

// TestSSHClientsIOS drives IOS routers with the real tools, unchanged:
// Netmiko's cisco_ios driver (send_command, send_config_set, save_config,
// TextFSM parsing) and an Ansible playbook with cisco.ios over network_cli
// (ios_command, ios_config), run twice to show it idempotent. It fails
// when they are not installed (see installHint).
func TestSSHClientsIOS(t *testing.T) {
	requireClients(t)
	if _, err := os.Stat(iosCollection); err != nil {
		t.Fatalf("the cisco.ios Ansible collection is not installed (%v); %s", err, installHint)
	}
	l := startSSHLab(t)
	nmHost, nmPort := l.createIOS("r-nm", "FTX1628A1B2")
	ansHost, ansPort := l.createIOS("r-ans", "FTX1628A1B3", "--username", "ops", "--password", "0ps!pw", "--enable-password", "3nable")

	t.Run("netmiko", func(t *testing.T) {
		t.Parallel()
		script, err := filepath.Abs("testdata/netmiko_ios.py")
		if err != nil {
			t.Fatal(err)
		}
		out := runClient(t, t.TempDir(), 3*time.Minute, debianPython, script, nmHost, nmPort, "admin", "admin", "admin", ntcTemplatesDir(t))
		var res map[string]string
		if err := json.Unmarshal([]byte(out[strings.LastIndex(out, "\n{")+1:]), &res); err != nil {
			t.Fatalf("netmiko output: %v\n%s", err, out)
		}
		for key, want := range map[string]string{
			"base_prompt":  "r-nm",
			"show_version": "Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.5(3)M, RELEASE SOFTWARE (fc1)",
			"config_set":   "r-nm(config-if)#no shutdown\nr-nm(config-if)#end\nr-nm#",
			"save_config":  "[OK]",
			"privilege":    "Current privilege level is 15",
			"brief":        "GigabitEthernet0/1         192.0.2.1       YES manual up                    up",
		} {
			if !strings.Contains(res[key], want) {
				t.Errorf("netmiko %s: %q lacks %q", key, res[key], want)
			}
		}
		if strings.Contains(res["show_version"], "show version") {
			t.Errorf("netmiko did not strip the echoed command: %q", res["show_version"][:80])
		}
		var ver, inv []map[string]any
		if err := json.Unmarshal([]byte(res["textfsm_version"]), &ver); err != nil || len(ver) != 1 ||
			ver[0]["version"] != "15.5(3)M" || fmt.Sprint(ver[0]["serial"]) != "[FTX1628A1B2]" || ver[0]["hostname"] != "r-nm" {
			t.Errorf("netmiko show version with use_textfsm: %v %s", err, res["textfsm_version"])
		}
		if err := json.Unmarshal([]byte(res["textfsm_inventory"]), &inv); err != nil || len(inv) != 1 || inv[0]["pid"] != "CISCO2911/K9" {
			t.Errorf("netmiko show inventory with use_textfsm: %v %s", err, res["textfsm_inventory"])
		}
		for _, key := range []string{"textfsm_brief", "textfsm_clock"} {
			var recs []map[string]any
			if err := json.Unmarshal([]byte(res[key]), &recs); err != nil || len(recs) == 0 {
				t.Errorf("netmiko %s: %v %s", key, err, res[key])
			}
		}
		l.iosSaved("r-nm")
	})

	t.Run("ansible", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		playbook, err := filepath.Abs("testdata/ansible_ios.yml")
		if err != nil {
			t.Fatal(err)
		}
		inventory := fmt.Sprintf(`all:
  children:
    ios:
      hosts:
        r-ans:
          ansible_host: %s
          ansible_port: %s
          expected_serial: FTX1628A1B3
          expected_udi: "CISCO2911/K9:FTX1628A1B3"
      vars:
        ansible_connection: ansible.netcommon.network_cli
        ansible_network_os: cisco.ios.ios
        ansible_user: ops
        ansible_password: "0ps!pw"
        ansible_become: true
        ansible_become_method: enable
        ansible_become_password: 3nable
`, ansHost, ansPort)
		if err := os.WriteFile(filepath.Join(dir, "inventory.yml"), []byte(inventory), 0o644); err != nil {
			t.Fatal(err)
		}
		recap := regexp.MustCompile(`(?m)^r-ans\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)`)
		for i, want := range []string{"ok=7 changed=3 unreachable=0 failed=0", "ok=7 changed=0 unreachable=0 failed=0"} {
			out := runClient(t, dir, 3*time.Minute, "ansible-playbook", "-i", "inventory.yml", playbook)
			m := recap.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("run %d: no play recap:\n%s", i+1, out)
			}
			if got := fmt.Sprintf("ok=%s changed=%s unreachable=%s failed=%s", m[1], m[2], m[3], m[4]); got != want {
				t.Errorf("run %d: recap %s, want %s\n%s", i+1, got, want, out)
			}
			l.iosSaved("r-ans")
		}
	})
}

// iosSaved checks through gRPC that the router's running configuration is
// saved.
func (l *sshLab) iosSaved(hostname string) {
	l.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := l.hc.GetHeadend(ctx, &headendv1.GetHeadendRequest{Hostname: hostname})
	if err != nil {
		l.t.Fatal(err)
	}
	if resp.GetHeadend().GetConfigUnsaved() {
		l.t.Errorf("%s: the running configuration is not saved", hostname)
	}
}
