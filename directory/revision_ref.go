package directory

import (
	"bytes"
	"encoding/json"

	"go.etcd.io/bbolt"
)

// A revision written with a service's record (putService's) does not copy
// the record: its snapshot is, until the service is next written, exactly
// the value in the services bucket, so the revision stores a reference to
// it instead (snapshotRef ends its JSON) and readers fill the snapshot in.
// Before anything writes the service again, or adds another revision of it,
// the reference is replaced by a copy of the record (materialiseLatest), so
// only the newest revision of a service is ever a reference. Revisions were
// half an import's bytes: at a million services, 5 GB of copies.
var snapshotRef = []byte(`,"snapshot_ref":"service"}`)

// isSnapshotRef reports whether a stored revision refers to its service's
// record for its snapshot.
func isSnapshotRef(raw []byte) bool { return bytes.HasSuffix(raw, snapshotRef) }

// withSnapshot is a stored reference revision with the record appended as
// its snapshot: what encodeRevision makes of the revision with a snapshot.
func withSnapshot(raw, record []byte) []byte {
	head := raw[:len(raw)-len(snapshotRef)]
	out := make([]byte, 0, len(head)+len(record)+13)
	out = append(out, head...)
	out = append(out, `,"snapshot":`...)
	out = append(out, record...)
	return append(out, '}')
}

// fillSnapshot sets r's snapshot from the service's record when raw, the
// stored form of r, is a reference.
func fillSnapshot(tx *bbolt.Tx, r *Revision, raw []byte) {
	if len(r.Snapshot) > 0 || !isSnapshotRef(raw) {
		return
	}
	if record := tx.Bucket(bucketServices).Get([]byte(r.ServiceID)); record != nil {
		r.Snapshot = append(json.RawMessage(nil), record...)
	}
}

// materialiseLatest turns the newest revision of service id into a copy
// when it is a reference; record is the service's stored value, before it
// is written over.
func materialiseLatest(tx *bbolt.Tx, id string, record []byte) error {
	if record == nil {
		return nil // a removed service's revisions are all copies
	}
	prefix := []byte(id + "/")
	// The newest is the service's last key: keys are the id, a slash and
	// the big-endian sequence number. A service has few revisions, and the
	// cursor goes forward (going back over pages the same transaction
	// emptied, as a rollback does, is not safe in bbolt).
	var newest []byte
	c := tx.Bucket(bucketServiceRevisions).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) == len(prefix)+8 { // not another id that starts with this one and a slash
			newest = k[len(prefix):]
		}
	}
	if newest == nil {
		return nil
	}
	all := tx.Bucket(bucketRevisions)
	raw := all.Get(newest)
	if raw == nil || !isSnapshotRef(raw) {
		return nil
	}
	all.FillPercent = revisionsFill
	return all.Put(append([]byte{}, newest...), withSnapshot(raw, record))
}
