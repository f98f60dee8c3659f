package daemon

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc/credentials/insecure"

	"github.com/asalab/asalab/cmd/headendd/server"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// An event stream that ends because its lab was reset or deleted, or the
// daemon stops, ends with an OK status and a trailer that says which.
func TestWatchEndTrailer(t *testing.T) {
	d := startIn(t, filepath.Join(t.TempDir(), "data"), "--http-addr", "")
	conn := dialWith(t, d.Addrs().GRPC, insecure.NewCredentials())
	ls, hc, ec := headendv1.NewLabsServiceClient(conn), headendv1.NewHeadendServiceClient(conn), headendv1.NewEventServiceClient(conn)
	ctx := withToken(t, "")
	for _, lab := range []string{"t1", "t2"} {
		if _, err := ls.CreateLab(ctx, &headendv1.CreateLabRequest{Lab: lab}); err != nil {
			t.Fatal(err)
		}
	}
	// watch follows a lab's events once it has received the stored ones.
	watch := func(lab string) headendv1.EventService_WatchEventsClient {
		t.Helper()
		if _, err := hc.CreateHeadend(ctx, &headendv1.CreateHeadendRequest{Lab: lab, Model: "ASA5525", Hostname: "asa1"}); err != nil {
			t.Fatal(err)
		}
		st, err := ec.WatchEvents(ctx, &headendv1.WatchEventsRequest{Lab: lab})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Recv(); err != nil {
			t.Fatal(err)
		}
		return st
	}
	ended := func(st headendv1.EventService_WatchEventsClient, want string) {
		t.Helper()
		var err error
		for err == nil {
			_, err = st.Recv()
		}
		if !errors.Is(err, io.EOF) {
			t.Fatalf("the stream ended with %v, want OK (io.EOF) and %q", err, want)
		}
		if got := strings.Join(st.Trailer().Get(server.StreamEndTrailer), ","); got != want {
			t.Errorf("trailer %s: %q, want %q", server.StreamEndTrailer, got, want)
		}
	}

	st := watch("t1")
	if _, err := ls.ResetLab(ctx, &headendv1.ResetLabRequest{Lab: "t1"}); err != nil {
		t.Fatal(err)
	}
	ended(st, "lab reset")

	st = watch("t2")
	if _, err := ls.DeleteLab(ctx, &headendv1.DeleteLabRequest{Lab: "t2"}); err != nil {
		t.Fatal(err)
	}
	ended(st, "lab deleted")

	st = watch("default")
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	ended(st, "daemon stopping")
}
