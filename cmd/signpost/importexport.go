package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"signpost/directory"
	"signpost/directory/hsds"
)

func runImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "import", "import [--data ./var] [--dry-run] FILE|DIR ...\n\n"+
		"Reads HSDS 3 services: a JSON object, array, page envelope or organization,\n"+
		"NDJSON, or a CSV datapackage folder. Each file is all-or-nothing.")
	dataDir := dataFlag(fs, e)
	dryRun := fs.Bool("dry-run", false, "validate only; write nothing")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	if e.getenv("GOGC") == "" && e.getenv("GOMEMLIMIT") == "" {
		// An import allocates freely; with the collector's target at 4×
		// the live heap instead of 2× it spent about 15% less CPU on 50k
		// services. The soft limit keeps that
		// from growing the heap past 1 GiB (at 1M services a 4× target
		// reached 2.5 GB).
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(1 << 30)
	}
	st, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	failed := 0
	for _, path := range fs.Args() {
		// One pass: nothing else can read the store while this process
		// holds it, so records are written as they are checked and a
		// refused file is rolled back.
		rep, err := hsds.ImportFile(ctx, st, path, hsds.ImportOptions{DryRun: *dryRun, OnePass: true, Actor: "signpost import", Progress: e.stderr})
		for _, w := range rep.Warnings {
			fmt.Fprintf(e.stderr, "%s: warning: %s\n", path, w)
		}
		for _, p := range rep.Problems {
			fmt.Fprintf(e.stderr, "%s: %s\n", path, p)
		}
		if more := rep.ProblemCount - len(rep.Problems); more > 0 {
			fmt.Fprintf(e.stderr, "%s: … and %d more problem(s)\n", path, more)
		}
		if err != nil {
			failed++
			if !errors.Is(err, hsds.ErrRefused) {
				fmt.Fprintf(e.stderr, "%s: %v\n", path, err)
			} else {
				fmt.Fprintf(e.stderr, "%s: refused: %d problem(s); nothing from this file was written\n", path, rep.ProblemCount)
			}
			continue
		}
		if *dryRun {
			fmt.Fprintf(e.stdout, "%s: %d record(s) valid (dry run, nothing written)\n", path, rep.Records)
		} else {
			fmt.Fprintf(e.stdout, "%s: %d record(s): %d new or changed, %d unchanged\n", path, rep.Records, rep.Written, rep.Unchanged)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d file(s) not imported", failed, fs.NArg())
	}
	return nil
}

func runExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "export", "export [--data ./var] [--format json|ndjson|csv] [--out PATH]\n\n"+
		"Writes every published service. json and ndjson go to stdout unless --out\n"+
		"is given; csv writes a datapackage folder and needs --out.")
	dataDir := dataFlag(fs, e)
	format := fs.String("format", "json", "json (an array), ndjson (one service per line) or csv (a datapackage folder)")
	out := fs.String("out", "", "file (or, for csv, folder) to write; default stdout")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if err := oneOf(*format, hsds.FormatJSON, hsds.FormatNDJSON, hsds.FormatCSV); err != nil {
		return fmt.Errorf("--format: %w", err)
	}
	if *format == hsds.FormatCSV && *out == "" {
		return errors.New("--format csv writes a folder of tables: give it with --out")
	}
	st, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	if *format == hsds.FormatCSV {
		var readErr error
		services := func(yield func(*directory.Service) bool) {
			stop := errors.New("stop")
			readErr = st.EachService(ctx, func(s *directory.Service) error {
				if !yield(s) {
					return stop
				}
				return nil
			})
			if errors.Is(readErr, stop) {
				readErr = nil
			}
		}
		return errors.Join(hsds.WriteCSV(*out, services), readErr)
	}
	if *out == "" {
		return exportTo(ctx, st, e.stdout, *format)
	}
	// Write beside the target and rename, so a failed export never leaves
	// a truncated file where a good one was expected.
	tmp := *out + ".partial"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	err = exportTo(ctx, st, f, *format)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, *out)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// exportTo writes every published service to w as json or ndjson.
func exportTo(ctx context.Context, st *directory.Store, w io.Writer, format string) error {
	hw, err := hsds.NewWriter(w, format)
	if err != nil {
		return err
	}
	if err := st.EachService(ctx, hw.Write); err != nil {
		return err
	}
	return hw.Close()
}
