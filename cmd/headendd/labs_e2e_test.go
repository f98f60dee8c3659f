package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/asalab/asalab/keygen"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestEndToEndLabs: two labs of one daemon, each with a headend asa1 of
// the same serial, are isolated: keys signed for one are refused by the
// other, their clocks, event logs and portals are their own, and each
// console port accepts only its own lab's login and reaches its own
// headend. Deleting a lab ends a client's stream of its events cleanly,
// closes its consoles, and after a restart it is gone.
func TestEndToEndLabs(t *testing.T) {
	headendd, _ := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	base := sshBase()
	d := startDaemon(t, headendd, dataDir, "--ssh-addr", base, "--ssh-ports", "50")
	conn := d.dial(t)
	ls, hc := headendv1.NewLabsServiceClient(conn), headendv1.NewHeadendServiceClient(conn)
	lc, ec := headendv1.NewLabServiceClient(conn), headendv1.NewEventServiceClient(conn)
	pc := headendv1.NewPortalServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	const serial = "FCH1947V0GY"
	pass := map[string]string{"red": "Red-Secret-1", "blue": "Blue-Secret-2"}
	addr := map[string]string{}
	for _, lab := range []string{"red", "blue"} {
		if _, err := ls.CreateLab(ctx, &headendv1.CreateLabRequest{Lab: lab}); err != nil {
			t.Fatal(err)
		}
		resp, err := hc.CreateHeadend(ctx, &headendv1.CreateHeadendRequest{Lab: lab, Model: "ASA5525", Hostname: "asa1",
			Serial: serial, Username: lab + "adm", Password: pass[lab], EnablePassword: pass[lab]})
		if err != nil {
			t.Fatal(err)
		}
		addr[lab] = resp.GetHeadend().GetSshAddress()
	}
	if addr["red"] == "" || addr["red"] == addr["blue"] {
		t.Fatalf("console addresses: red %q, blue %q", addr["red"], addr["blue"])
	}

	// Keys: the lab's own signer.
	secret, err := keygen.ReadSecretFile(filepath.Join(dataDir, keygen.SecretFile))
	if err != nil {
		t.Fatal(err)
	}
	master, _ := keygen.NewSigner(secret)
	w, err := master.ForLab("red").Encode(keygen.Key{Serial: serial, Features: keygen.Features{PremiumPeers: 250}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hc.InstallActivationKey(ctx, &headendv1.InstallActivationKeyRequest{Lab: "red", Hostname: "asa1", ActivationKey: w.String()}); err != nil {
		t.Fatalf("red's key in red: %v", err)
	}
	if _, err := hc.InstallActivationKey(ctx, &headendv1.InstallActivationKeyRequest{Lab: "blue", Hostname: "asa1", ActivationKey: w.String()}); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("red's key in blue: %v, want InvalidArgument", err)
	}

	// Clocks.
	if _, err := lc.AdvanceClock(ctx, &headendv1.AdvanceClockRequest{Lab: "red", Duration: durationpb.New(48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	red, _ := lc.GetClock(ctx, &headendv1.GetClockRequest{Lab: "red"})
	blue, _ := lc.GetClock(ctx, &headendv1.GetClockRequest{Lab: "blue"})
	if got := red.GetClock().GetNow().AsTime().Sub(blue.GetClock().GetNow().AsTime()); got < 47*time.Hour {
		t.Fatalf("red's clock is %s ahead of blue's, want 48h", got)
	}

	// Portals.
	order, err := pc.PlaceOrder(ctx, &headendv1.PlaceOrderRequest{Lab: "red", Lines: []*headendv1.OrderLine{
		{Sku: "L-AC-PLS-LIC=", Users: 100, Months: 12, Customer: "Acme Corp"}}})
	if err != nil {
		t.Fatal(err)
	}
	pak := order.GetPaks()[0].GetPak()
	if _, err := pc.RegisterPak(ctx, &headendv1.RegisterPakRequest{Lab: "blue", Pak: pak, Serial: serial}); status.Code(err) != codes.NotFound {
		t.Fatalf("red's PAK in blue's portal: %v, want NotFound", err)
	}

	// Events: red's key install and order are in red's log only.
	kinds := func(lab string) map[headendv1.EventKind]int {
		t.Helper()
		evs, err := ec.ListEvents(ctx, &headendv1.ListEventsRequest{Lab: lab, PageSize: 1000})
		if err != nil {
			t.Fatal(err)
		}
		n := map[headendv1.EventKind]int{}
		for _, ev := range evs.GetEvents() {
			n[ev.GetKind()]++
		}
		return n
	}
	redKinds, blueKinds := kinds("red"), kinds("blue")
	for _, k := range []headendv1.EventKind{headendv1.EventKind_EVENT_KIND_KEY_INSTALLED, headendv1.EventKind_EVENT_KIND_PORTAL_ORDER} {
		if redKinds[k] == 0 || blueKinds[k] != 0 {
			t.Errorf("%v events: red %d, blue %d; want some, none", k, redKinds[k], blueKinds[k])
		}
	}

	// Consoles: each port takes its own lab's login only, and reaches its
	// own headend.
	for lab, other := range map[string]string{"red": "blue", "blue": "red"} {
		if c, err := sshDial(addr[lab], other+"adm", pass[other]); err == nil {
			c.Close()
			t.Fatalf("%s's console accepted %s's login", lab, other)
		}
		c, err := sshDial(addr[lab], lab+"adm", pass[lab])
		if err != nil {
			t.Fatalf("%s's console refused its own login: %v", lab, err)
		}
		s, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Output("show version | include Premium")
		c.Close()
		if err != nil {
			t.Fatalf("%s: %v", lab, err)
		}
		t.Logf("%s: show version | include Premium: %q", lab, out)
		licensed := strings.Contains(string(out), "250")
		if licensed != (lab == "red") {
			t.Fatalf("%s's asa1 shows %q", lab, out)
		}
	}

	// Deleting blue ends a stream of its events cleanly and closes its
	// console.
	stream, err := ec.WatchEvents(ctx, &headendv1.WatchEventsRequest{Lab: "blue"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil { // the stored events: attached
		t.Fatal(err)
	}
	if _, err := ls.DeleteLab(ctx, &headendv1.DeleteLabRequest{Lab: "blue"}); err != nil {
		t.Fatal(err)
	}
	for {
		if _, err = stream.Recv(); err != nil {
			break
		}
	}
	if !errors.Is(err, io.EOF) {
		t.Fatalf("blue's event stream ended with %v, want io.EOF", err)
	}
	if c, err := sshDial(addr["blue"], "blueadm", pass["blue"]); err == nil {
		c.Close()
		t.Fatal("a deleted lab's console still takes logins")
	}

	d.kill()
	d = startDaemon(t, headendd, dataDir, "--ssh-addr", base, "--ssh-ports", "50")
	conn = d.dial(t)
	ls, hc = headendv1.NewLabsServiceClient(conn), headendv1.NewHeadendServiceClient(conn)
	list, err := ls.ListLabs(ctx, &headendv1.ListLabsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range list.GetLabs() {
		names = append(names, l.GetName())
	}
	if got := strings.Join(names, ","); got != "default,red" {
		t.Fatalf("labs after restart: %s", got)
	}
	if _, err := hc.GetHeadend(ctx, &headendv1.GetHeadendRequest{Lab: "blue", Hostname: "asa1"}); status.Code(err) != codes.NotFound {
		t.Fatalf("blue's asa1 after restart: %v", err)
	}
	got, err := hc.GetHeadend(ctx, &headendv1.GetHeadendRequest{Lab: "red", Hostname: "asa1"})
	if err != nil || got.GetHeadend().GetSshAddress() != addr["red"] {
		t.Fatalf("red's asa1 after restart: %v, %v (console was %s)", got.GetHeadend().GetSshAddress(), err, addr["red"])
	}
	if c, err := sshDial(addr["red"], "redadm", pass["red"]); err != nil {
		t.Fatalf("red's console after restart: %v", err)
	} else {
		c.Close()
	}
}

func sshDial(addr, user, pass string) (*ssh.Client, error) {
	return ssh.Dial("tcp", addr, &ssh.ClientConfig{
		User: user, Auth: []ssh.AuthMethod{ssh.Password(pass)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
}
