// Package syslogout sends the headends' syslog lines to a syslog collector
// over UDP or TCP, laid out as an ASA lays them out for a `logging host`, so
// that a collector's ASA parsing rules work on the lab as they do on real
// units.
//
// The wire forms, with the ASA's default `logging facility 20` (local4,
// so PRI = 160 + severity), and the hostname as device ID:
//
//	bsd (default), an ASA with `logging timestamp` and `logging device-id hostname`:
//	  <164>Nov 30 2026 02:39:12 asa1 : %ASA-4-113029: Group <DfltGrpPolicy> ...
//	rfc5424, the same ASA with `logging timestamp rfc5424` (ASA 9.10(1) and later):
//	  <164>2026-11-30T02:39:12Z asa1 : %ASA-4-113029: Group <DfltGrpPolicy> ...
//
// Facts they rest on, with their public sources:
//   - The ASA's legacy header carries the year after the day and a " : "
//     between the device ID and the message ("Apr 15 2017 00:21:14
//     192.168.12.1 : %ASA-5-111010: ..."), and omits the hostname without
//     `logging device-id` ("Jan 31 2020 17:24:03: %ASA-4-402119: ..."): the
//     ASA samples of Splunk Connect for Syslog's tests
//     (splunk/splunk-connect-for-syslog, tests/test_cisco_asa.py) and
//     Logstash's ASA pattern `<PRI>CISCOTIMESTAMP HOST : %CISCOTAG: MSG`.
//   - `logging timestamp rfc5424` changes only the timestamp, to RFC 3339
//     in UTC; the header is not RFC 5424's (no VERSION, APP-NAME, PROCID or
//     MSGID): Cisco's "ASA Series Syslog Messages" guide, "What's New",
//     9.10(1): "<166>2018-06-27T12:17:46Z asa : %ASA-6-110002: ...".
//   - Over TCP (`logging host IF ADDR 6/1470`) the ASA follows RFC 6587
//     (Cisco Community, "TCP Syslog configuration on the ASA device"),
//     which allows LF or octet-counted frames. Cisco's PIX firewalls end
//     each message with LF (BMC SyslogDefender's "Framing characters": LF
//     "is known to be used by rsyslog and Cisco PIX firewalls"); no public
//     source shows the ASA's own framing, so LF is the default.
//     rsyslog's imtcp takes LF framing and, when a frame starts with a
//     digit, octet counting, which `framing=octet-counting` selects.
//   - The ASA's default ports are 514 for UDP and 1470 for TCP (the same
//     Cisco Community document: "The default TCP port is 1470"), and its
//     `logging queue` holds at most 8192 messages, the bound of a
//     Forwarder's queue.
//
// A stock rsyslog parses such a line with HOSTNAME the device ID, a TAG of
// ":" and the message " %ASA-4-113029: ...": the " : " ends the tag at
// once. That is what a real ASA's lines give too, and why collectors match
// the ASA tag in the message.
//
// An IOS router's line ("%FACILITY-SEV-MNEMONIC: ...") goes out in IOS's
// form, with IOS's default `logging facility local7` (PRI = 184 +
// severity):
//
//	bsd, a router with `logging origin-id hostname`, `no logging message-counter syslog`
//	and `service timestamps log datetime msec` (its clock not set by NTP, so '*'):
//	  <189>R1: *Nov 30 02:39:12.345: %SYS-5-CONFIG_I: Configured from console by console
//	rfc5424, a plain RFC 5424 header (IOS 15 has no such option of its own):
//	  <189>1 2026-11-30T02:39:12.345Z R1 - - - - %SYS-5-CONFIG_I: Configured from console by console
//
// The IOS header has no BSD timestamp: the optional counter, the origin ID
// and the router's log timestamp each end with ": " ("<189>35: R1: *Mar  1
// 00:05:42.123: %SYS-5-CONFIG_I: ..."; Splunk Connect for Syslog's IOS
// samples, tests/test_cisco_ios.py, and `show logging` on any router pad a
// single-digit day with a space). A stock rsyslog thus takes "R1:" as the
// TAG and keeps the router's timestamp and message in MSG, as with a real
// router.
//
// A Forwarder never blocks its caller: lines wait in a bounded queue, and
// when the collector is slower than the lab the newest are dropped and
// counted. TCP connections are re-established with backoff.
package syslogout
