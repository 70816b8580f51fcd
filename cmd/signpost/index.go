package main

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"signpost/engine"
)

func runReindex(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "reindex", "reindex [--data ./var]\n\nRebuilds the search index from the store.")
	dataDir := dataFlag(fs, e)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if e.getenv("GOMEMLIMIT") == "" {
		// Left to itself the collector let a 1M-service rebuild pass 4 GB
		// of anonymous memory (it collects when the heap doubles); past
		// 3 GiB it now collects sooner instead.
		debug.SetMemoryLimit(3 << 30)
	}
	st, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	eng, err := engine.Open(indexDir(*dataDir), st, engine.WithProgress(e.stderr), engine.WithRebuild(ctx))
	if err != nil {
		return err
	}
	if err := eng.Close(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "reindex: done")
	return nil
}

func runCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "check", "check [--data ./var] [--no-repair]\n\n"+
		"Reports how much of the store's file is free space, and when\n"+
		"'signpost compact' is worth running; then whether the store and the\n"+
		"search index agree. The index is derived from the store, so drift is\n"+
		"repaired by rebuilding it unless --no-repair is given; then drift\n"+
		"exits non-zero.")
	dataDir := dataFlag(fs, e)
	noRepair := fs.Bool("no-repair", false, "only report; exit non-zero on drift")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	st, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	sp, err := st.Space(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, spaceLine(sp))
	rep, err := engine.Inspect(ctx, indexDir(*dataDir), st)
	switch {
	case errors.Is(err, engine.ErrNoIndex):
		fmt.Fprintln(e.stdout, "index: none yet")
	case err != nil:
		fmt.Fprintf(e.stdout, "index: %v\n", err)
	default:
		fmt.Fprintln(e.stdout, rep.String())
		if rep.OK() {
			return nil
		}
	}
	if *noRepair {
		return errors.New("the index does not match the store; run 'signpost reindex' or 'signpost check' without --no-repair")
	}
	fmt.Fprintln(e.stdout, "repairing: rebuilding the index from the store")
	eng, err := engine.Open(indexDir(*dataDir), st, engine.WithProgress(e.stderr))
	if err != nil {
		return err
	}
	defer eng.Close()
	after, err := eng.Check(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, after.String())
	if !after.OK() {
		return errors.New("the index still does not match the store after a rebuild")
	}
	return nil
}
