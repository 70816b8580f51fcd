package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"signpost/directory"
)

const shared = "../../../shared/hsds"

// runCmd runs one command line in-process and returns its exit code and
// output streams.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code := run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// needShared skips a test that needs ../shared when it is absent, with a
// message; under SIGNPOST_REQUIRE_TOOLS (set by .ci/run) it fails instead,
// so CI cannot pass without running it.
func needShared(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(shared); err != nil {
		if os.Getenv("SIGNPOST_REQUIRE_TOOLS") != "" {
			t.Fatalf("the shared HSDS examples are not beside the checkout (%s), and SIGNPOST_REQUIRE_TOOLS is set", shared)
		}
		t.Skipf("the shared HSDS examples are not beside the checkout (%s)", shared)
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for name := range commands() {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := runCmd(t, "", name, "--help")
			if code != 0 || !strings.Contains(stderr, "Usage: signpost "+name) {
				t.Fatalf("exit %d, help:\n%s", code, stderr)
			}
		})
	}
	code, stdout, _ := runCmd(t, "", "--help")
	if code != 0 || !strings.Contains(stdout, "Commands:") {
		t.Fatalf("top-level help: exit %d\n%s", code, stdout)
	}
}

func TestBadInvocationsFailClearly(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"import", "--bogus"}, 2, "flag provided but not defined"},
		{"import without files", []string{"import", "--data", dir}, 2, "Usage: signpost import"},
		{"import missing file", []string{"import", "--data", dir, filepath.Join(dir, "nope.json")}, 1, "no such file"},
		{"export bad format", []string{"export", "--data", dir, "--format", "xml"}, 1, `--format: "xml" is not one of json, ndjson, csv`},
		{"export csv without out", []string{"export", "--data", dir, "--format", "csv"}, 1, "give it with --out"},
		{"gen negative", []string{"gen", "--n", "-1"}, 1, "--n: must not be negative"},
		{"backup without file", []string{"backup", "--data", dir}, 2, "Usage: signpost backup"},
		{"stray argument", []string{"reindex", "--data", dir, "now"}, 2, `unexpected argument "now"`},
		{"stray argument to export", []string{"export", "--data", dir, "out.json"}, 2, `unexpected argument "out.json"`},
		{"serve in unknown units", []string{"serve", "--data", dir, "--units", "furlongs"}, 1, `--units: units must be miles or km, not "furlongs"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, "", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d (want %d), stderr:\n%s\nwant it to contain %q", code, tt.code, stderr, tt.want)
			}
		})
	}
}

func TestImportExportRoundTrip(t *testing.T) {
	needShared(t)
	dir := t.TempDir()
	full := filepath.Join(shared, "examples/service_full.json")

	code, stdout, stderr := runCmd(t, "", "import", "--data", dir, "--dry-run", full)
	if code != 0 || !strings.Contains(stdout, "dry run") {
		t.Fatalf("dry run: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCmd(t, "", "import", "--data", dir, full)
	if code != 0 || !strings.Contains(stdout, "1 new or changed") {
		t.Fatalf("import: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = runCmd(t, "", "import", "--data", dir, full)
	if code != 0 || !strings.Contains(stdout, "0 new or changed, 1 unchanged") {
		t.Fatalf("re-import: exit %d\n%s", code, stdout)
	}

	code, stdout, stderr = runCmd(t, "", "export", "--data", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	var exported []directory.Service
	if err := json.Unmarshal([]byte(stdout), &exported); err != nil || len(exported) != 1 {
		t.Fatalf("export is not a JSON array of one service: %v\n%.300s", err, stdout)
	}
	raw, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	var original directory.Service
	if err := json.Unmarshal(raw, &original); err != nil {
		t.Fatal(err)
	}
	a, errA := json.Marshal(original)
	b, errB := json.Marshal(exported[0])
	if err := errors.Join(errA, errB); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("export differs from the imported file:\n%s\n%s", a, b)
	}

	// The exported file imports into a fresh store unchanged.
	out := filepath.Join(t.TempDir(), "export.ndjson")
	if code, _, stderr := runCmd(t, "", "export", "--data", dir, "--format", "ndjson", "--out", out); code != 0 {
		t.Fatalf("export ndjson: %s", stderr)
	}
	if _, err := os.Stat(out + ".partial"); !os.IsNotExist(err) {
		t.Errorf("export left its partial file behind")
	}
	// A CSV export writes the standard's tables.
	csvDir := filepath.Join(t.TempDir(), "csv")
	if code, _, stderr := runCmd(t, "", "export", "--data", dir, "--format", "csv", "--out", csvDir); code != 0 {
		t.Fatalf("export csv: %s", stderr)
	}
	if code, stdout, stderr := runCmd(t, "", "import", "--data", t.TempDir(), csvDir); code != 0 || !strings.Contains(stdout, "1 new or changed") {
		t.Fatalf("import of the csv export: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runCmd(t, "", "import", "--data", t.TempDir(), out); code != 0 || !strings.Contains(stdout, "1 new or changed") {
		t.Fatalf("import of the export: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestImportRefusesInvalidFileNamingFields(t *testing.T) {
	needShared(t)
	dir := t.TempDir()
	code, _, stderr := runCmd(t, "", "import", "--data", dir, filepath.Join(shared, "oruk-mocks/fail/service_full.json"))
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"record 1 (id ac148810-d857-441c-9679-408f346de14b): email:", "url:", "nothing from this file was written"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	code, stdout, _ := runCmd(t, "", "export", "--data", dir, "--format", "ndjson")
	if code != 0 || stdout != "" {
		t.Fatalf("a refused import left services behind: %q", stdout)
	}
}

func TestGenIsDeterministic(t *testing.T) {
	_, a, _ := runCmd(t, "", "gen", "--n", "50", "--seed", "7")
	_, b, _ := runCmd(t, "", "gen", "--n", "50", "--seed", "7")
	_, c, _ := runCmd(t, "", "gen", "--n", "50", "--seed", "8")
	if a != b || a == c {
		t.Fatal("gen must depend on the seed and nothing else")
	}
	if n := strings.Count(a, "\n"); n != 50 {
		t.Fatalf("gen wrote %d lines, want 50", n)
	}
	// And what it writes imports.
	path := filepath.Join(t.TempDir(), "gen.ndjson")
	if err := os.WriteFile(path, []byte(a), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCmd(t, "", "import", "--data", t.TempDir(), path); code != 0 || !strings.Contains(stdout, "50 new or changed") {
		t.Fatalf("import of gen output: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestCheckRepairsAMissingIndexAndBackupWorks(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(t.TempDir(), "gen.ndjson")
	runCmd(t, "", "gen", "--n", "30", "--out", path)
	if code, _, stderr := runCmd(t, "", "import", "--data", dir, path); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, _ := runCmd(t, "", "check", "--data", dir, "--no-repair")
	if code != 1 || !strings.Contains(stdout, "index: none yet") {
		t.Fatalf("check --no-repair on a store without an index: exit %d\n%s", code, stdout)
	}
	code, stdout, stderr := runCmd(t, "", "check", "--data", dir)
	if code != 0 || !strings.Contains(stdout, "in step") {
		t.Fatalf("check: exit %d\n%s%s", code, stdout, stderr)
	}
	// A new import makes the index stale; check says so.
	runCmd(t, "", "gen", "--n", "40", "--seed", "2", "--out", path)
	runCmd(t, "", "import", "--data", dir, path)
	code, stdout, _ = runCmd(t, "", "check", "--data", dir, "--no-repair")
	if code != 1 || !strings.Contains(stdout, "DRIFT") {
		t.Fatalf("check after an import: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := runCmd(t, "", "reindex", "--data", dir); code != 0 {
		t.Fatal(stderr)
	}
	if code, stdout, _ := runCmd(t, "", "check", "--data", dir, "--no-repair"); code != 0 {
		t.Fatalf("check after reindex: %s", stdout)
	}

	backup := filepath.Join(t.TempDir(), "copy.db")
	if code, _, stderr := runCmd(t, "", "backup", "--data", dir, backup); code != 0 {
		t.Fatal(stderr)
	}
	st, err := directory.Open(backup)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := st.CountServices(context.Background()); err != nil || n != 70 {
		t.Fatalf("backup holds %d services (%v), want 70", n, err)
	}
}
