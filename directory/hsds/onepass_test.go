package hsds_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"signpost/directory"
	"signpost/directory/directorytest"
	"signpost/directory/hsds"
	"signpost/directory/synth"
)

// genServices returns n generated services.
func genServices(t *testing.T, n int, seed int64) []*directory.Service {
	t.Helper()
	var out []*directory.Service
	for s := range synth.Services(n, seed) {
		out = append(out, s)
	}
	return out
}

// ndjson encodes records, one a line; a string is written as it is.
func ndjson(t *testing.T, records ...any) string {
	t.Helper()
	var b strings.Builder
	for _, r := range records {
		if s, ok := r.(string); ok {
			b.WriteString(s + "\n")
			continue
		}
		raw, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(raw)
		b.WriteByte('\n')
	}
	return b.String()
}

func importText(t *testing.T, st *directory.Store, text string, onePass bool) (*hsds.ImportReport, error) {
	t.Helper()
	return hsds.Import(context.Background(), st, "file.ndjson", func() (*hsds.Reader, error) {
		return hsds.NewReader(strings.NewReader(text)), nil
	}, hsds.ImportOptions{Actor: "test", OnePass: onePass})
}

// storeState is everything an import may touch, in comparable form: the
// services, each one's revisions (less their times), the organisations and
// the counters.
type storeState struct {
	Generation uint64
	Count      int
	Services   map[string]string
	Revisions  map[string][]string
	Orgs       map[string]string
}

func stateOf(t *testing.T, st *directory.Store) storeState {
	t.Helper()
	ctx := context.Background()
	s := storeState{Services: map[string]string{}, Revisions: map[string][]string{}, Orgs: map[string]string{}}
	var err error
	if s.Generation, err = st.Generation(ctx); err != nil {
		t.Fatal(err)
	}
	s.Count = countServices(t, st)
	var ids []string
	err = st.EachService(ctx, func(svc *directory.Service) error {
		raw, err := json.Marshal(svc)
		s.Services[svc.ID] = string(raw)
		ids = append(ids, svc.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		revs, err := st.Revisions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range revs {
			changes, _ := json.Marshal(r.Changes)
			s.Revisions[id] = append(s.Revisions[id], fmt.Sprintf("%d %s %s %s %s", r.Seq, r.Action, r.Actor, changes, r.Snapshot))
		}
	}
	err = st.EachOrganization(ctx, func(o *directory.Organization) error {
		raw, err := json.Marshal(o)
		s.Orgs[o.ID] = string(raw)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func diffStates(t *testing.T, want, got storeState) {
	t.Helper()
	if want.Generation != got.Generation || want.Count != got.Count {
		t.Errorf("generation %d → %d, count %d → %d", want.Generation, got.Generation, want.Count, got.Count)
	}
	for name, pair := range map[string][2]any{
		"services": {want.Services, got.Services}, "revisions": {want.Revisions, got.Revisions}, "organisations": {want.Orgs, got.Orgs},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("the %s differ", name)
		}
	}
}

// TestOnePassRefusedFileLeavesTheStoreAsItWas writes a file whose bad
// record comes after several committed batches, both of new services and of
// edits to stored ones: the rollback must leave every service, revision,
// organisation and counter as it was, so the next revision gets the next
// number and an index built before stays current.
func TestOnePassRefusedFileLeavesTheStoreAsItWas(t *testing.T) {
	st := openStore(t)
	all := genServices(t, 1800, 7)
	if rep, err := importText(t, st, ndjson(t, anySlice(all[:300])...), true); err != nil || rep.Written != 300 {
		t.Fatalf("first import: %+v %v", rep, err)
	}
	before := stateOf(t, st)

	var records []any
	for i, svc := range all {
		edited := *svc
		if i < 300 {
			edited.Name += " (edited)"
		}
		records = append(records, &edited)
	}
	// The import's first transactions hold 500 and 1,000 services.
	bad := *all[1700]
	bad.Name = ""
	records[1700] = &bad
	rep, err := importText(t, st, ndjson(t, records...), true)
	if !errors.Is(err, hsds.ErrRefused) {
		t.Fatalf("want refusal, got %v", err)
	}
	if rep.Records != 1800 || rep.ProblemCount != 1 || !strings.Contains(rep.Problems[0], "record 1701") {
		t.Fatalf("report: records %d, problems %d %q", rep.Records, rep.ProblemCount, rep.Problems)
	}
	diffStates(t, before, stateOf(t, st))

	// The same file read twice (the default) gives the same report.
	st2 := openStore(t)
	rep2, err2 := importText(t, st2, ndjson(t, records...), false)
	if !errors.Is(err2, hsds.ErrRefused) || !reflect.DeepEqual(rep, rep2) {
		t.Errorf("one pass and two passes disagree:\n%+v\n%+v", rep, rep2)
	}

	// The next write gets the next revision number.
	last := before.Revisions[all[0].ID][0]
	if _, err := st.PutService(context.Background(), records[0].(*directory.Service), directory.Save{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	revs, err := st.Revisions(context.Background(), all[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var lastSeq uint64
	fmt.Sscan(last, &lastSeq)
	for _, s := range before.Revisions {
		var seq uint64
		fmt.Sscan(s[0], &seq)
		lastSeq = max(lastSeq, seq)
	}
	if revs[0].Seq != lastSeq+1 {
		t.Errorf("the next revision is %d, want %d", revs[0].Seq, lastSeq+1)
	}
}

func anySlice(services []*directory.Service) []any {
	out := make([]any, len(services))
	for i, s := range services {
		out[i] = s
	}
	return out
}

// TestOnePassMatchesTwoPasses imports the same files both ways into two
// stores, and the stores and reports must agree: ids repeated within a batch
// and across batches (the later record wins, with one revision), then a
// second import of edited records and a third, unchanged.
func TestOnePassMatchesTwoPasses(t *testing.T) {
	all := genServices(t, 1600, 11)
	first := anySlice(all)
	// Record 11 repeats record 10's id (same transaction); record 1600
	// repeats record 5's (written in the first transaction, of 500).
	again10, again5 := *all[9], *all[4]
	again10.Name += " (second)"
	again5.Name += " (second)"
	first[10] = &again10
	first[1599] = &again5

	var second []any
	for i, svc := range all {
		edited := *svc
		if i%3 == 0 {
			edited.Description += " Now open on Saturdays."
		}
		second = append(second, &edited)
	}
	files := []string{ndjson(t, first...), ndjson(t, second...), ndjson(t, second...)}

	stores := map[bool]*directory.Store{true: openStore(t), false: openStore(t)}
	// Edits that keep last_modified are stamped with the time.
	clock := directorytest.NewClock(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	for _, st := range stores {
		st.SetClock(clock.Now)
	}
	ctx := context.Background()
	st := stores[true]
	for i, file := range files {
		reports := map[bool]*hsds.ImportReport{}
		for onePass, st := range stores {
			rep, err := importText(t, st, file, onePass)
			if err != nil {
				t.Fatalf("import %d (one pass %v): %v", i+1, onePass, err)
			}
			reports[onePass] = rep
		}
		if !reflect.DeepEqual(reports[true], reports[false]) {
			t.Errorf("import %d: reports differ:\n%+v\n%+v", i+1, reports[true], reports[false])
		}
		diffStates(t, stateOf(t, stores[false]), stateOf(t, stores[true]))
		if i == 0 {
			// A repeated id is written once, from its later record.
			for _, want := range []*directory.Service{&again10, &again5} {
				revs, err := st.Revisions(ctx, want.ID)
				svc, err2 := st.Service(ctx, want.ID)
				if err != nil || err2 != nil || len(revs) != 1 || svc.Name != want.Name {
					t.Errorf("repeated id %s: %d revisions, name %q (%v %v)", want.ID, len(revs), svc.Name, err, err2)
				}
			}
		}
	}

	for i, want := range []struct {
		id   string
		revs int
		name string
	}{
		{all[0].ID, 2, all[0].Name}, // edited by the second file
		{all[1].ID, 1, all[1].Name}, // never edited
		{all[3].ID, 2, all[3].Name},
		{all[2].ID, 1, all[2].Name},
		{all[7].ID, 1, all[7].Name},
		{all[12].ID, 2, all[12].Name},
	} {
		revs, err := st.Revisions(ctx, want.id)
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != want.revs {
			t.Errorf("case %d: %d revisions, want %d", i, len(revs), want.revs)
			continue
		}
		svc, err := st.Service(ctx, want.id)
		if err != nil || svc.Name != want.name {
			t.Errorf("case %d: name %q, want %q (%v)", i, svc.Name, want.name, err)
		}
		if want.revs == 2 {
			r := revs[0]
			if r.Action != directory.ActionImport || len(r.Changes) != 1 || r.Changes[0].Path != "description" ||
				!bytes.Contains(r.Snapshot, []byte("Now open on Saturdays.")) {
				t.Errorf("case %d: the edit's revision is %s %+v", i, r.Action, r.Changes)
			}
		}
	}
}
