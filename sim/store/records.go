package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/asalab/asalab/keygen/portal"
)

// The records of a lab beside its headends and clock: the console ports,
// the portal's records and the event log.

// PutPorts writes headends' console ports (by headend id) durably.
func (s *Store) PutPorts(lab string, ports map[uint64]int) error {
	if len(ports) == 0 {
		return nil
	}
	b := s.NewBatch(lab)
	defer b.Close()
	for id, port := range ports {
		if err := b.PutPort(id, port); err != nil {
			return err
		}
	}
	return s.Commit(b)
}

// Ports reads the stored console ports of a lab by headend id.
func (s *Store) Ports(lab string) (map[uint64]int, error) {
	p := PortPrefix(lab)
	out := map[uint64]int{}
	err := s.Scan(p, func(k, v []byte) error {
		if len(k) != len(p)+8 || len(v) != 2 {
			return fmt.Errorf("sim: malformed console port %q=%x", k, v)
		}
		out[binary.BigEndian.Uint64(k[len(p):])] = int(binary.BigEndian.Uint16(v))
		return nil
	})
	return out, err
}

// putJSON sets key to v as JSON; what names the record in an error.
func (b *Batch) putJSON(key []byte, v any, what string) error {
	enc, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("sim: encode %s record: %w", what, err)
	}
	return b.b.Set(key, enc, nil)
}

// PutPortal writes one action's records.
func (b *Batch) PutPortal(c portal.Change) error {
	lab := b.lab
	set := func(key []byte, v any) error { return b.putJSON(key, v, "portal") }
	if c.Meta != nil {
		if err := set(PortalKey(lab, "meta", ""), c.Meta); err != nil {
			return err
		}
	}
	for i := range c.PAKs {
		if err := set(PortalKey(lab, "pak", c.PAKs[i].ID), &c.PAKs[i]); err != nil {
			return err
		}
	}
	for i := range c.Serials {
		if err := set(PortalKey(lab, "serial", c.Serials[i].Serial), &c.Serials[i]); err != nil {
			return err
		}
	}
	for i := range c.Codes {
		if err := set(PortalKey(lab, "code", c.Codes[i].Code), &c.Codes[i]); err != nil {
			return err
		}
	}
	return nil
}

// Portal reads every portal record of the lab as one change.
func (s *Store) Portal(lab string) (portal.Change, error) {
	var c portal.Change
	p := PortalPrefix(lab)
	err := s.Scan(p, func(key, v []byte) error {
		rest := string(key[len(p):])
		kind, id, _ := strings.Cut(rest, "/")
		var err error
		switch kind {
		case "meta":
			c.Meta = new(portal.Meta)
			err = json.Unmarshal(v, c.Meta)
		case "pak":
			var k portal.PAK
			if err = json.Unmarshal(v, &k); err == nil {
				c.PAKs = append(c.PAKs, k)
			}
		case "serial":
			var r portal.SerialRecord
			if err = json.Unmarshal(v, &r); err == nil {
				c.Serials = append(c.Serials, r)
			}
		case "code":
			var k portal.ActivationCode
			if err = json.Unmarshal(v, &k); err == nil {
				c.Codes = append(c.Codes, k)
			}
		default:
			return fmt.Errorf("sim: unknown portal record %q", rest)
		}
		if err != nil {
			return fmt.Errorf("sim: decode portal record %s %s: %w", kind, id, err)
		}
		return nil
	})
	return c, err
}

// LastEvent is the sequence number of the lab's last stored event, 0 when
// there is none.
func (s *Store) LastEvent(lab string) (uint64, error) {
	p := EventPrefix(lab)
	it, err := s.db.NewIter(nil)
	if err != nil {
		return 0, err
	}
	var last uint64
	if it.SeekLT(PrefixEnd(p)) && len(it.Key()) == len(p)+8 && string(it.Key()[:len(p)]) == string(p) {
		last = binary.BigEndian.Uint64(it.Key()[len(p):])
	}
	return last, it.Close()
}

// ScanEvents calls fn with the sequence number and the record of each of
// the lab's stored events after `after` up to through, in order, until fn
// returns false or fails; v is valid only during the call.
func (s *Store) ScanEvents(lab string, after, through uint64, fn func(seq uint64, v []byte) (bool, error)) error {
	if through <= after {
		return nil
	}
	p := EventPrefix(lab)
	stop := errStopScan
	err := s.ScanRange(EventKey(lab, after+1), EventKey(lab, through+1), func(k, v []byte) error {
		if len(k) != len(p)+8 {
			return fmt.Errorf("sim: malformed event key %q", k)
		}
		more, err := fn(binary.BigEndian.Uint64(k[len(p):]), v)
		if err == nil && !more {
			err = stop
		}
		return err
	})
	if err == stop {
		err = nil
	}
	return err
}
