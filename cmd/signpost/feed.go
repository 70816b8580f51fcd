package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"text/tabwriter"
	"time"

	"signpost/directory"
	"signpost/directory/feed"
)

const feedUsage = "Usage: signpost feed add|list|sync|remove [flags]\n\n" +
	"Follows other directories' Open Referral (HSDS 3 or ORUK v1) APIs.\n" +
	"Run 'signpost feed add --help' for an action's flags. These work on a\n" +
	"stopped store, like import; a running server syncs due feeds itself."

func runFeed(ctx context.Context, e *env, args []string) error {
	return runAction(ctx, e, "feed", feedUsage, args, []action{
		{"add", runFeedAdd}, {"list", runFeedList}, {"sync", runFeedSync}, {"remove", runFeedRemove},
	})
}

// feedName keeps names short and plain: they appear in revisions
// ("feed:NAME"), logs and URLs.
var feedName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$`)

func runFeedAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "feed add", "feed add --name NAME [--every 1h] [--mirror] [--data ./var] URL\n\n"+
		"URL is the API's base, such as https://example.org/api/v1; Signpost reads\n"+
		"URL/services page by page. Only http and https URLs are accepted.")
	dataDir := dataFlag(fs, e)
	name := fs.String("name", "", "the feed's name, shown as where its listings came from")
	every := fs.Duration("every", time.Hour, "how often to sync (at least 1m); removals are checked by a full pull daily")
	mirror := fs.Bool("mirror", false, "keep the upstream ids exactly (for a follower of another Signpost)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() != 1:
		fmt.Fprintln(e.stderr, "signpost feed add: give exactly one URL")
		fs.Usage()
		return errUsage
	case !feedName.MatchString(*name):
		fmt.Fprintln(e.stderr, "signpost feed add: --name is required: letters, digits, spaces, '.', '_' or '-', up to 63")
		return errUsage
	case *every < time.Minute:
		fmt.Fprintf(e.stderr, "signpost feed add: --every %s is too often (at least 1m)\n", *every)
		return errUsage
	}
	u, err := feed.CheckURL(fs.Arg(0))
	if err != nil {
		return err
	}
	st, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.AddFeed(ctx, directory.Feed{Name: *name, URL: u.String(), Every: *every, Mirror: *mirror}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "feed %s added: %s every %s; run 'signpost feed sync %s' or start the server to pull it\n", *name, u, *every, *name)
	return nil
}

func runFeedList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "feed list", "feed list [--data ./var]")
	dataDir := dataFlag(fs, e)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	st, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	feeds, err := st.Feeds(ctx)
	if err != nil {
		return err
	}
	if len(feeds) == 0 {
		fmt.Fprintln(e.stdout, "no feeds; add one with 'signpost feed add'")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tURL\tEVERY\tLISTINGS\tLAST SUCCESS\tNEXT RUN\tSTATE")
	for _, f := range feeds {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", f.Name, f.URL, f.Every, f.Listings,
			stamp(f.LastSuccess), stamp(f.NextRun()), feedState(&f))
	}
	return tw.Flush()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

func feedState(f *directory.Feed) string {
	switch {
	case f.Held != nil:
		return fmt.Sprintf("withdrawal of %d held for an admin", len(f.Held.IDs))
	case f.Resume != nil:
		return fmt.Sprintf("interrupted at page %d", f.Resume.Page)
	case len(f.Errors) > 0:
		return fmt.Sprintf("%d problem(s) last sync", len(f.Errors))
	}
	return "ok"
}

func runFeedSync(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "feed sync", "feed sync [--full] [--confirm] [--data ./var] [NAME]\n\n"+
		"Syncs the named feed, or every feed, now. --full pulls every page and withdraws\n"+
		"listings the feed no longer has; more than 20% at once is held until confirmed.")
	dataDir := dataFlag(fs, e)
	full := fs.Bool("full", false, "a full pull of ids, which sees removals")
	confirm := fs.Bool("confirm", false, "make a held withdrawal instead of syncing")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(e.stderr, "signpost feed sync: give at most one feed name")
		return errUsage
	}
	st, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	syncer := feed.New(st, feed.Options{})
	var names []string
	if fs.NArg() == 1 {
		names = []string{fs.Arg(0)}
	} else {
		feeds, err := st.Feeds(ctx)
		if err != nil {
			return err
		}
		for _, f := range feeds {
			names = append(names, f.Name)
		}
		if len(names) == 0 {
			return errors.New("no feeds; add one with 'signpost feed add'")
		}
	}
	failed := 0
	for _, name := range names {
		if *confirm {
			n, err := syncer.Confirm(ctx, name)
			if err != nil {
				fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
				failed++
				continue
			}
			fmt.Fprintf(e.stdout, "%s: withdrew %d listing(s)\n", name, n)
			continue
		}
		f, err := syncer.Sync(ctx, name, *full)
		if f != nil {
			for _, msg := range f.Errors {
				fmt.Fprintf(e.stderr, "%s: %s\n", name, msg)
			}
		}
		if err != nil {
			if errors.Is(err, feed.ErrHeld) {
				fmt.Fprintf(e.stderr, "%s: confirm with 'signpost feed sync --confirm %s'\n", name, name)
			}
			fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
			failed++
			if f == nil {
				continue
			}
		}
		if f != nil {
			notApplied := ""
			if f.NotApplied > 0 {
				notApplied = fmt.Sprintf(", %d changes to adopted listings not applied", f.NotApplied)
			}
			fmt.Fprintf(e.stdout, "%s: %d new, %d changed, %d unchanged, %d skipped, %d withdrawn, %d restored%s; %d listings\n",
				name, f.Added, f.Updated, f.Unchanged, f.Skipped, f.Withdrawn, f.Restored, notApplied, f.Listings)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d feed(s) did not sync cleanly", failed, len(names))
	}
	return nil
}

func runFeedRemove(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "feed remove", "feed remove [--data ./var] NAME\n\n"+
		"Stops following a feed. Its listings are withdrawn (kept, inactive, with\n"+
		"their history), not deleted.")
	dataDir := dataFlag(fs, e)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "signpost feed remove: give the feed's name")
		return errUsage
	}
	st, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.DeleteFeed(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "feed %s removed; %d listing(s) withdrawn\n", fs.Arg(0), n)
	return nil
}
