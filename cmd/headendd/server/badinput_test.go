package server

import (
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestBadInputChangesNothing: every refused request and console line leaves
// the headend byte for byte as it was: show version, show activation-key
// detail, and the headend over gRPC.
func TestBadInputChangesNothing(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ model, host, serial string }{
		{"ASA5525", "asa1", "FCH1947V0GY"},
		{"ASA5506", "small", "JAD19440BQH"},
	} {
		if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: c.model, Hostname: c.host, Serial: c.serial}); err != nil {
			t.Fatal(err)
		}
	}
	key := func(args ...string) string {
		return e.do(&ddCase{cmd: "keygen", args: append([]string{"name=K"}, args...)})
	}
	perm := key("serial=FCH1947V0GY", "premium=250")
	otherSerial := key("serial=FCH1947V0GZ", "premium=250")
	otherLab := key("serial=FCH1947V0GY", "premium=250", "lab=training")
	tbSmall := key("serial=JAD19440BQH", "premium=25", "days=30", "nonce=1")
	vpnOnly := key("serial=FCH1947V0GY", "vpn-only=100")
	tbPremium := key("serial=FCH1947V0GY", "premium=500", "days=30", "nonce=1")
	// A starting state with something in it: a permanent key and a
	// time-based Premium key (which a VPN Only key may not join).
	for _, k := range []string{perm, tbPremium} {
		if _, err := e.hc.InstallActivationKey(ctxT(), &headendv1.InstallActivationKeyRequest{Hostname: "asa1", ActivationKey: k}); err != nil {
			t.Fatal(err)
		}
	}

	snapshot := func(host string) (string, *headendv1.Headend) {
		resp, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: host, Lines: []string{"show version", "show activation-key detail", "show running-config"}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.hc.GetHeadend(ctxT(), &headendv1.GetHeadendRequest{Hostname: host})
		if err != nil {
			t.Fatal(err)
		}
		return resp.GetTranscript(), got.GetHeadend()
	}

	rpcs := []struct {
		name string
		host string
		call func() error
		code codes.Code
	}{
		{"key for another serial", "asa1", func() error {
			_, err := e.hc.InstallActivationKey(ctxT(), &headendv1.InstallActivationKeyRequest{Hostname: "asa1", ActivationKey: otherSerial})
			return err
		}, codes.InvalidArgument},
		{"key for another lab", "asa1", func() error {
			_, err := e.hc.InstallActivationKey(ctxT(), &headendv1.InstallActivationKeyRequest{Hostname: "asa1", ActivationKey: otherLab})
			return err
		}, codes.InvalidArgument},
		{"four words", "asa1", func() error {
			_, err := e.hc.InstallActivationKey(ctxT(), &headendv1.InstallActivationKeyRequest{Hostname: "asa1", ActivationKey: "0x1 0x2 0x3 0x4"})
			return err
		}, codes.InvalidArgument},
		{"not hex", "asa1", func() error {
			_, err := e.hc.InstallActivationKey(ctxT(), &headendv1.InstallActivationKeyRequest{Hostname: "asa1", ActivationKey: "0x1 0x2 0x3 0x4 0xkk"})
			return err
		}, codes.InvalidArgument},
		{"time-based on a 5506-X", "small", func() error {
			_, err := e.hc.InstallActivationKey(ctxT(), &headendv1.InstallActivationKeyRequest{Hostname: "small", ActivationKey: tbSmall})
			return err
		}, codes.FailedPrecondition},
		{"VPN Only next to Premium", "asa1", func() error {
			_, err := e.hc.InstallActivationKey(ctxT(), &headendv1.InstallActivationKeyRequest{Hostname: "asa1", ActivationKey: vpnOnly})
			return err
		}, codes.FailedPrecondition},
		{"deactivate a permanent key", "asa1", func() error {
			_, err := e.hc.InstallActivationKey(ctxT(), &headendv1.InstallActivationKeyRequest{Hostname: "asa1", ActivationKey: perm,
				Action: headendv1.KeyAction_KEY_ACTION_DEACTIVATE})
			return err
		}, codes.InvalidArgument},
		{"duplicate hostname", "asa1", func() error {
			_, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5516", Hostname: "asa1"})
			return err
		}, codes.AlreadyExists},
		{"duplicate serial", "asa1", func() error {
			_, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "asa9", Serial: "FCH1947V0GY"})
			return err
		}, codes.AlreadyExists},
		{"malformed serial", "asa1", func() error {
			_, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "asa9", Serial: "FCH1947"})
			return err
		}, codes.InvalidArgument},
		{"unknown model", "asa1", func() error {
			_, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "PIX515E", Hostname: "asa9"})
			return err
		}, codes.InvalidArgument},
		{"unknown headend", "asa1", func() error {
			_, err := e.hc.Reload(ctxT(), &headendv1.ReloadRequest{Hostname: "nosuch"})
			return err
		}, codes.NotFound},
		{"unknown lab", "asa1", func() error {
			_, err := e.hc.Reload(ctxT(), &headendv1.ReloadRequest{Lab: "other", Hostname: "asa1"})
			return err
		}, codes.NotFound},
		{"RMA onto a serial in use", "asa1", func() error {
			_, err := e.hc.ReturnForRepair(ctxT(), &headendv1.ReturnForRepairRequest{Hostname: "asa1", NewSerial: "JAD19440BQH"})
			return err
		}, codes.AlreadyExists},
		{"RMA onto a malformed serial", "asa1", func() error {
			_, err := e.hc.ReturnForRepair(ctxT(), &headendv1.ReturnForRepairRequest{Hostname: "asa1", NewSerial: "x"})
			return err
		}, codes.InvalidArgument},
		{"empty exec", "asa1", func() error {
			_, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: "asa1"})
			return err
		}, codes.InvalidArgument},
	}
	for _, tt := range rpcs {
		t.Run(tt.name, func(t *testing.T) {
			beforeText, before := snapshot(tt.host)
			err := tt.call()
			if status.Code(err) != tt.code {
				t.Fatalf("code = %v (%v), want %v", status.Code(err), err, tt.code)
			}
			afterText, after := snapshot(tt.host)
			if beforeText != afterText {
				t.Errorf("console output changed:\n%s", firstDiff(afterText, beforeText))
			}
			if !proto.Equal(before, after) {
				t.Errorf("headend changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}

	scripts := []struct {
		host  string
		lines []string
	}{
		{"asa1", []string{"activation-key " + otherSerial}},
		{"asa1", []string{"activation-key " + otherLab}},
		{"asa1", []string{"activation-key 0x1 0x2 0x3"}},
		{"asa1", []string{"activation-key 0x1 0x2 0x3 0x4 0x5"}},
		{"asa1", []string{"activation-key " + vpnOnly}},
		{"asa1", []string{"activation-key " + perm + " deactivate"}},
		{"asa1", []string{"activation-key " + perm + " sideways"}},
		{"small", []string{"activation-key " + tbSmall}},
		{"asa1", []string{"frobnicate"}},
		{"asa1", []string{"show versions"}},
		{"asa1", []string{"configure terminal", "hostname bad_name"}},
		{"asa1", []string{"configure terminal", "hostname small"}},
		{"asa1", []string{"configure terminal", "webvpn", "anyconnect-essentials now"}},
		{"asa1", []string{"s"}},
	}
	for _, sc := range scripts {
		t.Run(strings.Join(sc.lines, "; "), func(t *testing.T) {
			beforeText, before := snapshot(sc.host)
			resp, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: sc.host, Lines: sc.lines})
			if err != nil {
				t.Fatal(err)
			}
			res := resp.GetResults()
			if out := res[len(res)-1].GetOutput(); !strings.Contains(out, "ERROR: ") {
				t.Errorf("%q printed no ERROR line:\n%s", sc.lines, out)
			}
			afterText, after := snapshot(sc.host)
			if beforeText != afterText {
				t.Errorf("console output changed:\n%s", firstDiff(afterText, beforeText))
			}
			if !proto.Equal(before, after) {
				t.Errorf("headend changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}
