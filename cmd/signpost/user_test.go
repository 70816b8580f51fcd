package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"signpost/directory"
)

// userCmd runs one signpost command line in-process against dataDir.
func userCmd(t *testing.T, dataDir string, stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: stdin, stdout: &out, stderr: &errOut, getenv: func(k string) string {
		if k == "SIGNPOST_DATA" {
			return dataDir
		}
		return ""
	}}
	code = run(context.Background(), e, args)
	return code, out.String(), errOut.String()
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()

	code, out, errOut := userCmd(t, dir, strings.NewReader("correct horse battery\n"), "user", "add", "--email", "Admin@Example.org", "--role", "admin")
	if code != 0 || out != "" || !strings.Contains(errOut, "added admin@example.org (Admin)") {
		t.Fatalf("add with piped password: code %d, stdout %q, stderr %q", code, out, errOut)
	}

	// No piped password: one is generated and printed once, on stdout alone.
	code, out, errOut = userCmd(t, dir, nil, "user", "add", "--email", "lw@example.org", "--role", "linkworker")
	generated := strings.TrimSpace(out)
	if code != 0 || len(generated) != 26 || strings.Contains(errOut, generated) {
		t.Fatalf("add with generated password: code %d, stdout %q, stderr %q", code, out, errOut)
	}

	tests := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"commissioner", "correct horse battery\n", []string{"user", "add", "--email", "c@example.org", "--role", "commissioner"}, 0, "added c@example.org (Commissioner)"},
		{"commissioner of an organisation", "correct horse battery\n", []string{"user", "add", "--email", "c2@example.org", "--role", "commissioner", "--org", "x"}, 1, "only providers belong to organisations"},
		{"missing role", "correct horse battery\n", []string{"user", "add", "--email", "x@example.org"}, 2, "Usage: signpost user add"},
		{"taken address", "correct horse battery\n", []string{"user", "add", "--email", "admin@example.org", "--role", "admin"}, 1, "already has an account"},
		{"provider of unknown org", "correct horse battery\n", []string{"user", "add", "--email", "p@example.org", "--role", "provider", "--org", "nope"}, 1, "organisation nope: not found"},
		{"empty stdin", "", []string{"user", "add", "--email", "y@example.org", "--role", "admin"}, 1, "no password on stdin"},
		{"short password", "short\n", []string{"user", "add", "--email", "y@example.org", "--role", "admin"}, 1, "password: must be at least"},
		{"one letter twelve times", "aaaaaaaaaaaa\n", []string{"user", "add", "--email", "y@example.org", "--role", "admin"}, 1, "password: is too easy to guess: it repeats"},
		{"common password", "password1234\n", []string{"user", "add", "--email", "y@example.org", "--role", "admin"}, 1, "one of the most common passwords"},
		{"unknown action", "", []string{"user", "remove"}, 2, `unknown action "remove"`},
		{"disable unknown", "", []string{"user", "disable", "--email", "ghost@example.org"}, 1, "not found"},
		{"disable", "", []string{"user", "disable", "--email", "LW@example.org"}, 0, "disabled lw@example.org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := userCmd(t, dir, strings.NewReader(tt.stdin), tt.args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("code %d, stderr %q; want %d and %q", code, errOut, tt.wantCode, tt.wantErr)
			}
		})
	}

	code, out, _ = userCmd(t, dir, nil, "user", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[0], "EMAIL") ||
		!strings.Contains(lines[1], "admin@example.org") || !strings.Contains(lines[2], "commissioner") || !strings.Contains(lines[3], "disabled") {
		t.Fatalf("list: code %d\n%s", code, out)
	}

	st, err := directory.Open(filepath.Join(dir, "signpost.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Authenticate(context.Background(), "admin@example.org", "correct horse battery"); err != nil {
		t.Errorf("piped password does not sign in: %v", err)
	}
	if _, err := st.Authenticate(context.Background(), "lw@example.org", generated); err == nil {
		t.Error("a disabled account signs in")
	}
}
