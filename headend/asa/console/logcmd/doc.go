// Package logcmd is the ASA console's logging configuration: `logging
// enable`, `logging timestamp`, `logging buffered`, `logging buffer-size`,
// `logging trap`, `logging host`, their `no` forms, `clear logging buffer`
// and `show running-config logging`. `show logging` is the console's; the
// console (headend/asa/console) adds these with Register.
package logcmd

import "github.com/asalab/asalab/headend/asa/console/command"

// Register adds the logging commands to the console's command set.
func Register(r command.Registry) {
	registerLogging(r)
	registerLoggingMore(r)
}
