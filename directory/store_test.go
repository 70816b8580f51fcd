package directory_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"signpost/directory"
)

// MustOpen opens a store in a fresh temporary directory.
func MustOpen(tb testing.TB) *directory.Store {
	tb.Helper()
	s, err := directory.Open(filepath.Join(tb.TempDir(), "signpost.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// The helpers below run a setup step or a read that a check depends on,
// failing the test at once on an error: a dropped error would let a test
// pass with nothing written.

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func mustPut(tb testing.TB, s *directory.Store, svc *directory.Service, save directory.Save) {
	tb.Helper()
	if _, err := s.PutService(context.Background(), svc, save); err != nil {
		tb.Fatalf("put %s: %v", svc.ID, err)
	}
}

func generation(tb testing.TB, s *directory.Store) uint64 {
	tb.Helper()
	gen, err := s.Generation(context.Background())
	must(tb, err)
	return gen
}

func countServices(tb testing.TB, s *directory.Store) int {
	tb.Helper()
	n, err := s.CountServices(context.Background())
	must(tb, err)
	return n
}

func revisions(tb testing.TB, s *directory.Store, serviceID string) []directory.Revision {
	tb.Helper()
	revs, err := s.Revisions(context.Background(), serviceID)
	must(tb, err)
	return revs
}

func service(tb testing.TB, s *directory.Store, id string) *directory.Service {
	tb.Helper()
	svc, err := s.Service(context.Background(), id)
	must(tb, err)
	return svc
}

func beginImport(tb testing.TB, s *directory.Store, source string) *directory.Import {
	tb.Helper()
	imp, err := s.BeginImport(context.Background(), source, directory.Save{})
	must(tb, err)
	return imp
}

func openAt(tb testing.TB, path string) *directory.Store {
	tb.Helper()
	s, err := directory.Open(path)
	must(tb, err)
	return s
}

func serviceN(i int) *directory.Service {
	return &directory.Service{
		ID:          fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
		Name:        fmt.Sprintf("Activity %d", i),
		Status:      directory.StatusActive,
		Description: "A friendly group.",
	}
}

func TestPutServiceIsIdempotentAndRevisioned(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	var changes []directory.Change
	s.Watch(func(c directory.Change) { changes = append(changes, c) })

	svc := serviceN(1)
	changed, err := s.PutService(ctx, svc, directory.Save{Actor: "admin@example.org", Action: directory.ActionCreate})
	if err != nil || !changed {
		t.Fatalf("first put: changed=%v err=%v", changed, err)
	}
	gen1 := generation(t, s)

	changed, err = s.PutService(ctx, serviceN(1), directory.Save{Actor: "admin@example.org"})
	if err != nil || changed {
		t.Fatalf("same put again: changed=%v err=%v, want unchanged", changed, err)
	}
	if gen := generation(t, s); gen != gen1 {
		t.Fatalf("generation moved on a no-op write: %d → %d", gen1, gen)
	}

	edited := serviceN(1)
	edited.Description = "A friendly walking group."
	if _, err := s.PutService(ctx, edited, directory.Save{Actor: "provider@example.org", Action: directory.ActionEdit}); err != nil {
		t.Fatal(err)
	}
	revs, err := s.Revisions(ctx, svc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 {
		t.Fatalf("want 2 revisions, got %d", len(revs))
	}
	latest := revs[0]
	if latest.Action != directory.ActionEdit || latest.Actor != "provider@example.org" {
		t.Errorf("latest revision = %s by %s", latest.Action, latest.Actor)
	}
	if len(latest.Changes) != 1 || latest.Changes[0].Path != "description" ||
		latest.Changes[0].Old != "A friendly group." || latest.Changes[0].New != "A friendly walking group." {
		t.Errorf("diff = %+v", latest.Changes)
	}
	if len(changes) != 2 || changes[1].ServiceIDs[0] != svc.ID || changes[1].Generation <= changes[0].Generation {
		t.Errorf("watch saw %+v", changes)
	}
}

func TestPutServiceRefusesInvalid(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	bad := serviceN(1)
	bad.Email = "not-an-email"
	_, err := s.PutService(ctx, bad, directory.Save{})
	var verr *directory.ValidationError
	if !errors.As(err, &verr) || !strings.Contains(err.Error(), "email") {
		t.Fatalf("want a validation error naming email, got %v", err)
	}
	if _, err := s.Service(ctx, bad.ID); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("refused service was stored: %v", err)
	}
}

func TestRestoreRevision(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	v1 := serviceN(1)
	mustPut(t, s, v1, directory.Save{Action: directory.ActionCreate})
	v2 := serviceN(1)
	v2.Name = "Renamed"
	mustPut(t, s, v2, directory.Save{})
	revs := revisions(t, s, v1.ID)
	first := revs[len(revs)-1]
	if err := s.RestoreRevision(ctx, v1.ID, first.Seq, "admin"); err != nil {
		t.Fatal(err)
	}
	got := service(t, s, v1.ID)
	if got.Name != v1.Name {
		t.Fatalf("restored name = %q, want %q", got.Name, v1.Name)
	}
	revs = revisions(t, s, v1.ID)
	if len(revs) != 3 || revs[0].Action != directory.ActionRestore {
		t.Fatalf("restore should be a new revision, got %d revisions, latest %q", len(revs), revs[0].Action)
	}
	if err := s.RestoreRevision(ctx, "00000000-0000-4000-8000-000000000009", first.Seq, "admin"); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("restoring another service's revision: %v", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "signpost.db")
	s, err := directory.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, serviceN(7), directory.Save{})
	gen := generation(t, s)
	must(t, s.Close())

	s, err = directory.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Service(ctx, serviceN(7).ID)
	if err != nil || got.Name != "Activity 7" {
		t.Fatalf("after reopen: %v, %v", got, err)
	}
	if g := generation(t, s); g != gen {
		t.Fatalf("generation after reopen = %d, want %d", g, gen)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signpost.db")
	s, err := directory.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	must(t, s.Close())
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	must(t, db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte{0, 0, 0, 0, 0, 0, 0, 99})
	}))
	must(t, db.Close())

	_, err = directory.Open(path)
	if !errors.Is(err, directory.ErrNewerSchema) || !strings.Contains(err.Error(), "schema version 99") {
		t.Fatalf("want a clear newer-schema error, got %v", err)
	}
}

func TestImportAbortWritesNothing(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	existing := serviceN(1)
	mustPut(t, s, existing, directory.Save{})

	imp, err := s.BeginImport(ctx, "big.ndjson", directory.Save{Actor: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	changed := serviceN(1)
	changed.Name = "Overwritten"
	must(t, imp.Put(ctx, changed))
	for i := 2; i < 1200; i++ { // several batches
		if err := imp.Put(ctx, serviceN(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := imp.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	assertOnly(t, s, existing)
}

func TestInterruptedImportIsUndoneOnOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "signpost.db")
	s, err := directory.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	existing := serviceN(1)
	mustPut(t, s, existing, directory.Save{})
	imp := beginImport(t, s, "big.ndjson")
	for i := 1; i < 1200; i++ {
		svc := serviceN(i)
		svc.Name += " (imported)"
		must(t, imp.Put(ctx, svc))
	}
	// Simulate a crash: the process dies with batches committed but the
	// import never finished.
	must(t, s.Close())

	s, err = directory.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	assertOnly(t, s, existing)
	// And a new import can start.
	imp, err = s.BeginImport(ctx, "again.ndjson", directory.Save{})
	if err != nil {
		t.Fatal(err)
	}
	must(t, imp.Put(ctx, serviceN(2)))
	stats, err := imp.Commit(ctx)
	if err != nil || stats.Written != 1 {
		t.Fatalf("commit: %+v %v", stats, err)
	}
}

func TestImportCommitAndReimport(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	run := func() directory.ImportStats {
		imp, err := s.BeginImport(ctx, "file.json", directory.Save{})
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 600; i++ {
			must(t, imp.Put(ctx, serviceN(i)))
		}
		stats, err := imp.Commit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return stats
	}
	if st := run(); st.Written != 600 || st.Unchanged != 0 {
		t.Fatalf("first import: %+v", st)
	}
	gen := generation(t, s)
	revs := revisions(t, s, serviceN(1).ID)
	if st := run(); st.Written != 0 || st.Unchanged != 600 {
		t.Fatalf("re-import: %+v", st)
	}
	if g := generation(t, s); g != gen {
		t.Errorf("re-import moved the generation %d → %d", gen, g)
	}
	if again := revisions(t, s, serviceN(1).ID); len(again) != len(revs) {
		t.Errorf("re-import added revisions: %d → %d", len(revs), len(again))
	}
	if n := countServices(t, s); n != 600 {
		t.Fatalf("count = %d", n)
	}
}

func assertOnly(t *testing.T, s *directory.Store, want *directory.Service) {
	t.Helper()
	ctx := context.Background()
	n := countServices(t, s)
	if n != 1 {
		t.Fatalf("want only the service from before the import, have %d services", n)
	}
	got, err := s.Service(ctx, want.ID)
	if err != nil || got.Name != want.Name {
		t.Fatalf("service before the import: got %v, %v", got, err)
	}
	revs := revisions(t, s, want.ID)
	if len(revs) != 1 {
		t.Fatalf("import revisions were not undone: %d revisions", len(revs))
	}
	if revs2 := revisions(t, s, serviceN(2).ID); len(revs2) != 0 {
		t.Fatalf("revisions of aborted rows remain: %d", len(revs2))
	}
}

func TestBackupIsAConsistentStore(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	for i := 1; i <= 50; i++ {
		mustPut(t, s, serviceN(i), directory.Save{})
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if _, err := s.BackupFile(ctx, path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".partial"); !os.IsNotExist(err) {
		t.Errorf("partial file left behind")
	}
	b, err := directory.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if n := countServices(t, b); n != 50 {
		t.Fatalf("backup holds %d services, want 50", n)
	}
}

func TestSecretIsCreatedOnceAndKept(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "signpost.db")
	s := openAt(t, path)
	a, err := s.Secret(ctx, "csrf")
	if err != nil || len(a) != 32 {
		t.Fatalf("secret: %x, %v", a, err)
	}
	other, err := s.Secret(ctx, "other")
	must(t, err)
	if string(other) == string(a) {
		t.Fatal("two secrets are the same")
	}
	must(t, s.Close())
	s = openAt(t, path)
	defer s.Close()
	b, err := s.Secret(ctx, "csrf")
	must(t, err)
	if string(a) != string(b) {
		t.Fatal("the secret changed across a restart")
	}
}

func TestServiceIndexesFollowEveryWrite(t *testing.T) {
	ctx := context.Background()
	const org = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
	withOrg := func(i int, assured string) *directory.Service {
		s := serviceN(i)
		s.OrganizationID = org
		s.AssuredDate = assured
		return s
	}
	cutoff := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	counts := func(s *directory.Store) (int, int) {
		svcs, err := s.ServicesOf(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		_, stale, err := s.StaleServices(ctx, cutoff, 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(svcs), stale
	}
	path := filepath.Join(t.TempDir(), "signpost.db")
	s := openAt(t, path)
	mustPut(t, s, withOrg(1, "2025-01-01"), directory.Save{})
	mustPut(t, s, withOrg(2, "2026-06-01"), directory.Save{})
	if n, stale := counts(s); n != 2 || stale != 1 {
		t.Fatalf("after puts: %d services, %d stale", n, stale)
	}
	// Confirming moves a listing out of the stale report.
	mustPut(t, s, withOrg(1, "2026-02-01"), directory.Save{})
	if _, stale := counts(s); stale != 0 {
		t.Fatalf("after confirming: %d stale", stale)
	}
	// An aborted import leaves the indexes as they were.
	imp := beginImport(t, s, "f")
	for i := 3; i < 700; i++ {
		must(t, imp.Put(ctx, withOrg(i, "")))
	}
	must(t, imp.Abort(ctx))
	if n, stale := counts(s); n != 2 || stale != 0 {
		t.Fatalf("after an aborted import: %d services, %d stale", n, stale)
	}
	must(t, s.DeleteService(ctx, serviceN(2).ID, directory.Save{}))
	if n, _ := counts(s); n != 1 {
		t.Fatalf("after delete: %d services", n)
	}
	mustPut(t, s, serviceN(50), directory.Save{}) // no organisation
	if byOrg, err := s.ServiceCountsByOrg(ctx); err != nil || byOrg[org] != 1 || byOrg[""] != 1 || len(byOrg) != 2 {
		t.Fatalf("counts by organisation = %v, %v", byOrg, err)
	}
	must(t, s.Close())

	// A store from before the indexes existed gets them on open.
	db, err := bbolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, db.Update(func(tx *bbolt.Tx) error {
		return errors.Join(
			tx.DeleteBucket([]byte("services_by_org")),
			tx.DeleteBucket([]byte("active_by_assured")),
			tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte{0, 0, 0, 0, 0, 0, 0, 2}))
	}))
	must(t, db.Close())
	s = openAt(t, path)
	defer s.Close()
	if n, _ := counts(s); n != 1 {
		t.Fatalf("after migrating: %d services", n)
	}
}

func TestImportedTermsAreKeptAndAbortedImportsTakeThemBack(t *testing.T) {
	ctx := context.Background()
	withTerm := func(i int, termID, name string) *directory.Service {
		s := serviceN(i)
		s.Attributes = []directory.Attribute{{
			ID: fmt.Sprintf("10000000-0000-4000-8000-%012d", i), TaxonomyTermID: termID,
			TaxonomyTerm: &directory.TaxonomyTerm{ID: termID, Name: name, Description: name, Taxonomy: "council-categories"},
		}, directory.TermAttribute(s.ID, directory.Needs[0])}
		return s
	}
	terms := func(s *directory.Store) []string {
		var names []string
		err := s.EachImportedTerm(ctx, func(t directory.TaxonomyTerm) error {
			names = append(names, t.Name)
			return nil
		})
		must(t, err)
		return names
	}
	s := MustOpen(t)
	mustPut(t, s, withTerm(1, "20000000-0000-4000-8000-000000000001", "Lunch clubs"), directory.Save{})
	if got := terms(s); len(got) != 1 || got[0] != "Lunch clubs" {
		t.Fatalf("imported terms = %v (Signpost's own must not be listed)", got)
	}
	imp := beginImport(t, s, "f")
	// Past the second batch (of 1,000, after one of 500): the first is
	// written before the second goes, which is before the abort.
	for i := 2; i < 1600; i++ {
		must(t, imp.Put(ctx, withTerm(i, "20000000-0000-4000-8000-000000000002", "Tea dances")))
	}
	if got := terms(s); len(got) != 2 {
		t.Fatalf("during the import: terms %v", got)
	}
	if err := imp.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	if got := terms(s); len(got) != 1 {
		t.Fatalf("an aborted import left terms behind: %v", got)
	}
}

func TestServiceIndexesFollowOrganisationAndStatus(t *testing.T) {
	ctx := context.Background()
	const orgA, orgB = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "e9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c611"
	cutoff := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := MustOpen(t)
	svc := serviceN(1)
	svc.OrganizationID, svc.AssuredDate = orgA, "2025-01-01"
	check := func(step string, inA, inB, stale int) {
		t.Helper()
		a, errA := s.ServicesOf(ctx, orgA)
		b, errB := s.ServicesOf(ctx, orgB)
		_, n, errS := s.StaleServices(ctx, cutoff, 0)
		if err := errors.Join(errA, errB, errS); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if len(a) != inA || len(b) != inB || n != stale {
			t.Fatalf("%s: %d in A, %d in B, %d stale; want %d, %d, %d", step, len(a), len(b), n, inA, inB, stale)
		}
	}
	mustPut(t, s, svc, directory.Save{})
	check("put", 1, 0, 1)
	svc.Description += " Now on Thursdays."
	mustPut(t, s, svc, directory.Save{})
	check("edit keeping organisation and date", 1, 0, 1)
	svc.OrganizationID = orgB
	mustPut(t, s, svc, directory.Save{})
	check("move to another organisation", 0, 1, 1)
	svc.Status = directory.StatusInactive
	mustPut(t, s, svc, directory.Save{})
	check("inactive", 0, 1, 0)
	svc.Status = directory.StatusActive
	mustPut(t, s, svc, directory.Save{})
	check("active again", 0, 1, 1)
}

// TestServiceCountFollowsEveryWrite checks the kept count against the
// services themselves after each kind of write, including the playback
// of an import's undo journal, and that a store from before the count
// gets it on open.
func TestServiceCountFollowsEveryWrite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "signpost.db")
	s := openAt(t, path)
	check := func(step string, want int) {
		t.Helper()
		walked := 0
		must(t, s.EachService(ctx, func(*directory.Service) error { walked++; return nil }))
		if n := countServices(t, s); n != want || walked != want {
			t.Fatalf("%s: count %d, services %d; want %d", step, n, walked, want)
		}
	}
	check("empty", 0)
	for i := 1; i <= 3; i++ {
		mustPut(t, s, serviceN(i), directory.Save{})
	}
	check("three puts", 3)
	mustPut(t, s, serviceN(2), directory.Save{})
	edited := serviceN(3)
	edited.Name = "Renamed"
	mustPut(t, s, edited, directory.Save{})
	check("an unchanged put and an edit", 3)
	must(t, s.DeleteService(ctx, serviceN(1).ID, directory.Save{}))
	check("a delete", 2)

	imp := beginImport(t, s, "more.ndjson")
	for i := 2; i <= 600; i++ { // two existing, the rest new, over two batches
		must(t, imp.Put(ctx, serviceN(i)))
	}
	if _, err := imp.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	check("a committed import", 599)

	imp = beginImport(t, s, "aborted.ndjson")
	for i := 601; i <= 1200; i++ {
		must(t, imp.Put(ctx, serviceN(i)))
	}
	must(t, imp.Abort(ctx))
	check("an aborted import", 599)

	imp = beginImport(t, s, "interrupted.ndjson")
	for i := 1201; i <= 1800; i++ {
		must(t, imp.Put(ctx, serviceN(i)))
	}
	must(t, s.Close()) // a crash part-way: the journal is played back on open
	s = openAt(t, path)
	check("an interrupted import undone on open", 599)
	must(t, s.Close())

	// A store from before the count (schema 4) has it computed on open.
	db, err := bbolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, db.Update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket([]byte("meta"))
		return errors.Join(meta.Delete([]byte("service_count")), meta.Put([]byte("schema"), []byte{0, 0, 0, 0, 0, 0, 0, 4}))
	}))
	must(t, db.Close())
	s = openAt(t, path)
	defer s.Close()
	check("after migrating", 599)
}

// An aborted import puts the generation back only when no one could have
// seen its batches: with a watcher (a running server's index), the batches
// were heard of, so the generation must move on past them instead.
func TestAbortedImportGenerationAndWatchers(t *testing.T) {
	ctx := context.Background()
	for _, watched := range []bool{false, true} {
		t.Run(fmt.Sprintf("watched=%v", watched), func(t *testing.T) {
			s := MustOpen(t)
			mustPut(t, s, serviceN(1), directory.Save{})
			// Heard from the import's writer, which runs behind Put.
			var mu sync.Mutex
			var heard []uint64
			if watched {
				s.Watch(func(c directory.Change) {
					mu.Lock()
					defer mu.Unlock()
					heard = append(heard, c.Generation)
				})
			}
			before := generation(t, s)
			imp := beginImport(t, s, "f")
			for i := 2; i < 1600; i++ { // the first batch is written before the abort
				must(t, imp.Put(ctx, serviceN(i)))
			}
			must(t, imp.Abort(ctx))
			after := generation(t, s)
			mu.Lock()
			defer mu.Unlock()
			// The batches, then the rollback, each heard once.
			switch {
			case !watched && after != before:
				t.Errorf("unwatched: generation %d → %d, want it put back", before, after)
			case watched && (len(heard) < 2 || heard[len(heard)-1] != after || slices.Max(heard[:len(heard)-1]) >= after):
				t.Errorf("watched: generation %d after hearing %v, want the batches heard and the rollback past them, heard last", after, heard)
			}
			assertOnly(t, s, serviceN(1))
		})
	}
}

func TestServiceNames(t *testing.T) {
	s := MustOpen(t)
	for i := 1; i <= 3; i++ {
		mustPut(t, s, serviceN(i), directory.Save{})
	}
	gone := serviceN(9).ID
	got, err := s.ServiceNames(context.Background(), []string{serviceN(1).ID, serviceN(3).ID, gone})
	must(t, err)
	want := map[string]string{serviceN(1).ID: "Activity 1", serviceN(3).ID: "Activity 3"}
	if !maps.Equal(got, want) {
		t.Errorf("names %v, want %v (an id not in the store left out)", got, want)
	}
}
