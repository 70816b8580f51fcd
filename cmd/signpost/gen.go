package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"signpost/directory/synth"
)

func runGen(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "gen", "gen [--n 100000] [--seed 1] [--out PATH] [--duplicates RATE --truth PATH]\n\n"+
		"Writes synthetic HSDS services as NDJSON, spread over the Liverpool City\n"+
		"Region, for tests and benchmarks. The same seed gives the same file.\n"+
		"--duplicates plants that share (0-1) of near-copies of earlier services,\n"+
		"as another publisher would list them; --truth writes which are copies\n"+
		"of which (CSV: duplicate id, original id).")
	n := fs.Int("n", 100000, "how many services")
	seed := fs.Int64("seed", 1, "random seed")
	out := fs.String("out", "", "file to write; default stdout")
	dups := fs.Float64("duplicates", 0, "share of services planted as near-copies of others, 0 to 1")
	truthPath := fs.String("truth", "", "file to write the planted pairs to (CSV)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *n < 0 {
		return fmt.Errorf("--n: must not be negative")
	}
	if *dups < 0 || *dups >= 1 {
		return fmt.Errorf("--duplicates: must be at least 0 and less than 1")
	}
	if *truthPath != "" && *dups == 0 {
		return fmt.Errorf("--truth: needs --duplicates")
	}
	w := e.stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if *dups > 0 {
		var truth *bufio.Writer
		if *truthPath != "" {
			f, err := os.Create(*truthPath)
			if err != nil {
				return err
			}
			defer f.Close()
			truth = bufio.NewWriter(f)
		}
		var tw io.Writer
		if truth != nil {
			tw = truth
		}
		if err := synth.WriteNDJSONWithDuplicates(bw, tw, *n, *seed, *dups); err != nil {
			return err
		}
		if truth != nil {
			if err := truth.Flush(); err != nil {
				return fmt.Errorf("--truth: %w", err)
			}
		}
	} else if err := synth.WriteNDJSON(bw, *n, *seed); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(e.stderr, "gen: wrote %d services to %s\n", *n, *out)
	}
	return nil
}
