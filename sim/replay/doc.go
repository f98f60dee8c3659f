// Package replay checks the simulator against a real device: it reads a
// transcript captured on one (Parse), runs its commands on a headend's
// console in one session (Run), and reports, per command, how the headend's
// output differs from the captured one as a unified diff (Diff), once both
// sides went through the same normalisers (Rules) that blank what differs
// from box to box and from minute to minute.
//
// # Transcripts
//
// A transcript is what a terminal or a Netmiko session log shows: a prompt
// line (the prompt and the command typed after it) followed by the
// command's output, up to the next prompt line. Accepted:
//
//   - Prompts of the ASA's forms: HOST> (user EXEC), HOST# (privileged),
//     HOST(config)#, HOST(config-if)# and the other configuration modes,
//     with `prompt hostname context priority state` parts after the host
//     (HOST/admin#, HOST/pri/act#). The host is the one of the first prompt
//     line; `hostname NAME` moves it to NAME, as it moves the device's
//     prompt. Lines before the first prompt (a login banner, the SSH
//     client's messages) are not part of any command.
//   - A prompt with nothing typed after it (the bare Enters a client sends
//     to find the prompt, the prompt the capture ends on) is not a command.
//   - `enable` or `login` answered at `Password:` (and `Username:`): the
//     password is not in a capture (the console does not echo it), so the
//     replay does not type it: it goes on in a new session of the headend
//     in the capture's next mode (privileged after HOST#), as the user
//     the capture names at `Username:` (enable_15 after enable), and
//     leaves the command out of the comparison.
//   - Any other question a command asks (`[confirm]`, a file name in
//     brackets) is answered with Enter, its default.
//   - CR LF or LF line ends; a lone CR or a backspace overwrites the line
//     as a terminal would, so the pager's `<--- More --->` erased with
//     blanks leaves nothing; a `<--- More --->` left in the text is removed
//     with the blanks after it, and a line it alone made is dropped; ANSI
//     escape sequences are removed.
//   - `terminal pager 0`, `terminal width 511` and the like are ordinary
//     commands: they run on the headend as on the device.
//
// Text with no prompt line at all is refused (ErrNoPrompt), as is a
// capture that starts inside a configuration sub-mode the replay cannot
// enter (ErrStartMode).
//
// # Comparison
//
// Each command's expected and actual output are split into lines, both
// put through the same Rules (DefaultRules, then the caller's --ignore
// patterns), blank lines at their start and end left out, and compared
// line by line. The diff shows the lines as compared: a volatile field
// reads <uptime>, <mac>, <serial> on both sides. When the prompt after a
// command is in another mode than the capture's (`(config)#` where the
// capture shows `(config-if)#`), the diff ends with that difference.
//
// A replay runs the transcript for real: a captured `write memory` saves
// the headend's configuration, `reload` reloads it.
package replay
