package labtest_test

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim/labtest"
)

// TestStart: the default lab of a daemon of its own, at the fixed clock
// start, with a key installed from features, its console answering; and
// tokens are on, as on a shared lab: a call without one is refused.
func TestStart(t *testing.T) {
	l := labtest.Start(t)
	if l.Name != "default" {
		t.Errorf("lab %q, want default", l.Name)
	}
	if got := l.Now(); !got.Equal(labtest.DefaultClockStart) {
		t.Errorf("clock %v, want %v", got, labtest.DefaultClockStart)
	}
	h := l.CreateHeadend("ASA5525", "asa1", "premium=250", "3des")
	if got := h.GetLicense().GetFeatures().GetAnyconnectPremiumPeers(); got != 250 {
		t.Errorf("premium peers %d after the key, want 250; license %v", got, h.GetLicense())
	}
	if out := l.Exec("asa1", "show version | include AnyConnect Premium Peers"); !strings.Contains(out, "AnyConnect Premium Peers          : 250            perpetual") {
		t.Errorf("show version:\n%s", out)
	}
	if got := l.Advance(time.Hour); !got.Equal(labtest.DefaultClockStart.Add(time.Hour)) {
		t.Errorf("after Advance(1h): %v", got)
	}

	conn, err := grpc.NewClient(l.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, err = headendv1.NewHeadendServiceClient(conn).ListHeadends(context.Background(), &headendv1.ListHeadendsRequest{})
	if status.Code(err) != codes.Unauthenticated {
		t.Errorf("a call without a token: %v, want Unauthenticated", err)
	}
}

// TestLabsAreIsolated: parallel tests, each with a lab of its own on one
// daemon (Shared; NewLab on a parent's daemon), each make a headend asa1
// with their own key and move their own clock: none sees another's, and a
// lab's token does not reach another lab. The shared daemon stops with its
// last test.
func TestLabsAreIsolated(t *testing.T) {
	type seen struct {
		addr, name, token string
	}
	var mu sync.Mutex
	got := map[string]seen{}
	check := func(t *testing.T, l *labtest.Lab, premium int, hours int) {
		l.CreateHeadend("ASA5525", "asa1", "premium="+strconv.Itoa(premium))
		l.Advance(time.Duration(hours) * time.Hour)
		// The other test of the pair may be at any point of its own run;
		// what it did never shows here.
		if n := l.Get("asa1").GetLicense().GetFeatures().GetAnyconnectPremiumPeers(); n != int32(premium) {
			t.Errorf("premium peers %d, want this lab's %d", n, premium)
		}
		if now := l.Now(); !now.Equal(labtest.DefaultClockStart.Add(time.Duration(hours) * time.Hour)) {
			t.Errorf("clock %v, want %d h after the start", now, hours)
		}
		ctx := context.Background()
		resp, err := l.Headends.ListHeadends(ctx, &headendv1.ListHeadendsRequest{})
		if err != nil || len(resp.GetHeadends()) != 1 {
			t.Errorf("ListHeadends: %v, %v; want asa1 alone", resp, err)
		}
		mu.Lock()
		got[t.Name()] = seen{l.Addr, l.Name, l.Token}
		mu.Unlock()
	}
	t.Run("shared", func(t *testing.T) {
		t.Run("a", func(t *testing.T) { l := labtest.Shared(t); t.Parallel(); check(t, l, 100, 1) })
		t.Run("b", func(t *testing.T) { l := labtest.Shared(t); t.Parallel(); check(t, l, 250, 5) })
	})
	t.Run("newlab", func(t *testing.T) {
		d := labtest.Start(t)
		t.Run("a", func(t *testing.T) { t.Parallel(); check(t, d.NewLab(t), 50, 2) })
		t.Run("b", func(t *testing.T) { t.Parallel(); check(t, d.NewLab(t), 750, 3) })
	})
	if t.Failed() {
		return
	}
	// The last test holding a lab of the shared daemon has ended: it is
	// stopped.
	if c, err := net.Dial("tcp", got[t.Name()+"/shared/a"].addr); err == nil {
		c.Close()
		t.Errorf("the shared daemon still listens after its last test ended")
	}
	for _, pair := range []string{"shared", "newlab"} {
		a, b := got[t.Name()+"/"+pair+"/a"], got[t.Name()+"/"+pair+"/b"]
		if a.addr != b.addr {
			t.Errorf("%s: two daemons (%s, %s), want one", pair, a.addr, b.addr)
		}
		if a.name == b.name || a.name == "default" {
			t.Errorf("%s: labs %q and %q, want two new ones", pair, a.name, b.name)
		}
	}
	// A lab's token naming another lab: NotFound, as if it did not exist.
	// Those labs are deleted by now, with their daemons; so ask a daemon
	// that runs.
	d := labtest.Start(t, labtest.WithSSHPorts(0))
	a, b := d.NewLab(t), d.NewLab(t)
	conn, err := grpc.NewClient(d.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+a.Token)
	_, err = headendv1.NewHeadendServiceClient(conn).ListHeadends(ctx, &headendv1.ListHeadendsRequest{Lab: b.Name})
	if status.Code(err) != codes.NotFound {
		t.Errorf("lab %s's token listing lab %s: %v, want NotFound", a.Name, b.Name, err)
	}
}

// TestSSH: a headend's console answers at SSHAddr with SSHConfig's login.
func TestSSH(t *testing.T) {
	l := labtest.Start(t)
	l.CreateHeadend("ASA5525", "asa1", "premium=250")
	c := l.SSH("asa1")
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Output("show version")
	if err != nil {
		t.Fatalf("show version: %v\n%s", err, out)
	}
	for _, want := range []string{"Hardware:   ASA5525", "AnyConnect Premium Peers          : 250"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("show version over SSH lacks %q:\n%s", want, out)
		}
	}
}

// TestCleanupStops: once the test that started a daemon ends, its gRPC
// and console ports refuse connections: nothing of it is left listening.
func TestCleanupStops(t *testing.T) {
	var grpcAddr, sshAddr string
	t.Run("lab", func(t *testing.T) {
		l := labtest.Start(t)
		l.CreateHeadend("ASA5525", "asa1")
		grpcAddr, sshAddr = l.Addr, l.SSHAddr("asa1")
		for _, a := range []string{grpcAddr, sshAddr} {
			c, err := net.Dial("tcp", a)
			if err != nil {
				t.Fatalf("%s while the lab runs: %v", a, err)
			}
			c.Close()
		}
	})
	for _, a := range []string{grpcAddr, sshAddr} {
		if c, err := net.Dial("tcp", a); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after the test's cleanup", a)
		}
	}
}

// TestClockOptions: WithClockStart moves a lab's start; WithRealClock
// gives it the machine's clock, which Advance cannot move.
func TestClockOptions(t *testing.T) {
	start := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	l := labtest.Start(t, labtest.WithClockStart(start), labtest.WithSSHPorts(0))
	if got := l.Now(); !got.Equal(start) {
		t.Errorf("clock %v, want %v", got, start)
	}
	other := l.NewLab(t, labtest.WithRealClock())
	before := time.Now().Add(-time.Minute)
	if got := other.Now(); got.Before(before) {
		t.Errorf("real clock reads %v, before %v", got, before)
	}
	_, err := other.Lab.AdvanceClock(context.Background(), &headendv1.AdvanceClockRequest{Duration: durationpb.New(time.Hour)})
	if status.Code(err) != codes.FailedPrecondition {
		t.Errorf("AdvanceClock on a real clock: %v, want FailedPrecondition", err)
	}
	named := l.NewLab(t, labtest.WithLab("blue"))
	if named.Name != "blue" || !named.Now().Equal(labtest.DefaultClockStart) {
		t.Errorf("WithLab(blue): lab %q at %v", named.Name, named.Now())
	}
}
