package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"
)

// The lab's faults: the links cut between two headends and the headends
// powered off, each written in the batch of its event.
//
//	l/<lab>/link/<lower id 8><higher id 8>  a cut link, JSON
//	l/<lab>/power/<id 8>                    a headend powered off, JSON
//
// A link with id 0 at one end is a headend's path to the lab's Smart
// Software Manager, cut: no headend has id 0.

// LinkPrefix is the prefix of the lab's cut links.
func LinkPrefix(lab string) []byte { return append(LabPrefix(lab), "link/"...) }

// LinkKey is the key of the link between two headends, by their ids in
// either order: a link has no direction.
func LinkKey(lab string, a, b uint64) []byte {
	a, b = min(a, b), max(a, b)
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(LinkPrefix(lab), a), b)
}

// PowerPrefix is the prefix of the lab's powered-off headends.
func PowerPrefix(lab string) []byte { return append(LabPrefix(lab), "power/"...) }

// PowerKey is the key of a powered-off headend.
func PowerKey(lab string, id uint64) []byte {
	return binary.BigEndian.AppendUint64(PowerPrefix(lab), id)
}

// fault is the value of a fault's record: when it began, in lab time.
type fault struct {
	Since time.Time `json:"since"`
}

// PutLink records the link between headends x and y as cut since t.
func (b *Batch) PutLink(x, y uint64, t time.Time) error {
	v, _ := json.Marshal(fault{Since: t.UTC()})
	return b.b.Set(LinkKey(b.lab, x, y), v, nil)
}

// DeleteLink records the link between headends x and y as up.
func (b *Batch) DeleteLink(x, y uint64) error { return b.b.Delete(LinkKey(b.lab, x, y), nil) }

// PutPower records headend id as powered off since t.
func (b *Batch) PutPower(id uint64, t time.Time) error {
	v, _ := json.Marshal(fault{Since: t.UTC()})
	return b.b.Set(PowerKey(b.lab, id), v, nil)
}

// DeletePower records headend id as powered on.
func (b *Batch) DeletePower(id uint64) error { return b.b.Delete(PowerKey(b.lab, id), nil) }

// Links calls fn for every cut link of the lab, with its headends' ids
// (lower first) and when it was cut.
func (s *Store) Links(lab string, fn func(a, b uint64, since time.Time) error) error {
	p := LinkPrefix(lab)
	return s.Scan(p, func(k, v []byte) error {
		var f fault
		if len(k) != len(p)+16 || json.Unmarshal(v, &f) != nil {
			return fmt.Errorf("sim: malformed link record %q=%q", k, v)
		}
		return fn(binary.BigEndian.Uint64(k[len(p):]), binary.BigEndian.Uint64(k[len(p)+8:]), f.Since)
	})
}

// PoweredOff calls fn for every powered-off headend of the lab, with its id
// and when it went off.
func (s *Store) PoweredOff(lab string, fn func(id uint64, since time.Time) error) error {
	p := PowerPrefix(lab)
	return s.Scan(p, func(k, v []byte) error {
		var f fault
		if len(k) != len(p)+8 || json.Unmarshal(v, &f) != nil {
			return fmt.Errorf("sim: malformed power record %q=%q", k, v)
		}
		return fn(binary.BigEndian.Uint64(k[len(p):]), f.Since)
	})
}
