package engine

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// chunkTestRow is a row whose every rowInfo field varies with i: empty and
// shared strings, slices of several lengths, times in UTC, at a fixed
// offset and unknown.
func chunkTestRow(i int) row {
	r := row{flags: flagLive | flagPhysical, needs: uint32(i * 7), activities: uint16(i), assured: int64(i) - 5, minAge: float64(i % 90)}
	r.point = newGeoPoint(53+float64(i%100)/100, -3+float64(i%37)/10)
	r.info = rowInfo{
		ID:       fmt.Sprintf("id-%d", i),
		SortName: strings.Repeat("é", i%4),
		OrgID:    fmt.Sprintf("org-%d", i%5),
		Access:   []string{"", "step-free entrance", "hearing loop"}[i%3],
	}
	for j := range i % 3 {
		r.info.Langs = append(r.info.Langs, []string{"en", "cy", "pl"}[(i+j)%3])
	}
	for j := range i % 4 {
		r.info.TermIDs = append(r.info.TermIDs, signpostTermIDs["signpost-needs:money"], fmt.Sprint("other-", (i+j)%11))
	}
	for j := range i % 3 {
		r.info.MorePts = append(r.info.MorePts, newGeoPoint(50+float64(j), float64(i%13)))
		r.flags |= flagMorePts
	}
	switch i % 3 {
	case 0:
		r.info.Modified = time.Date(2025, 3, 1+i%28, 10, 0, i%60, i, time.UTC)
	case 1:
		r.info.Modified = time.Date(2024, 7, 1, 9, 30, 0, 0, time.FixedZone("", 3600))
	}
	r.info.Text[i%16] = byte(i)
	return r
}

// A table longer than one chunk comes back whole and in order, every row
// equal to the one saved.
func TestSnapshotColumnChunks(t *testing.T) {
	for _, n := range []int{0, 1, snapshotChunk, snapshotChunk + 1, 3*snapshotChunk + 17} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			tab := newTable()
			rows := make([]row, n)
			for i := range rows {
				rows[i] = chunkTestRow(i)
			}
			tab.apply(rows, nil)
			dir := t.TempDir()
			if err := writeSnapshot(dir, tab, 1); err != nil {
				t.Fatal(err)
			}
			got, err := readSnapshot(dir, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.rows) != n || got.count() != n {
				t.Fatalf("read %d rows (%d ids), want %d", len(got.rows), got.count(), n)
			}
			for i := range n {
				if !reflect.DeepEqual(got.rows[i], tab.rows[i]) || got.point[i] != tab.point[i] || got.needs[i] != tab.needs[i] || got.assured[i] != tab.assured[i] {
					t.Fatalf("row %d: got %+v, want %+v", i, got.rows[i], tab.rows[i])
				}
				if got.slotOf[tab.rows[i].ID] != uint32(i) {
					t.Fatalf("slotOf[%s] = %d, want %d", tab.rows[i].ID, got.slotOf[tab.rows[i].ID], i)
				}
			}
			// The Signpost term ids are the shared copies again.
			for i := range n {
				if len(got.rows[i].TermIDs) > 0 && unsafe.StringData(got.rows[i].TermIDs[0]) != unsafe.StringData(signpostTermIDs["signpost-needs:money"]) {
					t.Fatalf("row %d: its Signpost term id is a copy of its own", i)
				}
			}
			// Appending to one row's slices leaves the next row's alone.
			if n > 2 {
				before := fmt.Sprint(got.rows[2].Langs, got.rows[2].TermIDs, got.rows[2].MorePts)
				_ = append(got.rows[1].Langs, "xx")
				_ = append(got.rows[1].TermIDs, "xx")
				_ = append(got.rows[1].MorePts, geoPoint{})
				if after := fmt.Sprint(got.rows[2].Langs, got.rows[2].TermIDs, got.rows[2].MorePts); after != before {
					t.Fatalf("appending to row 1 changed row 2: %s, was %s", after, before)
				}
			}
		})
	}
}

// A snapshot that is damaged, not a snapshot, or of another version is
// refused without a panic: as stale when written by another version (the
// store is read quietly), as an error otherwise (the store is read, and
// the error logged).
func TestSnapshotRefusesWhatItCannotRead(t *testing.T) {
	tab := newTable()
	var rows []row
	for i := range 50 {
		rows = append(rows, chunkTestRow(i))
	}
	tab.apply(rows, nil)
	dir := t.TempDir()
	if err := writeSnapshot(dir, tab, 4); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, snapshotFile)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var gobFile bytes.Buffer
	gob.NewEncoder(&gobFile).Encode(struct{ Schema, Count int }{4, 50})
	otherFormat := bytes.Clone(good)
	le.PutUint32(otherFormat[8:], snapshotFormat+1)
	otherSchema := bytes.Clone(good)
	le.PutUint32(otherSchema[12:], tableSchema-1)
	flipped := bytes.Clone(good)
	flipped[len(flipped)-3] ^= 1
	badHeader := bytes.Clone(good)
	badHeader[30] ^= 1
	for _, tc := range []struct {
		name  string
		data  []byte
		stale bool
	}{
		{"the gob snapshot of earlier versions", gobFile.Bytes(), false},
		{"empty", nil, false},
		{"another format", otherFormat, true},
		{"another schema", otherSchema, true},
		{"a damaged section", flipped, false},
		{"a damaged header", badHeader, false},
		{"cut short", good[:len(good)-100], false},
		{"cut inside the header", good[:20], false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := readSnapshot(dir, 4)
			if got != nil || err == nil || errors.Is(err, errStaleSnapshot) != tc.stale {
				t.Errorf("readSnapshot = %v, %v; want no table and stale %v", got, err, tc.stale)
			}
		})
	}
	if err := os.WriteFile(path, good, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := readSnapshot(dir, 4); err != nil || got.count() != 50 {
		t.Errorf("the good file again: %v", err)
	}
}

// An engine whose snapshot cannot be read reads its table from the store
// and answers as before; the next Close writes a good snapshot, and the
// gob file of earlier versions is removed.
func TestRestartWithAnUnreadableSnapshotReadsTheStore(t *testing.T) {
	ctx := context.Background()
	src := newMemSource(genServices(30, 5)...)
	dir := t.TempDir() + "/index"
	q := Query{Text: "walking", Size: MaxSize}
	e, err := Open(dir, src)
	if err != nil {
		t.Fatal(err)
	}
	before, err := e.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, snapshotFile), []byte("not a snapshot"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, legacySnapshotFile), []byte("gob"), 0o644); err != nil {
		t.Fatal(err)
	}
	reads := src.reads
	e, err = Open(dir, src)
	if err != nil {
		t.Fatal(err)
	}
	if src.reads == reads {
		t.Error("the store was not read")
	}
	after, err := e.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ids(before), ids(after)) || before.Total != after.Total {
		t.Errorf("after restart: %d %v, before: %d %v", after.Total, ids(after), before.Total, ids(before))
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := readSnapshot(dir, 1); err != nil {
		t.Errorf("the snapshot written on Close: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, legacySnapshotFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the old gob snapshot is still there: %v", err)
	}
}
