package hsds_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"signpost/directory"
	"signpost/directory/hsds"
)

const shared = "../../../shared/hsds"

func openStore(t *testing.T) *directory.Store {
	t.Helper()
	st, err := directory.Open(filepath.Join(t.TempDir(), "signpost.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func countServices(t *testing.T, st *directory.Store) int {
	t.Helper()
	n, err := st.CountServices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportAcceptsTheStandardsExamples(t *testing.T) {
	hsds.NeedShared(t)
	valid, err := filepath.Glob(filepath.Join(shared, "oruk-mocks/valid/*.json"))
	if err != nil || len(valid) == 0 {
		t.Fatalf("no valid fixtures in %s: %v", shared, err)
	}
	files := append([]string{
		filepath.Join(shared, "examples/service_full.json"),
		filepath.Join(shared, "examples/service_list.json"),
		filepath.Join(shared, "examples/csv"),
	}, valid...)
	for _, f := range files {
		t.Run(strings.TrimPrefix(f, shared+"/"), func(t *testing.T) {
			ctx := context.Background()
			st := openStore(t)
			rep, err := hsds.ImportFile(ctx, st, f, hsds.ImportOptions{Actor: "test"})
			if err != nil {
				t.Fatalf("import: %v\n%s", err, strings.Join(rep.Problems, "\n"))
			}
			n := countServices(t, st)
			if rep.Records == 0 || n == 0 || rep.Written != n {
				t.Fatalf("records=%d written=%d stored=%d", rep.Records, rep.Written, n)
			}
			// Re-importing the same file changes nothing.
			gen, err := st.Generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			rep2, err := hsds.ImportFile(ctx, st, f, hsds.ImportOptions{Actor: "test"})
			if err != nil || rep2.Written != 0 || rep2.Unchanged != n {
				t.Fatalf("re-import: %+v, %v", rep2, err)
			}
			if gen2, err := st.Generation(ctx); err != nil || gen2 != gen {
				t.Fatalf("re-import moved the generation (%v)", err)
			}
		})
	}
}

func TestImportWarnsOnDuplicateIDsAndKeepsTheLast(t *testing.T) {
	hsds.NeedShared(t)
	ctx := context.Background()
	st := openStore(t)
	rep, err := hsds.ImportFile(ctx, st, filepath.Join(shared, "oruk-mocks/valid/service_list_data.json"), hsds.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dups := 0
	for _, w := range rep.Warnings {
		if strings.Contains(w, "same id as record") {
			dups++
		}
	}
	if dups != rep.Records-1 {
		t.Fatalf("want %d duplicate warnings, got %d", rep.Records-1, dups)
	}
	if rep.Written != 1 {
		t.Fatalf("written = %d, want 1 (the last record)", rep.Written)
	}
}

func TestImportRefusesAndWritesNothing(t *testing.T) {
	hsds.NeedShared(t)
	tests := []struct {
		file  string
		wants []string
	}{
		{"oruk-mocks/fail/service_full.json", []string{`email: "email-example_com" is not an e-mail address`, `url: "example/counselling" is not a web address`}},
		{"oruk-mocks/fail/service_list.json", []string{"record 1 (id ac148810-d857-441c-9679-408f346de14b): name: is required", "record 3", "email"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ctx := context.Background()
			st := openStore(t)
			rep, err := hsds.ImportFile(ctx, st, filepath.Join(shared, tt.file), hsds.ImportOptions{})
			if !errors.Is(err, hsds.ErrRefused) {
				t.Fatalf("want refusal, got %v", err)
			}
			all := strings.Join(rep.Problems, "\n")
			for _, w := range tt.wants {
				if !strings.Contains(all, w) {
					t.Errorf("problems do not mention %q:\n%s", w, all)
				}
			}
			if n := countServices(t, st); n != 0 {
				t.Fatalf("a refused file wrote %d services", n)
			}
		})
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	hsds.NeedShared(t)
	ctx := context.Background()
	st := openStore(t)
	rep, err := hsds.ImportFile(ctx, st, filepath.Join(shared, "examples/service_full.json"), hsds.ImportOptions{DryRun: true})
	if err != nil || rep.Records != 1 {
		t.Fatalf("dry run: %+v %v", rep, err)
	}
	if n := countServices(t, st); n != 0 {
		t.Fatalf("dry run wrote %d services", n)
	}
}

func TestImportListsFirstFiftyProblemsThenCounts(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 80; i++ {
		b.WriteString(`{"id":"not-a-uuid","name":"x","status":"active"}` + "\n")
	}
	st := openStore(t)
	rep, err := hsds.Import(context.Background(), st, "many.ndjson", func() (*hsds.Reader, error) {
		return hsds.NewReader(strings.NewReader(b.String())), nil
	}, hsds.ImportOptions{})
	if !errors.Is(err, hsds.ErrRefused) {
		t.Fatalf("want refusal, got %v", err)
	}
	if len(rep.Problems) != hsds.MaxListedProblems || rep.ProblemCount != 80 {
		t.Fatalf("listed %d, counted %d", len(rep.Problems), rep.ProblemCount)
	}
}

func TestImportStopsOnBrokenJSON(t *testing.T) {
	st := openStore(t)
	_, err := hsds.Import(context.Background(), st, "broken.json", func() (*hsds.Reader, error) {
		return hsds.NewReader(strings.NewReader(`[{"id":"6d0c5a52-3a9b-4b8c-9d3e-2f1a0b7c8d9e","name":"x","status":"active"}, {"id": `)), nil
	}, hsds.ImportOptions{})
	if err == nil || errors.Is(err, hsds.ErrRefused) || !strings.Contains(err.Error(), "line") {
		t.Fatalf("want a syntax error naming the line, got %v", err)
	}
	if n := countServices(t, st); n != 0 {
		t.Fatalf("broken file wrote %d services", n)
	}
}
