// Package sessions is what the ASA software says about VPN sessions: the
// `show vpn-sessiondb` outputs, the session list's view of a session, and
// the syslog lines of refused and logged-off sessions. It renders the
// admission engine's state and keeps none of its own.
package sessions
