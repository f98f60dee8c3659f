package sshd

import (
	"bufio"
	"context"
	"io"
	"strings"
	"time"

	"go.uber.org/zap"
	"golang.org/x/crypto/ssh"

	"github.com/asalab/asalab/sim"
)

// session serves one session channel: it answers the channel requests and
// runs the shell or the exec command the client asks for. Netmiko and
// Ansible send pty-req then shell, each wanting a reply; a refused request
// would make them fail with "Channel closed".
func (c *headendConsole) session(ctx context.Context, cn *conn, user string, priv int, ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer func() {
		// Closing writes to the client too.
		defer c.guard(cn, user)()
		_ = ch.Close()
	}()
	// Requests that come after the end (window-change) must still be read,
	// or the connection stalls.
	defer func() { go ssh.DiscardRequests(reqs) }()
	pty := false
	done := make(chan struct{})
	started := false
	for {
		select {
		case <-ctx.Done():
			if started {
				<-done
			}
			return
		case <-done:
			return
		case req, ok := <-reqs:
			if !ok {
				if started {
					<-done
				}
				return
			}
			reply := func(ok bool) {
				// A reply is a write to the client too.
				defer c.guard(cn, user)()
				_ = req.Reply(ok, nil)
			}
			switch req.Type {
			case "pty-req":
				pty = true
				reply(!started)
			case "env", "window-change":
				reply(true)
			case "shell":
				if started {
					reply(false)
					continue
				}
				started = true
				reply(true)
				go func() {
					defer close(done)
					c.shell(ctx, cn, user, priv, ch)
				}()
			case "exec":
				var cmd struct{ Command string }
				if started || ssh.Unmarshal(req.Payload, &cmd) != nil {
					reply(false)
					continue
				}
				started = true
				reply(true)
				go func() {
					defer close(done)
					c.exec(cn, user, priv, cmd.Command, pty, ch)
				}()
			default: // subsystem (sftp), x11, agent forwarding...
				reply(false)
			}
		}
	}
}

type exitStatus struct{ Status uint32 }

// guard hangs up the connection if the call it returns is not made within
// the idle timeout. It bounds a write to the client: a client that stops
// reading fills the channel's window (and the TCP buffers), and the write
// then blocks, out of reach of the idle timer, until the connection is
// closed; the session's slot would never be freed.
func (c *headendConsole) guard(cn *conn, user string) (stop func()) {
	return c.guardFor(cn, user, "session stalled: the client takes no output; connection closed", true)
}

// guardFor is guard with the line logged, and whether a stall is counted.
func (c *headendConsole) guardFor(cn *conn, user, msg string, stall bool) (stop func()) {
	srv := c.srv
	t := time.AfterFunc(cn.idle, func() {
		if stall {
			srv.opts.Metrics.stalled()
		}
		srv.log.Info(msg, zap.String("hostname", c.h.Hostname()), zap.String("user", user),
			zap.Duration("timeout", cn.idle))
		cn.hangup()
	})
	return func() { t.Stop() }
}

// write sends b to the client, within the idle timeout.
func (c *headendConsole) write(cn *conn, user string, ch ssh.Channel, b []byte) error {
	defer c.guard(cn, user)()
	_, err := ch.Write(b)
	return err
}

// exit sends an exit status, within the idle timeout.
func (c *headendConsole) exit(cn *conn, user string, ch ssh.Channel, status uint32) {
	defer c.guard(cn, user)()
	_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(exitStatus{status}))
}

// shell is the interactive console. Where it lands is the family's choice
// (an ASA in user EXEC whatever the privilege, an IOS router in privileged
// EXEC for a privilege-15 user).
func (c *headendConsole) shell(ctx context.Context, cn *conn, user string, priv int, ch ssh.Channel) {
	srv := c.srv
	term := sim.NewTerminal(c.h.OpenConsole(sim.ConsoleOptions{User: user, Mode: sim.ConsoleShell, Privilege: priv, DevicePager: true}))
	if err := c.write(cn, user, ch, term.Start()); err != nil {
		return
	}
	input := make(chan []byte)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(input)
		buf := make([]byte, 4096)
		for {
			n, err := ch.Read(buf)
			if n > 0 {
				select {
				case input <- append([]byte(nil), buf[:n]...):
				case <-stop:
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	idle := time.NewTimer(cn.idle)
	defer idle.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-idle.C:
			srv.log.Info("session idle: closed", zap.String("hostname", c.h.Hostname()), zap.String("user", user),
				zap.Duration("timeout", cn.idle))
			return
		case b, ok := <-input:
			if !ok {
				return
			}
			idle.Reset(cn.idle)
			// Output and the prompt after it go out in one write.
			if out := term.Input(b); len(out) > 0 {
				if err := c.write(cn, user, ch, out); err != nil {
					return
				}
			}
			if term.Closed() {
				c.exit(cn, user, ch, 0)
				return
			}
		}
	}
}

// exec runs a one-shot command (`ssh -p PORT admin@host 'show version'`) as
// if the user had typed `login`: privilege 2 and up in privileged EXEC mode,
// since nobody is there to answer enable's Password:. A question the command
// asks ([confirm]) is shown and answered by a line of the client's input
// (none: not answered; no line within the idle timeout: the connection is
// closed). The output ends the session with exit status 0, or 1 if the
// command or an answer was refused with an error, so that scripts can rely
// on it.
func (c *headendConsole) exec(cn *conn, user string, priv int, cmd string, pty bool, ch ssh.Channel) {
	s := c.h.OpenConsole(sim.ConsoleOptions{User: user, Mode: sim.ConsoleLogin, Privilege: priv})
	write := func(text string) error {
		if pty {
			text = strings.ReplaceAll(text, "\n", "\r\n")
		}
		return c.write(cn, user, ch, []byte(text))
	}
	if write(s.Line(cmd)) != nil {
		return
	}
	failed := s.Failed()
	in := bufio.NewReader(io.LimitReader(ch, 64<<10))
	for s.Asking() && !s.Closed() {
		if write(s.Prompt()) != nil {
			return
		}
		stop := c.guardFor(cn, user, "session idle: the question got no answer; connection closed", false)
		ans, err := in.ReadString('\n')
		stop()
		if err != nil && ans == "" {
			_ = write("\n")
			break
		}
		if write(s.Echo(strings.TrimRight(ans, "\r\n"))+"\n"+s.Line(ans)) != nil {
			return
		}
		failed = failed || s.Failed()
	}
	status := uint32(0)
	if failed {
		status = 1
	}
	c.exit(cn, user, ch, status)
}
