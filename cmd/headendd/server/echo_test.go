package server

import (
	"fmt"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

// TestLongInputEchoedShort: an error message quotes at most about 100
// characters of a request field, with its length, to the client and in the
// log. A 15 MB hostname used to be echoed whole: the status did not fit in
// the HTTP/2 trailers and the client saw a COMPRESSION_ERROR.
func TestLongInputEchoedShort(t *testing.T) {
	e, logs := newLoggedEnv(t)
	const size = 15 << 20
	long := strings.Repeat("a", size)
	cut := strings.Repeat("a", maxEcho) + fmt.Sprintf(`…" (%d bytes)`, size)
	_, err := e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: long})
	if got, want := errText(err), `error: InvalidArgument INVALID_HOSTNAME: invalid hostname "`+cut+`: 1 to 63 characters`; got != want {
		t.Errorf("CreateHeadend:\n got %.300s\nwant %s", got, want)
	}
	_, err = e.hc.GetHeadend(ctxT(), &headendv1.GetHeadendRequest{Hostname: long})
	if got, want := errText(err), `error: NotFound HEADEND_NOT_FOUND: headend not found: "`+cut; got != want {
		t.Errorf("GetHeadend:\n got %.300s\nwant %s", got, want)
	}
	// Spaces and quotes: the value is found in its quoted form too.
	spaced := strings.Repeat(`a "b" `, 1000)
	_, err = e.hc.CreateHeadend(ctxT(), &headendv1.CreateHeadendRequest{Model: "ASA5525", Hostname: spaced})
	if got, want := errText(err), `error: InvalidArgument INVALID_HOSTNAME: invalid hostname "`+
		strings.ReplaceAll(strings.Repeat(`a "b" `, 16)+`a "b`, `"`, `\"`)+`…" (6000 bytes): 1 to 63 characters`; got != want {
		t.Errorf("CreateHeadend, spaced:\n got %.300s\nwant %s", got, want)
	}
	// A word of a long key is not a field of its own: the message is cut.
	_, err = e.hc.InstallActivationKey(ctxT(), &headendv1.InstallActivationKeyRequest{Hostname: "nosuch",
		ActivationKey: "0x1 0x2 0x3 0x4 0x" + strings.Repeat("k", 5000)})
	if st := status.Convert(err); st.Code() != codes.InvalidArgument || len(st.Message()) > maxStatusMessage+100 ||
		!strings.HasSuffix(st.Message(), "… (message of 5084 bytes cut)") {
		t.Errorf("InstallActivationKey: %v ...%s (%d bytes)", st.Code(), st.Message()[len(st.Message())-60:], len(st.Message()))
	}
	for _, l := range rpcFailures(logs) {
		if len(l) > maxStatusMessage+100 {
			t.Errorf("logged %d bytes: %.200s", len(l), l)
		}
	}
}

// TestSecretsNotLogged: a PAK, an activation code or key, a password named
// in an error reaches the client (it sent them) but not the log, which
// shows the first four characters; valid but inactive PAKs included.
func TestSecretsNotLogged(t *testing.T) {
	e, logs := newLoggedEnv(t)
	pc := e.portal()
	resp, err := pc.PlaceOrder(ctxT(), &headendv1.PlaceOrderRequest{Lines: []*headendv1.OrderLine{
		{Sku: "L-AC-PLS-LIC=", Users: 100, Months: 12, Customer: "Acme Corp"}}})
	if err != nil {
		t.Fatal(err)
	}
	pak := resp.GetPaks()[0].GetPak()
	// Not active yet: the portal's activation delay has not passed.
	_, err = pc.RegisterPak(ctxT(), &headendv1.RegisterPakRequest{Pak: pak, Serial: "FCH1947V0GY"})
	if got, want := errText(err), "error: FailedPrecondition PAK_INACTIVE: PAK/s or Token/s "+pak+" is / are either Invalid or Inactive"; got != want {
		t.Errorf("inactive PAK:\n got %s\nwant %s", got, want)
	}
	secrets := []string{pak}
	_, err = pc.RegisterPak(ctxT(), &headendv1.RegisterPakRequest{Pak: "ZZZZ1234567", Serial: "FCH1947V0GY"})
	if status.Code(err) != codes.NotFound {
		t.Errorf("unknown PAK: %v", err)
	}
	secrets = append(secrets, "ZZZZ1234567")
	_, err = pc.UseActivationCode(ctxT(), &headendv1.UseActivationCodeRequest{ActivationCode: "SECRETCODE42"})
	if status.Code(err) != codes.NotFound || !strings.Contains(status.Convert(err).Message(), "SECRETCODE42") {
		t.Errorf("unknown activation code: %v", err)
	}
	secrets = append(secrets, "SECRETCODE42")

	got := rpcFailures(logs)
	want := []string{
		"PAK/s or Token/s " + pak[:4] + "… is / are either Invalid or Inactive",
		"PAK/s or Token/s ZZZZ… is / are either Invalid or Inactive",
		`invalid activation code "SECR…": check the code in the Device Registration e-mail`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("logged:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, l := range logs.All() {
		for _, s := range secrets {
			if text := fmt.Sprint(l.Message, l.ContextMap()); strings.Contains(text, s) {
				t.Errorf("log shows %s: %s", s, text)
			}
		}
	}
}
