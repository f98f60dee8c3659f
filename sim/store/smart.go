package store

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/asalab/asalab/keygen/smart"
)

// The Smart Software Manager's records, one per key under the lab's
// "smart/" prefix: meta, account/NAME, ent/ID, token/TOKEN, device/UDI.

// SmartPrefix is the prefix of the Smart Software Manager's records.
func SmartPrefix(lab string) []byte { return append(LabPrefix(lab), "smart/"...) }

// SmartKey is the key of a Smart Software Manager record of a kind (meta,
// account, ent, token, device).
func SmartKey(lab, kind, id string) []byte {
	return append(SmartPrefix(lab), kind+"/"+id...)
}

// PutSmart writes one action's records.
func (b *Batch) PutSmart(c smart.Change) error {
	lab := b.lab
	set := func(key []byte, v any) error { return b.putJSON(key, v, "smart") }
	if c.Meta != nil {
		if err := set(SmartKey(lab, "meta", ""), c.Meta); err != nil {
			return err
		}
	}
	for i := range c.Accounts {
		if err := set(SmartKey(lab, "account", c.Accounts[i].Name), &c.Accounts[i]); err != nil {
			return err
		}
	}
	for i := range c.Entitlements {
		if err := set(SmartKey(lab, "ent", c.Entitlements[i].ID), &c.Entitlements[i]); err != nil {
			return err
		}
	}
	for i := range c.Tokens {
		if err := set(SmartKey(lab, "token", c.Tokens[i].Token), &c.Tokens[i]); err != nil {
			return err
		}
	}
	for i := range c.Devices {
		if err := set(SmartKey(lab, "device", c.Devices[i].UDI), &c.Devices[i]); err != nil {
			return err
		}
	}
	return nil
}

// Smart reads every Smart Software Manager record of the lab as one change.
func (s *Store) Smart(lab string) (smart.Change, error) {
	var c smart.Change
	p := SmartPrefix(lab)
	err := s.Scan(p, func(key, v []byte) error {
		rest := string(key[len(p):])
		kind, id, _ := strings.Cut(rest, "/")
		var err error
		switch kind {
		case "meta":
			c.Meta = new(smart.Meta)
			err = json.Unmarshal(v, c.Meta)
		case "account":
			err = appendJSON(v, &c.Accounts)
		case "ent":
			err = appendJSON(v, &c.Entitlements)
		case "token":
			err = appendJSON(v, &c.Tokens)
		case "device":
			err = appendJSON(v, &c.Devices)
		default:
			return fmt.Errorf("sim: unknown smart record %q", rest)
		}
		if err != nil {
			return fmt.Errorf("sim: decode smart record %s %s: %w", kind, id, err)
		}
		return nil
	})
	return c, err
}

func appendJSON[T any](v []byte, to *[]T) error {
	var r T
	if err := json.Unmarshal(v, &r); err != nil {
		return err
	}
	*to = append(*to, r)
	return nil
}
