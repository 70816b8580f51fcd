package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"signpost/directory"
)

func runUser(ctx context.Context, e *env, args []string) error {
	const usage = "Usage: signpost user add|list|disable [flags]\n\n" +
		"Manages accounts. Run 'signpost user add --help' for an action's flags."
	return runAction(ctx, e, "user", usage, args, []action{
		{"add", runUserAdd}, {"list", runUserList}, {"disable", runUserDisable},
	})
}

// action is one verb of a command with several (user add, feed sync).
type action struct {
	name string
	run  func(ctx context.Context, e *env, args []string) error
}

// runAction runs the action args[0] names with the rest of args, or prints
// usage: asked for, it is not an error; missing or unknown, it is.
func runAction(ctx context.Context, e *env, command, usage string, args []string, actions []action) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, usage)
		return errUsage
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, usage)
		return nil
	}
	names := make([]string, len(actions))
	for i, a := range actions {
		if a.name == args[0] {
			return a.run(ctx, e, args[1:])
		}
		names[i] = a.name
	}
	fmt.Fprintf(e.stderr, "signpost %s: unknown action %q (%s or %s)\n", command, args[0],
		strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
	return errUsage
}

// orgList collects repeated --org flags.
type orgList []string

func (o *orgList) String() string { return strings.Join(*o, ",") }
func (o *orgList) Set(v string) error {
	for _, id := range strings.Split(v, ",") {
		if id = strings.TrimSpace(id); id != "" {
			*o = append(*o, id)
		}
	}
	return nil
}

func runUserAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user add", "user add --email E --role admin|provider|linkworker|commissioner [--org ID]... [--data ./var]\n\n"+
		"The password is read from standard input when it is piped (the first line);\n"+
		"otherwise one is generated and printed once.")
	dataDir := dataFlag(fs, e)
	email := fs.String("email", "", "the account's e-mail address, which is its sign-in name")
	role := fs.String("role", "", "admin, provider, linkworker or commissioner (reads the insight pages only)")
	var orgs orgList
	fs.Var(&orgs, "org", "organisation id a provider edits the listings of (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *email == "" || *role == "" || fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	password, generated, err := readOrGeneratePassword(e.stdin)
	if err != nil {
		return err
	}
	st, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := st.AddAccount(ctx, directory.Account{Email: *email, Role: directory.Role(*role), Orgs: orgs}, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "user: added %s (%s)\n", a.Email, a.Role.Label())
	if generated {
		// Printed once, to stdout alone, so it can be piped to where it goes;
		// it is stored only as a hash.
		fmt.Fprintf(e.stderr, "user: the password below is shown only now; pass it on safely\n")
		fmt.Fprintln(e.stdout, password)
	}
	return nil
}

// readOrGeneratePassword takes the first line of stdin when stdin is piped
// or a file, and otherwise (a terminal, or nothing) makes a random one, so
// no password ever has to appear on a command line or in shell history.
func readOrGeneratePassword(stdin io.Reader) (password string, generated bool, err error) {
	if stdin != nil && !isTerminal(stdin) {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", false, fmt.Errorf("read password from stdin: %w", err)
		}
		if line = strings.TrimRight(line, "\r\n"); line != "" {
			return line, false, nil
		}
		if _, ok := stdin.(*os.File); !ok {
			return "", false, errors.New("no password on stdin (pipe one in, or run from a terminal to have one generated)")
		}
	}
	// rand.Text is 26 base32 characters: 130 random bits.
	return rand.Text(), true, nil
}

// isTerminal reports whether r is an interactive terminal. /dev/null and
// other character devices count too: there is nothing to read from them.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func runUserList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user list", "user list [--data ./var]")
	dataDir := dataFlag(fs, e)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	st, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	accts, err := st.Accounts(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tROLE\tORGANISATIONS\tSTATUS\tCREATED")
	for _, a := range accts {
		status := "active"
		if a.Disabled {
			status = "disabled"
		}
		orgs := strings.Join(a.Orgs, ",")
		if orgs == "" {
			orgs = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Email, a.Role, orgs, status, a.Created.Format("2006-01-02"))
	}
	return tw.Flush()
}

func runUserDisable(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user disable", "user disable --email E [--data ./var]")
	dataDir := dataFlag(fs, e)
	email := fs.String("email", "", "the account to disable; its sessions end at once")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *email == "" || fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	st, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.DisableAccount(ctx, *email); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "user: disabled %s and ended its sessions\n", directory.NormalizeEmail(*email))
	return nil
}
