package store

// LabFileKey is the key of what the lab files applied to the lab made
// (package labfile keeps its encoding): the portal orders it placed, by
// the file's names, so that a second apply places none again.
func LabFileKey(lab string) []byte { return append(LabPrefix(lab), "labfile"...) }

// PutLabFile writes the lab's lab-file record.
func (b *Batch) PutLabFile(v []byte) error { return b.b.Set(LabFileKey(b.lab), v, nil) }

// LabFile reads the lab's lab-file record; ok is false when it has none.
func (s *Store) LabFile(lab string) (v []byte, ok bool, err error) {
	return s.record(LabFileKey(lab))
}
