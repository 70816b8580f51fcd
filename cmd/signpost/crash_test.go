package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
	"signpost/web/formclient"
)

// binDir holds the signpost binary the process tests build once.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "signpost-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temporary folder for the test binary:", err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildOnce compiles signpost the first time a test asks for it.
var buildOnce = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(binDir, "signpost")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build: %v\n%s", err, out)
	}
	return bin, nil
})

// buildBinary returns a real signpost binary, for tests that kill a process.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and kills a real process; skipped with -short")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// TestKilledImportLeavesTheStoreAsItWas kills `signpost import` with
// SIGKILL while it is writing a large file, then checks that the store opens,
// holds exactly what it held before, and that check finds it consistent.
func TestKilledImportLeavesTheStoreAsItWas(t *testing.T) {
	t.Parallel() // each runs its own processes in its own folders
	bin := buildBinary(t)
	dir := t.TempDir()
	small := filepath.Join(t.TempDir(), "small.ndjson")
	big := filepath.Join(t.TempDir(), "big.ndjson")
	if code, _, stderr := runCmd(t, "", "gen", "--n", "10", "--seed", "99", "--out", small); code != 0 {
		t.Fatal(stderr)
	}
	// Big enough that the import is still writing when its first progress
	// line comes, two seconds in (a quiet machine imports about 8,000 a
	// second).
	if code, _, stderr := runCmd(t, "", "gen", "--n", "60000", "--seed", "1", "--out", big); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := runCmd(t, "", "import", "--data", dir, small); code != 0 {
		t.Fatal(stderr)
	}

	cmd := exec.Command(bin, "import", "--data", dir, big)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the import is writing (its progress says so: "written N
	// records (R/s)"; the last line, "written N records in T", comes
	// after the commit), then kill it.
	writing := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "written ") {
				writing <- strings.HasSuffix(line, "/s)")
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
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // "signal: killed", as intended

	st, err := directory.Open(filepath.Join(dir, "signpost.db"))
	if err != nil {
		t.Fatalf("the store does not open after the kill: %v", err)
	}
	n, err := st.CountServices(context.Background())
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
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

// startServer runs `signpost serve` on a free port and returns its base URL.
func startServer(t *testing.T, bin, dataDir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--data", dataDir, "--addr", "127.0.0.1:0", "--no-sample")
	return cmd, startProcess(t, cmd)
}

// startProcess starts a serve command and waits for it to announce where
// it listens; the process is killed when the test ends.
func startProcess(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if _, after, ok := strings.Cut(sc.Text(), "serving on "); ok {
				addr <- strings.Fields(after)[0]
				break
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	select {
	case base := <-addr:
		return base
	case <-time.After(time.Minute):
		t.Fatal("the server did not start")
		return ""
	}
}

// directoryWithProvider fills a data folder with n generated services and
// a provider account, p@example.org, for the organisation of the first.
func directoryWithProvider(t *testing.T, n int, password string) string {
	t.Helper()
	dir := t.TempDir()
	gen := filepath.Join(t.TempDir(), "gen.ndjson")
	if code, _, stderr := runCmd(t, "", "gen", "--n", fmt.Sprint(n), "--seed", "3", "--out", gen); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := runCmd(t, "", "import", "--data", dir, gen); code != 0 {
		t.Fatal(stderr)
	}
	st, err := directory.Open(filepath.Join(dir, "signpost.db"))
	if err != nil {
		t.Fatal(err)
	}
	var org string
	err = st.EachService(context.Background(), func(s *directory.Service) error {
		if org == "" {
			org = s.OrganizationID
		}
		return nil
	})
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil || org == "" {
		t.Fatalf("no organisation in the generated services: %v", err)
	}
	if code, _, stderr := runCmd(t, password+"\n", "user", "add", "--data", dir, "--email", "p@example.org", "--role", "provider", "--org", org); code != 0 {
		t.Fatal(stderr)
	}
	return dir
}

// TestKilledServerKeepsEveryAcknowledgedEdit kills the server with SIGKILL
// during a burst of provider edits. Every edit the server acknowledged must
// be in the store afterwards (the one in flight may or may not be), and
// check must find store and index consistent.
func TestKilledServerKeepsEveryAcknowledgedEdit(t *testing.T) {
	t.Parallel() // each runs its own processes in its own folders
	bin := buildBinary(t)
	dir := directoryWithProvider(t, 60, "crash-test-password")

	srv, base := startServer(t, bin, dir)
	ctx := context.Background()
	c := formclient.New(base)
	if err := c.Login(ctx, "p@example.org", "crash-test-password"); err != nil {
		t.Fatal(err)
	}
	doc, err := c.Page(ctx, "/provider")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	doc.Find(`a[href^="/provider/listings/"][href$="/edit"]`).Each(func(_ int, a *goquery.Selection) {
		ids = append(ids, strings.TrimSuffix(strings.TrimPrefix(a.AttrOr("href", ""), "/provider/listings/"), "/edit"))
	})
	if len(ids) == 0 {
		t.Fatal("the provider has no listings")
	}

	// acked[id] is the last description the server confirmed for id;
	// inflight is the edit sent when the kill came.
	acked := map[string]string{}
	var inflight struct{ id, text string }
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			id := ids[i%len(ids)]
			text := fmt.Sprintf("Burst edit number %d.", i)
			inflight.id, inflight.text = id, text
			err := c.Submit(ctx, "/provider/listings/"+id+"/edit", `form#listing-form`, url.Values{"action": {"submit"}, "description": {text}})
			if err != nil {
				return // the server is gone
			}
			acked[id] = text
		}
	}()
	time.Sleep(3 * time.Second)
	if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = srv.Wait() // "signal: killed", as intended
	<-done
	if len(acked) == 0 {
		t.Fatal("no edit was acknowledged before the kill")
	}

	st, err := directory.Open(filepath.Join(dir, "signpost.db"))
	if err != nil {
		t.Fatalf("the store does not open after the kill: %v", err)
	}
	for id, text := range acked {
		d, err := st.Draft(ctx, id)
		if err != nil {
			t.Fatalf("acknowledged edit of %s lost: %v", id, err)
		}
		if d.Service.Description != text && !(id == inflight.id && d.Service.Description == inflight.text) {
			t.Errorf("%s: stored draft says %q, last acknowledged %q", id, d.Service.Description, text)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCmd(t, "", "check", "--data", dir); code != 0 || !strings.Contains(stdout, "in step") {
		t.Fatalf("check after the kill: exit %d\n%s%s", code, stdout, stderr)
	}
	t.Logf("%d listings edited, all acknowledged edits kept", len(acked))
}

// TestBackupWhileTheServerWrites takes hot backups through the running
// server while a provider keeps editing, and checks each copy opens, holds
// every service and restores to a consistent directory.
func TestBackupWhileTheServerWrites(t *testing.T) {
	t.Parallel() // each runs its own processes in its own folders
	bin := buildBinary(t)
	dir := directoryWithProvider(t, 40, "backup-test-password")
	_, base := startServer(t, bin, dir)

	ctx, cancel := context.WithCancel(context.Background())
	c := formclient.New(base)
	if err := c.Login(ctx, "p@example.org", "backup-test-password"); err != nil {
		t.Fatal(err)
	}
	doc, err := c.Page(ctx, "/provider")
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(doc.Find(`a[href$="/edit"][href^="/provider/listings/"]`).First().AttrOr("href", ""), "/provider/listings/"), "/edit")
	writes := make(chan int)
	go func() {
		n := 0
		for ctx.Err() == nil {
			capacity := []string{"full", "accepting"}[n%2]
			if c.Submit(ctx, "/provider", `form[action="/provider/listings/`+id+`/capacity"]`, url.Values{"capacity": {capacity}}) == nil {
				n++
			}
		}
		writes <- n
	}()
	for i := range 3 {
		copyPath := filepath.Join(t.TempDir(), fmt.Sprintf("backup-%d.db", i))
		if code, _, stderr := runCmd(t, "", "backup", "--data", dir, copyPath); code != 0 {
			cancel()
			t.Fatalf("backup %d: %s", i, stderr)
		}
		restored := t.TempDir()
		raw, err := os.ReadFile(copyPath)
		if err == nil {
			err = os.WriteFile(filepath.Join(restored, "signpost.db"), raw, 0o600)
		}
		if err != nil {
			cancel()
			t.Fatalf("restore backup %d: %v", i, err)
		}
		if code, stdout, stderr := runCmd(t, "", "check", "--data", restored); code != 0 || !strings.Contains(stdout, "store: 40 services") {
			cancel()
			t.Fatalf("restored backup %d: exit %d\n%s%s", i, code, stdout, stderr)
		}
	}
	cancel()
	if n := <-writes; n == 0 {
		t.Fatal("no write happened while the backups ran")
	}
}
