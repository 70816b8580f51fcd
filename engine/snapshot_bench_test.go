package engine

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"signpost/directory/synth"
)

// BenchmarkSnapshot times writing and reading the table snapshot of a
// table of synthetic services, without a store or an index: the part of a
// restart on an existing index that grows with the directory. Each op of
// "read" is one readSnapshot and the rebuild of the table's derived state;
// cpu-ms/op is the process's user and system time per op (both cores'
// worth), heap-MB the live heap after a read, rss-anon-MB the process's
// anonymous resident memory then. SIGNPOST_SNAPSHOT_N sets the number of
// services (default 100,000); making the table takes a minute or two at
// a million.
//
//	SIGNPOST_SNAPSHOT_N=1000000 go test -run '^$' -bench Snapshot -benchtime 3x ./engine/
func BenchmarkSnapshot(b *testing.B) {
	n := sizeFromEnv(b, "SIGNPOST_SNAPSHOT_N")
	start := time.Now()
	tab := newTable()
	rows := make([]row, 0, 4096)
	for s := range synth.Services(n, 1) {
		rows = append(rows, makeRow(s, textDoc(s)))
		if len(rows) == cap(rows) {
			tab.apply(rows, nil)
			rows = rows[:0]
		}
	}
	tab.apply(rows, nil)
	b.Logf("%d services' rows made in %s", n, time.Since(start).Round(time.Millisecond))
	dir := b.TempDir()
	const gen = 3

	b.Run(fmt.Sprintf("n=%d/write", n), func(b *testing.B) {
		runtime.GC()
		cpu := cpuTime()
		b.ResetTimer()
		for range b.N {
			if err := writeSnapshot(dir, tab, gen); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
		if fi, err := os.Stat(filepath.Join(dir, snapshotFile)); err == nil {
			b.ReportMetric(float64(fi.Size())/1e6, "file-MB")
		}
	})
	tab = nil
	b.Run(fmt.Sprintf("n=%d/read", n), func(b *testing.B) {
		var got *table
		var cpu time.Duration
		for range b.N {
			got = nil
			runtime.GC()
			c := cpuTime()
			b.StartTimer()
			var err error
			if got, err = readSnapshot(dir, gen); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			cpu += cpuTime() - c
		}
		if got.count() != n {
			b.Fatalf("read %d rows, want %d", got.count(), n)
		}
		b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapAlloc)/1e6, "heap-MB")
		b.ReportMetric(rssAnonMB(), "rss-anon-MB")
		runtime.KeepAlive(got)
	})
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rssAnonMB reads RssAnon from /proc/self/status (0 where there is none).
func rssAnonMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte("RssAnon:")); ok {
			kb, _ := strconv.Atoi(string(bytes.Fields(v)[0]))
			return float64(kb) / 1024
		}
	}
	return 0
}
