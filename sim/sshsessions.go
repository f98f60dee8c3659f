package sim

// SetSSHSessions installs the function that lists the SSH connections to
// the headend's console: the SSH server owns them, the console shows them
// (`show ssh sessions`). nil removes it.
func (h *Headend) SetSSHSessions(fn func() []SSHSession) {
	if fn == nil {
		h.sshSessions.Store(nil)
		return
	}
	h.sshSessions.Store(&fn)
}

// SSHSessions lists the SSH connections to the headend's console, none
// without an SSH server (family.Host).
func (h *Headend) SSHSessions() []SSHSession {
	if fn := h.sshSessions.Load(); fn != nil {
		return (*fn)()
	}
	return nil
}
