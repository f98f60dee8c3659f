package sim

// LabFileRecord is the lab's stored lab-file record (ok false: none); its
// encoding is package labfile's.
func (l *Lab) LabFileRecord() (v []byte, ok bool, err error) { return l.store.LabFile(l.name) }

// PutLabFileRecord writes the lab's lab-file record durably.
func (l *Lab) PutLabFileRecord(v []byte) error {
	b := l.store.NewBatch(l.name)
	defer b.Close()
	if err := b.PutLabFile(v); err != nil {
		return err
	}
	return l.commit(b, nil, nil)
}
