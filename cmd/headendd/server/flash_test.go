package server

import (
	"strings"
	"testing"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestPutFileRefusals: PutFile and GetFile answer a bad request with its
// code and reason: a path that is not flash:NAME, a file over 1 MiB, a
// headend whose family has no flash (the ASA), a headend that is not there.
func TestPutFileRefusals(t *testing.T) {
	e := newEnv(t)
	if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: "asa1"}); err != nil {
		t.Fatal(err)
	}
	lic := []byte("license\n")
	for _, c := range []struct {
		name string
		req  *headendv1.PutFileRequest
		want string
	}{
		{"no hostname", &headendv1.PutFileRequest{Path: "flash:a.lic", Data: lic},
			"error: InvalidArgument INVALID_ARGUMENT: invalid argument: hostname is required"},
		{"no file system", &headendv1.PutFileRequest{Hostname: "asa1", Path: "a.lic", Data: lic},
			`error: InvalidArgument INVALID_FILE_NAME: not a file name of the flash file system: "a.lic": a path is flash:NAME`},
		{"a directory", &headendv1.PutFileRequest{Hostname: "asa1", Path: "flash:lic/a.lic", Data: lic},
			`error: InvalidArgument INVALID_FILE_NAME: not a file name of the flash file system: "flash:lic/a.lic" (letters, digits and ._- only)`},
		{"too large", &headendv1.PutFileRequest{Hostname: "asa1", Path: "flash:a.bin", Data: make([]byte, 1<<20+1)},
			"error: InvalidArgument FILE_TOO_LARGE: file too large: 1048577 bytes (at most 1048576)"},
		{"no such headend", &headendv1.PutFileRequest{Hostname: "r9", Path: "flash:a.lic", Data: lic},
			`error: NotFound HEADEND_NOT_FOUND: headend not found: "r9"`},
		{"an ASA", &headendv1.PutFileRequest{Hostname: "asa1", Path: "flash:a.lic", Data: lic},
			"error: FailedPrecondition NOT_SUPPORTED_BY_FAMILY: not supported by the headend's family: ASA5525 headends have no flash the lab writes to (pak licensing)"},
	} {
		_, err := e.hc.PutFile(ctxT(), c.req)
		if got := errText(err); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
	_, err := e.hc.GetFile(ctxT(), &headendv1.GetFileRequest{Hostname: "asa1", Path: "flash:a.lic"})
	if got, want := errText(err), "error: FailedPrecondition NOT_SUPPORTED_BY_FAMILY: not supported by the headend's family: ASA5525 headends have no flash the lab writes to (pak licensing)"; got != want {
		t.Errorf("GetFile on an ASA:\n got %s\nwant %s", got, want)
	}
}

// TestPutFileRouter: a file put on a router's flash is one event and
// reads back; the
// running system image cannot be replaced, a refusal of the request
// (INVALID_FILE_NAME), not a fault of the lab; a file not there is
// FILE_NOT_FOUND.
func TestPutFileRouter(t *testing.T) {
	e := newEnv(t)
	if _, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "CISCO2911", Hostname: "r1", Serial: "FTX1628838P"}); err != nil {
		t.Fatal(err)
	}
	resp, err := e.hc.PutFile(ctxT(), &headendv1.PutFileRequest{Hostname: "r1", Path: "flash:ssl10.lic", Data: []byte("license\n")})
	if err != nil {
		t.Fatal(err)
	}
	if f := resp.GetFile(); f.GetPath() != "flash:ssl10.lic" || f.GetSize() != 8 || !f.GetModified().AsTime().Equal(labStart) {
		t.Errorf("PutFile: %v", f)
	}
	evs, err := headendv1.NewEventServiceClient(e.conn).ListEvents(ctxT(), &headendv1.ListEventsRequest{
		Filter: &headendv1.EventFilter{Kinds: []headendv1.EventKind{headendv1.EventKind_EVENT_KIND_CONFIG_CHANGED}}})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, ev := range evs.GetEvents() {
		texts = append(texts, ev.GetKind().String()+" "+ev.GetHeadend()+" "+ev.GetText())
	}
	if want := "EVENT_KIND_CONFIG_CHANGED r1 file flash:ssl10.lic written, 8 bytes"; len(texts) != 1 || texts[0] != want {
		t.Errorf("the put's events: %q, want [%q]", texts, want)
	}
	got, err := e.hc.GetFile(ctxT(), &headendv1.GetFileRequest{Hostname: "r1", Path: "flash:ssl10.lic"})
	if err != nil || string(got.GetData()) != "license\n" {
		t.Errorf("GetFile: %v %v", got, err)
	}
	_, err = e.hc.PutFile(ctxT(), &headendv1.PutFileRequest{Hostname: "r1", Path: "flash:c2900-universalk9-mz.SPA.155-3.M.bin", Data: []byte("x")})
	if got := errText(err); !strings.HasPrefix(got, "error: InvalidArgument INVALID_FILE_NAME: ") {
		t.Errorf("PutFile over the system image: %s", got)
	}
	_, err = e.hc.GetFile(ctxT(), &headendv1.GetFileRequest{Hostname: "r1", Path: "flash:none.lic"})
	if got := errText(err); !strings.HasPrefix(got, "error: NotFound FILE_NOT_FOUND: ") {
		t.Errorf("GetFile of no file: %s", got)
	}
}
