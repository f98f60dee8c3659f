package console

import (
	"strconv"
	"strings"

	"github.com/asalab/asalab/headend/asa"
	"github.com/asalab/asalab/headend/asa/config"
	"github.com/asalab/asalab/headend/cli"
)

// This file holds the commands of the local user database, the enable
// password and the commands that check them (enable, login).

// pick resolves word against keywords by unique prefix, as the registry does
// for command words; "" when none or several match.
func pick(word string, keywords ...string) string { return cli.Pick(word, keywords...) }

// cmdEnable asks for the enable password of the running configuration (none
// configured: an empty answer, as on a factory-new ASA). One wrong answer
// ends the attempt with "Invalid password".
func cmdEnable(s *Session, _ *call) {
	s.ask("Password: ", true, func(s *Session, ans string) {
		var hash string
		if !s.view(func(d *asa.Device) { hash = d.Running.EnablePassword }) {
			return
		}
		if !config.CheckPassword(hash, ans) {
			s.println("Invalid password")
			return
		}
		s.mode, s.priv, s.user = ModePriv, 15, enableUser
	})
}

// LoginMode is the mode a login with privilege level priv lands in (`login`,
// a one-shot SSH command): privileged EXEC mode from level 2 up, user EXEC
// mode below.
func LoginMode(priv int) Mode {
	if priv >= config.DefaultPrivilege {
		return ModePriv
	}
	return ModeUser
}

// cmdLogin is `login`: a user of the local database logs in within the
// session; privilege 2 and up lands in privileged EXEC mode.
func cmdLogin(s *Session, _ *call) {
	s.ask("Username: ", false, func(s *Session, name string) {
		name = strings.TrimSpace(name)
		s.ask("Password: ", true, func(s *Session, pass string) {
			var u config.User
			var found bool
			if !s.view(func(d *asa.Device) { u, found = d.Running.User(name) }) {
				return
			}
			if !found || !config.CheckPassword(u.Hash, pass) {
				s.println("Invalid password")
				return
			}
			s.user, s.priv, s.mode = u.Name, u.Privilege, LoginMode(u.Privilege)
		})
	})
}

// passwordArg reads a password argument and its optional form keyword
// (pbkdf2: the argument is a hash from `more system:running-config`) into a
// hash. It reports the index of the first argument after them, or false after
// printing the error.
func passwordArg(s *Session, c *call, i int) (hash string, next int, ok bool) {
	if i >= len(c.Args) {
		s.incomplete()
		return "", 0, false
	}
	pass := c.Args[i].Text
	next = i + 1
	if next < len(c.Args) {
		switch pick(c.Args[next].Text, "pbkdf2", "encrypted", "privilege", "level") {
		case "pbkdf2":
			if !config.ValidPasswordHash(pass) {
				s.invalidArg(c, i)
				return "", 0, false
			}
			return pass, next + 1, true
		case "encrypted":
			// The pre-9.5 MD5 form cannot be checked by the lab.
			s.invalidArg(c, next)
			return "", 0, false
		}
	}
	if config.ValidatePassword(pass) != nil {
		s.invalidArg(c, i)
		return "", 0, false
	}
	return config.HashPassword(pass), next, true
}

// levelArg reads the number after `privilege` or `level` at args[i].
func levelArg(s *Session, c *call, i int) (int, bool) {
	if i >= len(c.Args) {
		s.incomplete()
		return 0, false
	}
	n, err := strconv.Atoi(c.Args[i].Text)
	if err != nil || n < config.MinPrivilege || n > config.MaxPrivilege {
		s.invalidArg(c, i)
		return 0, false
	}
	return n, true
}

// cmdUsername: username NAME password PASS [pbkdf2] [privilege N]. Without
// privilege the user gets level 2, as on the ASA.
func cmdUsername(s *Session, c *call) {
	if len(c.Args) < 2 {
		s.incomplete()
		return
	}
	name := c.Args[0].Text
	if config.ValidateUsername(name) != nil {
		s.invalidArg(c, 0)
		return
	}
	if pick(c.Args[1].Text, "password", "nopassword", "attributes") != "password" {
		s.invalidArg(c, 1)
		return
	}
	hash, i, ok := passwordArg(s, c, 2)
	if !ok {
		return
	}
	level := config.DefaultPrivilege
	if i < len(c.Args) {
		if pick(c.Args[i].Text, "privilege") == "" {
			s.invalidArg(c, i)
			return
		}
		if level, ok = levelArg(s, c, i+1); !ok {
			return
		}
		i += 2
	}
	if i < len(c.Args) {
		s.invalidArg(c, i)
		return
	}
	s.update(func(d *asa.Device) error {
		d.Running.SetUser(config.User{Name: name, Hash: hash, Privilege: level})
		d.ConfigChanged(s.user, s.b.Now())
		return nil
	})
}

// cmdNoUsername: no username NAME [...]. The rest of the line, as `show
// running-config` printed it, may follow; removing a user that does not
// exist is silently accepted.
func cmdNoUsername(s *Session, c *call) {
	if len(c.Args) == 0 {
		s.incomplete()
		return
	}
	name := c.Args[0].Text
	s.update(func(d *asa.Device) error {
		if d.Running.RemoveUser(name) {
			d.ConfigChanged(s.user, s.b.Now())
		}
		return nil
	})
}

// cmdEnablePassword: enable password PASS [level 15] [pbkdf2]. Only level
// 15 exists in the lab (there is no command authorization).
func cmdEnablePassword(s *Session, c *call) {
	hash, i, ok := passwordArg(s, c, 0)
	if !ok {
		return
	}
	if i < len(c.Args) && pick(c.Args[i].Text, "level") == "level" {
		level, ok := levelArg(s, c, i+1)
		if !ok {
			return
		}
		if level != config.MaxPrivilege {
			s.invalidArg(c, i+1)
			return
		}
		i += 2
		if i < len(c.Args) && pick(c.Args[i].Text, "pbkdf2") == "pbkdf2" {
			if !config.ValidPasswordHash(c.Args[0].Text) {
				s.invalidArg(c, 0)
				return
			}
			hash, i = c.Args[0].Text, i+1
		}
	}
	if i < len(c.Args) {
		s.invalidArg(c, i)
		return
	}
	s.update(func(d *asa.Device) error {
		d.Running.EnablePassword = hash
		d.ConfigChanged(s.user, s.b.Now())
		return nil
	})
}

// cmdMore is `more system:running-config`: the running configuration with
// the password hashes, as Ansible's `passwords: true` reads it.
func cmdMore(s *Session, c *call) {
	if len(c.Args) == 0 {
		s.incomplete()
		return
	}
	if len(c.Args) > 1 {
		s.invalidArg(c, 1)
		return
	}
	switch path := c.Args[0].Text; strings.ToLower(path) {
	case "system:running-config", "system:/running-config":
		s.view(func(d *asa.Device) { s.print(d.RenderSystemConfig(d.Running)) })
	default:
		s.println("%Error opening " + path + " (No such file or directory)")
	}
}
