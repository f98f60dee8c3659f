package ctlconn

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
)

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:50051": true, "127.1.2.3:1": true, "[::1]:50051": true, "localhost:50051": true, "LOCALHOST:1": true,
		"dns:///localhost:50051": true, "unix:/run/asalab.sock": true, "[::ffff:127.0.0.1]:1": true,
		"10.0.0.1:50051": false, "lab.example.com:50051": false, "[2001:db8::1]:50051": false, "0.0.0.0:50051": false,
		"dns:///lab.example.com:443": false, "localhost.example.com:1": false,
	} {
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

// TestPlaintextToken: a token goes in plaintext only to loopback; to
// another address the client refuses before it dials, unless --insecure.
// Without a token plaintext is fine anywhere (the daemon decides).
func TestPlaintextToken(t *testing.T) {
	for _, c := range []struct {
		s    Settings
		tls  bool
		fail bool
	}{
		{Settings{Addr: "192.0.2.7:50051", Token: "secret", Insecure: true}, false, false},
		{Settings{Addr: "192.0.2.7:50051"}, false, false},
		{Settings{Addr: "[::1]:50051", Token: "secret"}, false, false},
		{Settings{Addr: "lab.example.com:50051", Token: "secret", TLS: true}, true, false},
		{Settings{Addr: "lab.example.com:50051", Token: "secret"}, false, true},
	} {
		creds, secure, err := c.s.transport()
		if (err != nil) != c.fail || err == nil && (secure != c.tls || (creds.Info().SecurityProtocol == "tls") != c.tls) {
			t.Errorf("%+v: transport() = %v, %v, %v", c.s, creds, secure, err)
		}
		if _, err := c.s.DialOptions(); (err != nil) != c.fail {
			t.Errorf("%+v: DialOptions() = %v", c.s, err)
		}
	}
}

// TestSettingErrors: the settings that cannot work are ErrSetting's,
// with messages that name the flag; a bad token is named before it goes;
// a --ca file that does not read is not a setting's error.
func TestSettingErrors(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	os.WriteFile(notPEM, []byte("not a certificate\n"), 0o644)
	missing := filepath.Join(dir, "missing.pem")
	for _, c := range []struct {
		s    Settings
		want string
	}{
		{Settings{Addr: "192.0.2.7:50051", Token: "secret"}, "refusing to send the token to 192.0.2.7:50051 without TLS, where the network could read it: " +
			"give --ca FILE (the daemon's certificate or its CA) or --tls, or --insecure to send it in plaintext anyway"},
	} {
		_, err := c.s.DialOptions()
		if !errors.Is(err, ErrSetting) || err.Error() != c.want {
			t.Errorf("%+v: %v; want ErrSetting %q", c.s, err, c.want)
		}
	}
	// A --ca file that does not read is a local file's failure (exit
	// status 1), not a setting's.
	for _, c := range []struct {
		s    Settings
		want string
	}{
		{Settings{Addr: "127.0.0.1:1", CA: notPEM}, "--ca " + notPEM + ": no PEM certificate in it"},
		{Settings{Addr: "127.0.0.1:1", CA: missing}, "--ca: open " + missing + ": no such file or directory"},
	} {
		_, err := c.s.DialOptions()
		if err == nil || errors.Is(err, ErrSetting) || err.Error() != c.want {
			t.Errorf("%+v: %v; want a plain error %q", c.s, err, c.want)
		}
	}
	for tok, want := range map[string]string{
		"T0k-en_1": "", "": "",
		"abc def": `the token holds ' '; a token is printable ASCII without spaces (a line break from a file?)`,
		"abc\n":   `the token holds '\n'; a token is printable ASCII without spaces (a line break from a file?)`,
		"tøken":   `the token holds 'ø'; a token is printable ASCII without spaces (a line break from a file?)`,
	} {
		if err := CheckToken(tok); want == "" && err != nil || want != "" && (err == nil || err.Error() != want) {
			t.Errorf("CheckToken(%q) = %v, want %q", tok, err, want)
		}
	}
}

// TestLabMetadata: every unary call names its request's lab in the
// metadata, else the settings'; a stream names the settings' lab; a
// daemon that hangs up before its HTTP/2 preface gets a hint at TLS
// unless TLS was asked for.
func TestLabMetadata(t *testing.T) {
	var got []string
	invoker := func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, opts ...grpc.CallOption) error {
		md, _ := metadata.FromOutgoingContext(ctx)
		got = md.Get(LabMetadataKey)
		return nil
	}
	for _, c := range []struct {
		lab  string
		req  any
		want string
	}{
		{"team-a", &headendv1.GetLabRequest{}, "team-a"},
		{"team-a", &headendv1.GetLabRequest{Lab: "team-b"}, "team-b"},
		{"", &headendv1.CreateLabRequest{}, ""},
		{"team-a", "not a message", "team-a"},
		{"team-a", &headendv1.ListLabsRequest{}, "team-a"},
	} {
		got = nil
		if err := (Settings{Lab: c.lab}).labUnary(context.Background(), "/m", c.req, nil, nil, invoker); err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, ",") != c.want {
			t.Errorf("lab %q, %T%v: asalab-lab %q, want %q", c.lab, c.req, c.req, got, c.want)
		}
	}
	streamer := func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		md, _ := metadata.FromOutgoingContext(ctx)
		got = md.Get(LabMetadataKey)
		return nil, status.Error(codes.Unavailable, "connection closed before server preface received")
	}
	_, err := (Settings{Lab: "team-c"}).labStream(context.Background(), &grpc.StreamDesc{}, nil, "/m", streamer)
	if strings.Join(got, ",") != "team-c" {
		t.Errorf("stream: asalab-lab %q, want team-c", got)
	}
	if want := "connection closed before server preface received; if the daemon serves TLS, give --ca FILE (its tls.crt) or --tls"; status.Convert(err).Message() != want {
		t.Errorf("stream: %v, want the hint %q", err, want)
	}
	if _, err := (Settings{TLS: true}).labStream(context.Background(), &grpc.StreamDesc{}, nil, "/m", streamer); strings.Contains(err.Error(), "--tls") {
		t.Errorf("with --tls: %v, want no hint", err)
	}
}
