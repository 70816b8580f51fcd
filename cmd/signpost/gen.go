package main

import (
	"bufio"
	"context"
	"fmt"
	"os"

	"signpost/directory/synth"
)

func runGen(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "gen", "gen [--n 100000] [--seed 1] [--out PATH]\n\n"+
		"Writes synthetic HSDS services as NDJSON, spread over the Liverpool City\n"+
		"Region, for tests and benchmarks. The same seed gives the same file.")
	n := fs.Int("n", 100000, "how many services")
	seed := fs.Int64("seed", 1, "random seed")
	out := fs.String("out", "", "file to write; default stdout")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *n < 0 {
		return fmt.Errorf("--n: must not be negative")
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
	if err := synth.WriteNDJSON(bw, *n, *seed); err != nil {
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
