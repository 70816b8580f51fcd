package main

import (
	"bufio"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"signpost/directory"
)

// buildBinary compiles signpost once per test run, for tests that need a
// real process to kill.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and kills a real process; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "signpost")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// TestKilledImportLeavesTheStoreAsItWas kills `signpost import` with
// SIGKILL while it is writing a large file, then checks that the store opens,
// holds exactly what it held before, and that check finds it consistent.
func TestKilledImportLeavesTheStoreAsItWas(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	small := filepath.Join(t.TempDir(), "small.ndjson")
	big := filepath.Join(t.TempDir(), "big.ndjson")
	if code, _, stderr := runCmd(t, "", "gen", "--n", "10", "--seed", "99", "--out", small); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := runCmd(t, "", "gen", "--n", "20000", "--seed", "1", "--out", big); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := runCmd(t, "", "import", "--data", dir, small); code != 0 {
		t.Fatal(stderr)
	}

	cmd := exec.Command(bin, "import", "--data", dir, big)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the import is writing (its progress says so), then kill it.
	writing := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "written ") {
				writing <- true
				return
			}
		}
		writing <- false
	}()
	select {
	case ok := <-writing:
		if !ok {
			cmd.Wait()
			t.Fatal("the import finished before it could be killed part-way; make the file bigger")
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("the import never reported writing")
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	st, err := directory.Open(filepath.Join(dir, "signpost.db"))
	if err != nil {
		t.Fatalf("the store does not open after the kill: %v", err)
	}
	n, _ := st.CountServices(context.Background())
	st.Close()
	if n != 10 {
		t.Fatalf("after a killed import the store holds %d services; want the 10 from before", n)
	}
	if code, stdout, stderr := runCmd(t, "", "check", "--data", dir); code != 0 || !strings.Contains(stdout, "in step") {
		t.Fatalf("check after the kill: exit %d\n%s%s", code, stdout, stderr)
	}
	// The interrupted import's journal is gone: the next import runs.
	if code, stdout, stderr := runCmd(t, "", "import", "--data", dir, small); code != 0 || !strings.Contains(stdout, "10 unchanged") {
		t.Fatalf("import after the kill: exit %d\n%s%s", code, stdout, stderr)
	}
}
