package main

import (
	"context"
	"errors"
	"fmt"

	"signpost/directory"
)

func runBackup(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "backup", "backup [--data ./var] FILE")
	dataDir := dataFlag(fs, e)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	var n int64
	st, err := openStore(*dataDir)
	switch {
	case errors.Is(err, directory.ErrInUse):
		// A server has the store open: ask it for the copy.
		n, err = backupFromServer(ctx, *dataDir, fs.Arg(0))
	case err == nil:
		n, err = st.BackupFile(ctx, fs.Arg(0))
		st.Close()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "backup: wrote %s (%d bytes)\n", fs.Arg(0), n)
	return nil
}
