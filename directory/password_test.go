package directory_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"signpost/directory"
)

func TestPasswordProblem(t *testing.T) {
	tests := []struct {
		name, password string
		inputs         []string
		// want is part of the reason; "" means accepted.
		want string
	}{
		{"twelve of one letter", "aaaaaaaaaaaa", nil, `repeats "a"`},
		{"common password with digits", "password1234", nil, "one of the most common passwords"},
		{"keyboard row", "qwertyuiop12", nil, "most common passwords"},
		{"alphabet", "abcdefghijkl", nil, "sequence like abcd"},
		{"own address", "lw@example.org1", []string{"lw@example.org"}, "your e-mail address"},
		{"too short", "Tr0ub4dor&3", nil, "at least 12 characters (this one has 11)"},
		{"too long", strings.Repeat("horse battery ", 20), nil, "at most 256 characters"},
		{"four words", "correct horse battery staple", nil, ""},
		{"three words", "correct horse battery", nil, ""},
		{"made-up phrase", "tricky-marmot-river-47", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := directory.PasswordProblem(tt.password, tt.inputs...)
			switch {
			case tt.want == "" && got != "":
				t.Errorf("refused: %s", got)
			case tt.want != "" && !strings.Contains(got, tt.want):
				t.Errorf("reason = %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

func TestAddAccountRefusesGuessablePasswords(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	for _, pw := range []string{"aaaaaaaaaaaa", "password1234"} {
		_, err := s.AddAccount(ctx, directory.Account{Email: "admin@example.org", Role: directory.RoleAdmin}, pw)
		var ve *directory.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), "password: is too easy to guess") {
			t.Errorf("AddAccount(%q) = %v, want a password problem", pw, err)
		}
	}
}

func TestChangePassword(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	const email, old = "lw@example.org", "correct horse battery"
	if _, err := s.AddAccount(ctx, directory.Account{Email: email, Role: directory.RoleLinkWorker}, old); err != nil {
		t.Fatal(err)
	}
	here, err := s.CreateSession(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, err := s.CreateSession(ctx, email)
	if err != nil {
		t.Fatal(err)
	}

	refusals := []struct {
		name      string
		pc        directory.PasswordChange
		wantPaths []string
	}{
		{"no current password", directory.PasswordChange{New: "a brand new password"}, []string{"current_password"}},
		{"wrong current password", directory.PasswordChange{Current: "not my password", New: "a brand new password"}, []string{"current_password"}},
		{"guessable new one", directory.PasswordChange{Current: old, New: "password1234"}, []string{"new_password"}},
		{"same as before", directory.PasswordChange{Current: old, New: old}, []string{"new_password"}},
		{"both wrong", directory.PasswordChange{Current: "nope", New: "aaaaaaaaaaaa"}, []string{"current_password", "new_password"}},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			tt.pc.Email, tt.pc.KeepSession = email, here
			err := s.ChangePassword(ctx, tt.pc)
			var ve *directory.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a *ValidationError", err)
			}
			var paths []string
			for _, p := range ve.Problems {
				paths = append(paths, p.Path)
			}
			if strings.Join(paths, ",") != strings.Join(tt.wantPaths, ",") {
				t.Errorf("problems at %v, want %v", paths, tt.wantPaths)
			}
		})
	}
	if _, err := s.SessionAccount(ctx, elsewhere); err != nil {
		t.Fatalf("a refused change ended a session: %v", err)
	}

	if err := s.ChangePassword(ctx, directory.PasswordChange{Email: email, Current: old, New: "a brand new password", KeepSession: here}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionAccount(ctx, here); err != nil {
		t.Errorf("the session the change was made from: %v, want it kept", err)
	}
	if _, err := s.SessionAccount(ctx, elsewhere); !errors.Is(err, directory.ErrNoSession) {
		t.Errorf("another session: %v, want ErrNoSession", err)
	}
	if _, err := s.Authenticate(ctx, email, "a brand new password"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, err := s.Authenticate(ctx, email, old); err == nil {
		t.Error("old password still works")
	}
}
