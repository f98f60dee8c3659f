package config

import (
	"fmt"
	"strings"
)

// LoggingLines are the logging commands of a configuration, in the order
// the ASA prints them.
func LoggingLines(c Config, line func(string)) {
	l := c.Logging
	if l.Enable {
		line("logging enable")
	}
	if l.Timestamp {
		line("logging timestamp")
	}
	if l.BufferSize != 0 && l.BufferSize != DefaultLogBufferSize {
		line(fmt.Sprintf("logging buffer-size %d", l.BufferSize))
	}
	if l.Buffered {
		line("logging buffered " + levelNames[l.BufferedLevel])
	}
	if l.Trap {
		line("logging trap " + levelNames[l.TrapLevel])
	}
	for _, h := range l.Hosts {
		line("logging host " + h.Iface + " " + h.Addr)
	}
}

// RenderLogging prints `show running-config logging`: the logging lines
// alone.
func RenderLogging(c Config) string {
	var b strings.Builder
	LoggingLines(c, func(s string) { b.WriteString(s); b.WriteByte('\n') })
	return b.String()
}
