// Package sshcmd is the ASA console's `ssh` commands: the configuration
// lines that decide who may open an SSH connection and what the SSH server
// offers (`ssh A M IFNAME`, `ssh timeout`, `ssh version`, `ssh
// key-exchange group`, `ssh cipher ...` and their `no` forms) and the show
// commands of SSH (`show running-config [all] ssh`, `show ssh`, `show ssh
// sessions`). The console (headend/asa/console) adds them to its command
// set with Register.
package sshcmd

import "github.com/asalab/asalab/headend/asa/console/command"

// Register adds the ssh commands to the console's command set.
func Register(r command.Registry) {
	registerSSH(r)
	registerSSHViews(r)
}
