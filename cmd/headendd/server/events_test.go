package server

import (
	"strings"
	"testing"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestListEventsAPI: ListEvents pages with its token, filters by headend
// and kind, and refuses a bad filter or token with InvalidArgument; the
// refusal an admission answers with is the one its event carries.
func TestListEventsAPI(t *testing.T) {
	e := newEnv(t)
	ec := headendv1.NewEventServiceClient(e.conn)
	for _, h := range []string{"asa1", "asa2", "asa3"} {
		if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5505", Hostname: h}); err != nil {
			t.Fatal(err)
		}
	}
	var seqs []uint64
	req := &headendv1.ListEventsRequest{PageSize: 2}
	for {
		resp, err := ec.ListEvents(ctxT(), req)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range resp.GetEvents() {
			seqs = append(seqs, ev.GetSequence())
		}
		if resp.GetNextPageToken() == "" {
			if resp.GetLastSequence() != uint64(len(seqs)) {
				t.Errorf("last_sequence %d after %d events", resp.GetLastSequence(), len(seqs))
			}
			break
		}
		req.PageToken = resp.GetNextPageToken()
	}
	for i, s := range seqs {
		if s != uint64(i+1) {
			t.Fatalf("paged sequences %v", seqs)
		}
	}
	resp, err := ec.ListEvents(ctxT(), &headendv1.ListEventsRequest{Filter: &headendv1.EventFilter{
		Headends: []string{"asa2"}, Kinds: []headendv1.EventKind{headendv1.EventKind_EVENT_KIND_CREATED}}})
	if err != nil || len(resp.GetEvents()) != 1 || resp.GetEvents()[0].GetHeadend() != "asa2" ||
		!strings.HasPrefix(resp.GetEvents()[0].GetText(), "created: model ASA5505") {
		t.Errorf("asa2 created: %v %v", resp.GetEvents(), err)
	}

	// An ASA 5505 without a key admits 2 AnyConnect Premium peers and
	// refuses the third with 113029; the refusal's event has that line.
	var refusal string
	for i := range 3 {
		r, err := e.hc.AdmitConnection(ctxT(), &headendv1.AdmitConnectionRequest{Headend: "asa1", User: "u" + string(rune('a'+i)),
			ClientDevice: "pc", Kind: headendv1.ConnectionKind_CONNECTION_KIND_ANYCONNECT})
		if err != nil {
			t.Fatal(err)
		}
		if !r.GetAdmitted() {
			refusal = r.GetSyslog()
		}
	}
	if err := e.lab.Close(); err != nil { // flushes the refusal samples
		t.Fatal(err)
	}
	resp, err = ec.ListEvents(ctxT(), &headendv1.ListEventsRequest{Filter: &headendv1.EventFilter{
		Kinds: []headendv1.EventKind{headendv1.EventKind_EVENT_KIND_REFUSAL}}})
	if err != nil || len(resp.GetEvents()) != 1 || refusal == "" || resp.GetEvents()[0].GetSyslog() != refusal {
		t.Errorf("refusal %q; events %v %v", refusal, resp.GetEvents(), err)
	}

	for name, bad := range map[string]*headendv1.ListEventsRequest{
		"kind":  {Filter: &headendv1.EventFilter{Kinds: []headendv1.EventKind{99}}},
		"token": {PageToken: "nope"},
		"size":  {PageSize: 5000},
	} {
		if _, err := ec.ListEvents(ctxT(), bad); !strings.HasPrefix(errText(err), "error: InvalidArgument INVALID_ARGUMENT: ") {
			t.Errorf("%s: %s", name, errText(err))
		}
	}
}
