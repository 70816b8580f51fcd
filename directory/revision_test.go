package directory

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// encodeRevision must write exactly what json.Marshal writes, so revisions
// stored before and after it read the same.
func TestEncodeRevisionIsJSONMarshal(t *testing.T) {
	snap, err := json.Marshal(&Service{ID: "s1", Name: "Tea & <talk>", Description: "Ünïcode \"quoted\"\n"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		rev  Revision
	}{
		{"with snapshot", Revision{Seq: 7, ServiceID: "s1", Actor: "a@example.org", At: at, Action: ActionImport, Changes: []FieldChange{}, Snapshot: snap}},
		{"with changes and note", Revision{Seq: 8, ServiceID: "s1", Actor: "x", At: at, Action: ActionEdit, Note: "n <b>",
			Changes: []FieldChange{{Path: "name", Old: "a", New: "b"}}, Snapshot: snap}},
		{"without snapshot", Revision{Seq: 9, ServiceID: "s1", At: at, Action: ActionConfirm, Changes: []FieldChange{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(tt.rev)
			if err != nil {
				t.Fatal(err)
			}
			got, err := encodeRevision(tt.rev)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("encodeRevision:\n got %s\nwant %s", got, want)
			}
		})
	}
}

// A revision written with its service's record refers to the record, and
// every later write of the service (an edit, a revision without a snapshot,
// a removal) first turns it into a copy: each revision's snapshot reads as
// the record it was written with, and only the newest is ever a reference.
func TestRevisionSnapshotsReferToTheRecordUntilItChanges(t *testing.T) {
	ctx := t.Context()
	s, err := Open(t.TempDir() + "/signpost.db")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	svc := &Service{ID: "6d0c5a52-3a9b-4b8c-9d3e-2f1a0b7c8d9e", Name: "Tea and talk", Status: StatusActive}
	names := []string{"Tea and talk", "Tea, talk and cake", "Coffee and talk"}
	for _, name := range names {
		next := *svc
		next.Name = name
		if _, err := s.PutService(ctx, &next, Save{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	// A revision without a snapshot (what a removal writes) comes after.
	check := func(stage string, refs int) {
		t.Helper()
		revs, err := s.Revisions(ctx, svc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range revs {
			if len(r.Snapshot) == 0 {
				continue
			}
			var snap Service
			if err := json.Unmarshal(r.Snapshot, &snap); err != nil {
				t.Fatalf("%s: revision %d: %v", stage, r.Seq, err)
			}
			got = append([]string{snap.Name}, got...)
		}
		if strings.Join(got, "|") != strings.Join(names, "|") {
			t.Errorf("%s: snapshots %q, want %q", stage, got, names)
		}
		n := 0
		err = s.view(ctx, func(tx *bbolt.Tx) error {
			return tx.Bucket(bucketRevisions).ForEach(func(_, v []byte) error {
				if isSnapshotRef(v) {
					n++
				}
				return nil
			})
		})
		if err != nil || n != refs {
			t.Errorf("%s: %d references stored, want %d (%v)", stage, n, refs, err)
		}
	}
	check("after three writes", 1)
	if err := s.DeleteService(ctx, svc.ID, Save{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	check("after the removal", 0)
	if _, _, _, err := s.RestorePreview(ctx, svc.ID, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.RestoreRevision(ctx, svc.ID, 2, "test"); err != nil {
		t.Fatal(err)
	}
	names = append(names, "Tea, talk and cake")
	check("after restoring the second", 1)
}
