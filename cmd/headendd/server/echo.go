package server

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Error messages quote the request fields they refuse ("invalid hostname
// ..."). The interceptors pass every failed RPC's message through echoed,
// so that no handler or domain error has to remember to: a field value
// longer than maxEcho is cut to its head with its length, secret fields are
// hidden from the log, and a message longer than maxStatusMessage is cut.
// A 15 MB hostname used to come back whole, and a status message that size
// does not fit in HTTP/2 trailers: the client saw COMPRESSION_ERROR.
const (
	maxEcho          = 100
	maxStatusMessage = 1024
)

// secretFields are request fields the log must not show. A PAK registers
// licenses for whoever types it first, an activation key and the passwords
// are credentials.
var secretFields = map[protoreflect.Name]bool{
	"pak": true, "activation_code": true, "activation_key": true, "password": true, "enable_password": true,
}

// clip is s as an error message may echo it: at most maxEcho bytes, cut at
// a character boundary, marked with "…" and the length of the original.
func clip(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	return fmt.Sprintf("%s… (%d bytes)", head(s, maxEcho), len(s))
}

// head is at most the first n bytes of s, ending at a character boundary.
func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// redact is a secret as the log shows it: its first four characters.
func redact(s string) string {
	n := 0
	for i := range s {
		if n == 4 {
			return s[:i] + "…"
		}
		n++
	}
	return "…"
}

// echoed bounds what err's message echoes of req, for the client or, with
// forLog, for the log, which also loses the secrets. req may be nil (a
// stream before its first message). A nil or non-status err is returned as
// it is.
func echoed(err error, req any, forLog bool) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	msg := echoedMessage(st.Message(), req, forLog)
	if msg == st.Message() {
		return err
	}
	p := st.Proto()
	p.Message = msg
	return status.FromProto(p).Err()
}

func echoedMessage(msg string, req any, forLog bool) string {
	if m, ok := req.(proto.Message); ok && m != nil {
		eachString(m.ProtoReflect(), func(name protoreflect.Name, v string) {
			switch {
			case v == "" || len(v) > len(msg): // not in msg
			case forLog && secretFields[name]:
				msg = replaceWord(msg, v, redact(v))
			case len(v) > maxEcho:
				// The quoted form first: %q escapes what the raw
				// form would show.
				msg = strings.ReplaceAll(msg, strconv.Quote(v), fmt.Sprintf("%q (%d bytes)", head(v, maxEcho)+"…", len(v)))
				msg = strings.ReplaceAll(msg, v, clip(v))
			}
		})
	}
	if len(msg) > maxStatusMessage {
		// An echo no field accounts for, such as one word of a key.
		msg = fmt.Sprintf("%s… (message of %d bytes cut)", head(msg, maxStatusMessage), len(msg))
	}
	return msg
}

// eachString calls fn with every set string field of m and of the messages
// it holds, list elements included.
func eachString(m protoreflect.Message, fn func(name protoreflect.Name, v string)) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap():
		case fd.IsList():
			l := v.List()
			for i := range l.Len() {
				switch fd.Kind() {
				case protoreflect.StringKind:
					fn(fd.Name(), l.Get(i).String())
				case protoreflect.MessageKind, protoreflect.GroupKind:
					eachString(l.Get(i).Message(), fn)
				}
			}
		case fd.Kind() == protoreflect.StringKind:
			fn(fd.Name(), v.String())
		case fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind:
			eachString(v.Message(), fn)
		}
		return true
	})
}

// replaceWord replaces the occurrences of old in s that are not part of a
// longer word, so that a short secret ("ab") does not take letters out of
// the words around it.
func replaceWord(s, old, repl string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			if b.Len() == 0 {
				return s
			}
			b.WriteString(s)
			return b.String()
		}
		end := i + len(old)
		if isWordByte(s, i-1) || isWordByte(s, end) {
			b.WriteString(s[:end])
		} else {
			b.WriteString(s[:i])
			b.WriteString(repl)
		}
		s = s[end:]
	}
}

func isWordByte(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := s[i]
	return c == '_' || c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
