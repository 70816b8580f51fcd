package directory_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"signpost/directory"
	"signpost/directory/synth"
)

// storeWithFreeSpace makes a store at path holding keep services, after an
// import of many more was aborted: the pages that import used are free.
func storeWithFreeSpace(t *testing.T, path string, keep, aborted int) {
	t.Helper()
	ctx := context.Background()
	s, err := directory.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	importAll := func(n int, seed int64, commit bool) {
		im, err := s.BeginImport(ctx, "test", directory.Save{Actor: "test", Action: directory.ActionImport})
		if err != nil {
			t.Fatal(err)
		}
		for svc := range synth.Services(n, seed) {
			if err := im.Put(ctx, svc); err != nil {
				t.Fatal(err)
			}
		}
		if commit {
			_, err = im.Commit(ctx)
		} else {
			err = im.Abort(ctx)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	importAll(keep, 1, true)
	importAll(aborted, 2, false)
}

func TestCompactGivesSpaceBack(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "signpost.db")
	storeWithFreeSpace(t, path, 40, 3000)

	s, err := directory.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	before, err := s.Space(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gen := generation(t, s)
	must(t, s.Close())
	if before.FreeShare() < 0.5 {
		t.Fatalf("after an aborted import the file is %d bytes with %.0f%% free; the test needs more free space", before.FileBytes, 100*before.FreeShare())
	}

	var reports int
	res, err := directory.Compact(ctx, path, func(int64) { reports++ })
	if err != nil {
		t.Fatal(err)
	}
	if res.Before != before.FileBytes || res.After >= res.Before/2 {
		t.Errorf("compaction went from %d to %d bytes; want less than half of %d", res.Before, res.After, before.FileBytes)
	}
	if _, err := os.Stat(path + ".compact"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file is still there: %v", err)
	}

	s, err = directory.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := countServices(t, s); n != 40 {
		t.Errorf("the compacted store holds %d services, want 40", n)
	}
	if g := generation(t, s); g != gen {
		t.Errorf("generation %d after compaction, want %d (the index must stay in step)", g, gen)
	}
	after, err := s.Space(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.FileBytes != res.After || after.FreeBytes >= before.FreeBytes/10 {
		t.Errorf("after compaction %d bytes with %d free; before %d free", after.FileBytes, after.FreeBytes, before.FreeBytes)
	}
	// The compacted store takes writes.
	if _, err := s.PutService(ctx, serviceN(1), directory.Save{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
}

func TestCompactIsRefusedWhileTheStoreIsOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signpost.db")
	s, err := directory.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := directory.Compact(context.Background(), path, nil); !errors.Is(err, directory.ErrInUse) {
		t.Fatalf("err = %v, want ErrInUse", err)
	}
	if _, err := os.Stat(path + ".compact"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused compaction left a file: %v", err)
	}
}

// A process that waits for the store's lock while a compaction renames a
// new file over it must open the new file, not go on with the old one.
func TestOpenFollowsAFileReplacedWhileWaiting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path, other := filepath.Join(dir, "signpost.db"), filepath.Join(dir, "other.db")
	o, err := directory.Open(other)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := o.PutService(ctx, serviceN(i), directory.Save{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	must(t, o.Close())

	holder, err := directory.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	opened := make(chan *directory.Store, 1)
	go func() {
		s, err := directory.Open(path)
		if err != nil {
			t.Error(err)
		}
		opened <- s
	}()
	// Give the waiter time to reach the lock. Whether it has or not, it
	// must end with the file now at path; the pause only makes the test
	// catch the case that matters.
	time.Sleep(100 * time.Millisecond)
	if err := os.Rename(other, path); err != nil {
		t.Fatal(err)
	}
	must(t, holder.Close())
	s := <-opened
	if s == nil {
		return
	}
	defer s.Close()
	if n := countServices(t, s); n != 3 {
		t.Fatalf("opened a store with %d services, want the 3 of the file now at the path", n)
	}
}
