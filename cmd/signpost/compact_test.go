package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"signpost/directory"
	"signpost/directory/synth"
)

// growStore leaves the store in dir with free pages in its file, the way an
// interrupted import does: a large import is written and then undone.
func growStore(t *testing.T, dir string, n int) {
	t.Helper()
	ctx := context.Background()
	st, err := directory.Open(filepath.Join(dir, "signpost.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	im, err := st.BeginImport(ctx, "growth", directory.Save{Actor: "test", Action: directory.ActionImport})
	if err != nil {
		t.Fatal(err)
	}
	for svc := range synth.Services(n, 77) {
		if err := im.Put(ctx, svc); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.Abort(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestCompactGivesSpaceBack runs the real binary: a store that grew is
// refused compaction while a server has it open, then compacted with the
// server stopped; it shrinks, holds the same services, and check is clean.
func TestCompactGivesSpaceBack(t *testing.T) {
	t.Parallel() // its own processes in its own folders
	bin := buildBinary(t)
	dir := t.TempDir()
	gen := filepath.Join(t.TempDir(), "gen.ndjson")
	if code, _, stderr := runCmd(t, "", "gen", "--n", "300", "--seed", "5", "--out", gen); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := runCmd(t, "", "import", "--data", dir, gen); code != 0 {
		t.Fatal(stderr)
	}
	growStore(t, dir, 4000)
	store := filepath.Join(dir, "signpost.db")
	before := fileSize(t, store)
	exported := func() []byte {
		t.Helper()
		out := filepath.Join(t.TempDir(), "export.ndjson")
		if code, _, stderr := runCmd(t, "", "export", "--data", dir, "--format", "ndjson", "--out", out); code != 0 {
			t.Fatal(stderr)
		}
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	want := exported()

	out, _ := binary(t, bin, 0, "check", "--data", dir)
	if !strings.Contains(out, "free space — run 'signpost compact' with the server stopped") {
		t.Fatalf("check does not suggest compacting a %d-byte store:\n%s", before, out)
	}

	srv, _ := startServer(t, bin, dir)
	_, stderr := binary(t, bin, 1, "compact", "--data", dir)
	if !strings.Contains(stderr, "refused: the store is open in another process, probably 'signpost serve'") {
		t.Fatalf("compact while serving:\n%s", stderr)
	}
	if fileSize(t, store) != before {
		t.Fatal("a refused compaction changed the store")
	}
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := srv.Wait(); err != nil {
		t.Fatalf("the server did not stop cleanly: %v", err)
	}

	out, _ = binary(t, bin, 0, "compact", "--data", dir)
	after := fileSize(t, store)
	if after >= before/2 || !strings.Contains(out, "given back") {
		t.Fatalf("the store went from %d to %d bytes; want it under half\n%s", before, after, out)
	}
	if entries, err := filepath.Glob(filepath.Join(dir, "signpost.db.*")); err != nil || len(entries) > 0 {
		t.Errorf("compaction left %v beside the store (%v)", entries, err)
	}
	if got := exported(); !bytes.Equal(got, want) {
		t.Error("the compacted store exports differently")
	}
	out, _ = binary(t, bin, 0, "check", "--data", dir, "--no-repair")
	if !strings.Contains(out, "store: 300 services") || !strings.Contains(out, "in step") || strings.Contains(out, "run 'signpost compact'") {
		t.Errorf("check after compaction:\n%s", out)
	}
	t.Logf("store: %d bytes before compaction, %d after", before, after)

	if _, stderr := binary(t, bin, 1, "compact", "--data", t.TempDir()); !strings.Contains(stderr, "no store to compact") {
		t.Errorf("compact of an empty folder:\n%s", stderr)
	}
}

// binary runs the real signpost binary and fails unless it exits with code.
func binary(t *testing.T, bin string, code int, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	got := 0
	if ee, ok := err.(*exec.ExitError); ok {
		got = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if got != code {
		t.Fatalf("signpost %s: exit %d, want %d\n%s%s", strings.Join(args, " "), got, code, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
