package labtest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/asalab/asalab/cmd/headendd/sshd"
)

// defaultSSHPorts is the size of a daemon's console port range: a port a
// headend, over every lab of the daemon.
const defaultSSHPorts = 500

// The console ports come from this range, above the ports services
// commonly listen on. It overlaps Linux's ephemeral ports (32768-60999),
// which outgoing connections hold for a while: the probe below and the
// daemon's own check skip a port held so.
const portsLow, portsHigh = 20000, 60000

// held is the port blocks of this process's running daemons: two daemons
// of one test binary never share a port.
var held struct {
	mu     sync.Mutex
	blocks map[int]int // base -> count
}

// portBlock is a range of console ports reserved for one daemon.
type portBlock struct{ base, count int }

// reservePorts finds count ports for a daemon's consoles. A console needs
// a fixed port (headendd gives each headend its own port of a range, kept
// across restarts), so port 0 cannot do; instead a block is picked at
// random in a high range, not overlapping another daemon of this process,
// whose ports can all be bound now.
//
// The race: another process may bind a port of the block between this
// probe and the daemon's use of it. That is harmless: the daemon checks
// that a port can be bound before it gives it to a headend and skips one
// that cannot; and in the short window between that check and its
// listening, a port lost leaves that one headend without a console (the
// daemon logs it), while a test's SSH client (SSHConfig) accepts only this
// daemon's host keys, so it never talks to another program by mistake.
func reservePorts(count int) (portBlock, error) {
	if count > portsHigh-portsLow {
		return portBlock{}, errors.New("WithSSHPorts: at most " + strconv.Itoa(portsHigh-portsLow) + " ports")
	}
	held.mu.Lock()
	defer held.mu.Unlock()
	var b portBlock
	for try := 0; try < 50; try++ {
		b = portBlock{base: portsLow + rand.IntN(portsHigh-portsLow-count+1), count: count}
		if overlapsHeld(b) {
			continue
		}
		if try < 49 && !allBindable(b) {
			continue
		}
		break
	}
	if overlapsHeld(b) {
		return portBlock{}, errors.New("no free block of console ports: too many daemons in this process")
	}
	if held.blocks == nil {
		held.blocks = map[int]int{}
	}
	held.blocks[b.base] = b.count
	return b, nil
}

func overlapsHeld(b portBlock) bool {
	for base, n := range held.blocks {
		if b.base < base+n && base < b.base+b.count {
			return true
		}
	}
	return false
}

func allBindable(b portBlock) bool {
	for p := b.base; p < b.base+b.count; p++ {
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			return false
		}
		_ = ln.Close()
	}
	return true
}

// release gives the block back once its daemon has stopped.
func (b portBlock) release() {
	if b.count == 0 {
		return
	}
	held.mu.Lock()
	defer held.mu.Unlock()
	delete(held.blocks, b.base)
}

// hostKeys are the console host keys of this process's daemons, made once:
// making the RSA key took a daemon's start from about 30 ms to 220 ms.
// Daemons of one process have disjoint port blocks, so the keys still tell
// their consoles from those of any other program.
var hostKeys struct {
	once  sync.Once
	files map[string][]byte // file name in the data dir -> content
	keys  map[string]bool   // marshalled public keys
	err   error
}

// seedHostKeys writes the process's console host keys into a data dir the
// daemon has not started on yet, and returns their public keys.
func seedHostKeys(dataDir string) (map[string]bool, error) {
	hostKeys.once.Do(func() {
		dir, err := os.MkdirTemp("", "labtest-hostkeys-")
		if err != nil {
			hostKeys.err = err
			return
		}
		defer os.RemoveAll(dir)
		signers, err := sshd.LoadOrCreateHostKeys(dir)
		if err != nil {
			hostKeys.err = err
			return
		}
		hostKeys.keys = map[string]bool{}
		for _, s := range signers {
			hostKeys.keys[string(s.PublicKey().Marshal())] = true
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			hostKeys.err = err
			return
		}
		hostKeys.files = map[string][]byte{}
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				hostKeys.err = err
				return
			}
			hostKeys.files[e.Name()] = b
		}
	})
	if hostKeys.err != nil {
		return nil, fmt.Errorf("console host keys: %w", hostKeys.err)
	}
	for name, b := range hostKeys.files {
		if err := os.WriteFile(filepath.Join(dataDir, name), b, 0o600); err != nil {
			return nil, fmt.Errorf("console host keys: %w", err)
		}
	}
	return hostKeys.keys, nil
}
