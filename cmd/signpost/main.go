// Command signpost runs the Signpost community directory: the web site and
// API (serve) and the jobs around it (import, export, reindex, check, user,
// gen, backup, compact). It only parses flags and wires packages together; the work
// is done in directory, engine and web.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand: its one-line summary and how to run it.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a command may touch of the outside world, so tests can run
// commands in-process with their own streams and environment.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() map[string]command {
	return map[string]command{
		"serve":   {"serve the site and the API", runServe},
		"import":  {"import HSDS files (JSON, NDJSON or a CSV datapackage folder)", runImport},
		"export":  {"export every service as HSDS JSON, NDJSON or CSV", runExport},
		"reindex": {"rebuild the search index from the store", runReindex},
		"check":   {"report whether the store and the search index agree", runCheck},
		"user":    {"add, list or disable accounts", runUser},
		"gen":     {"write synthetic HSDS services (NDJSON) for tests and benchmarks", runGen},
		"backup":  {"write a consistent copy of the store while it is in use", runBackup},
		"compact": {"give the store's free space back to the disk (server stopped)", runCompact},
		"feed":    {"follow other directories' Open Referral APIs (add, list, sync, remove)", runFeed},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code.
func run(ctx context.Context, e *env, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stdout, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "signpost: unknown command %q (run 'signpost --help' for the list)\n", args[0])
		return 2
	}
	err := cmd.run(ctx, e, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(e.stderr, "signpost %s: %v\n", args[0], err)
	return 1
}

// errUsage means the command already printed what was wrong with its
// arguments.
var errUsage = errors.New("usage")

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "Signpost: a community directory and matching engine for social prescribing.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: signpost <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'signpost <command> --help' for a command's flags.")
	fmt.Fprintln(w, "The data folder (--data) defaults to $SIGNPOST_DATA, or ./var.")
}

// newFlags makes a flag set that prints its help to the command's stdout
// and reports bad flags as a usage error.
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: signpost %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, turning -h into a clean exit and bad flags into a
// usage error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// parseNoArgs parses flags for a command that takes no file names, so a
// stray word ("signpost reindex now") is reported instead of ignored.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "signpost %s: unexpected argument %q (this command takes only flags)\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}

// dataFlag registers --data with its environment fallback.
func dataFlag(fs *flag.FlagSet, e *env) *string {
	def := e.getenv("SIGNPOST_DATA")
	if def == "" {
		def = "./var"
	}
	return fs.String("data", def, "folder holding signpost.db and the search index (env SIGNPOST_DATA)")
}

func oneOf(v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %s", v, strings.Join(allowed, ", "))
}
