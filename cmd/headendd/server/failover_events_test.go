package server

import (
	"strings"
	"testing"

	"github.com/asalab/asalab/keygen"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// headendSyslog are the syslog lines of the events of headend h after
// sequence after, and the last sequence.
func headendSyslog(t *testing.T, e *env, h string, after uint64) ([]string, uint64) {
	t.Helper()
	resp, err := headendv1.NewEventServiceClient(e.conn).ListEvents(ctxT(), &headendv1.ListEventsRequest{
		PageSize: 1000, AfterSequence: after, Filter: &headendv1.EventFilter{Headends: []string{h}}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range resp.GetEvents() {
		if ev.GetSyslog() != "" {
			out = append(out, ev.GetSyslog())
		}
	}
	return out, resp.GetLastSequence()
}

// exec runs lines on h's console and fails the test on an error.
func (e *env) execLines(t *testing.T, h string, lines ...string) string {
	t.Helper()
	resp, err := e.hc.Exec(ctxT(), &headendv1.ExecRequest{Hostname: h, Lines: lines})
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetTranscript()
}

// `no failover` and `failover` on a lone failover unit are one 111008
// line each, as every other command.
func TestFailoverCommandsLoggedOnce(t *testing.T) {
	e := newEnv(t)
	if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "k1", Serial: "FCH1947V0GY"}); err != nil {
		t.Fatal(err)
	}
	w, err := e.signer.Encode(keygen.Key{Serial: "FCH1947V0GY", Features: premium250(t)})
	if err != nil {
		t.Fatal(err)
	}
	e.execLines(t, "k1", "configure terminal", "activation-key "+w.String(),
		"failover lan unit primary", "failover lan interface folink GigabitEthernet0/7",
		"failover interface ip folink 10.255.255.1 255.255.255.252 standby 10.255.255.2", "failover")
	_, seq := headendSyslog(t, e, "k1", 0)
	e.execLines(t, "k1", "configure terminal", "logging buffered warnings", "failover polltime unit 2 holdtime 10",
		"no failover", "failover")
	got, _ := headendSyslog(t, e, "k1", seq)
	count := map[string]int{}
	for _, l := range got {
		count[l]++
	}
	for _, cmd := range []string{"logging buffered warnings", "failover polltime unit 2 holdtime 10", "no failover", "failover"} {
		line := "%ASA-5-111008: User 'enable_15' executed the '" + cmd + "' command."
		if count[line] != 1 {
			t.Errorf("%q logged %d times; the lines:\n%s", cmd, count[line], strings.Join(got, "\n"))
		}
	}
}

func premium250(t *testing.T) keygen.Features {
	var f keygen.Features
	if err := keygen.ParseFeature("premium=250", &f); err != nil {
		t.Fatal(err)
	}
	return f
}
