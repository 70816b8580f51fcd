package directory

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
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
