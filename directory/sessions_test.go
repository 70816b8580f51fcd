package directory_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"signpost/directory"
)

func TestSessionExpiry(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		// steps are the pauses between requests after sign-in.
		steps []time.Duration
		ok    bool
	}{
		{"fresh", nil, true},
		{"used within the idle limit", []time.Duration{90 * time.Minute, 90 * time.Minute, 90 * time.Minute}, true},
		{"idle too long", []time.Duration{directory.SessionIdle}, false},
		{"kept busy past the absolute limit", []time.Duration{
			110 * time.Minute, 110 * time.Minute, 110 * time.Minute, 110 * time.Minute, 110 * time.Minute, 110 * time.Minute, 110 * time.Minute,
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			clk := newAcctClock(s)
			if _, err := s.AddAccount(ctx, directory.Account{Email: "lw@example.org", Role: directory.RoleLinkWorker}, "correct horse battery"); err != nil {
				t.Fatal(err)
			}
			token, err := s.CreateSession(ctx, "lw@example.org")
			if err != nil {
				t.Fatal(err)
			}
			for i, d := range tt.steps {
				clk.advance(d)
				_, err = s.SessionAccount(ctx, token)
				if err != nil && i < len(tt.steps)-1 {
					t.Fatalf("request %d after %v: %v", i+1, d, err)
				}
			}
			if len(tt.steps) == 0 {
				_, err = s.SessionAccount(ctx, token)
			}
			if tt.ok {
				if err != nil {
					t.Fatalf("SessionAccount: %v", err)
				}
				return
			}
			if !errors.Is(err, directory.ErrNoSession) {
				t.Fatalf("SessionAccount = %v, want ErrNoSession", err)
			}
			if n, err := s.CountSessions(ctx); err != nil || n != 0 {
				t.Errorf("expired session still stored (%d sessions)", n)
			}
		})
	}
}

func TestSessionEnds(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		end  func(s *directory.Store, token string) error
	}{
		{"sign out", func(s *directory.Store, token string) error { return s.DeleteSession(ctx, token) }},
		{"account disabled", func(s *directory.Store, _ string) error { return s.DisableAccount(ctx, "lw@example.org") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			if _, err := s.AddAccount(ctx, directory.Account{Email: "lw@example.org", Role: directory.RoleLinkWorker}, "correct horse battery"); err != nil {
				t.Fatal(err)
			}
			token, err := s.CreateSession(ctx, "lw@example.org")
			if err != nil {
				t.Fatal(err)
			}
			if a, err := s.SessionAccount(ctx, token); err != nil || a.Email != "lw@example.org" {
				t.Fatalf("SessionAccount = %v, %v", a, err)
			}
			if err := tt.end(s, token); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SessionAccount(ctx, token); !errors.Is(err, directory.ErrNoSession) {
				t.Fatalf("after %s: %v, want ErrNoSession", tt.name, err)
			}
		})
	}
}

func TestSessionTokens(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	if _, err := s.AddAccount(ctx, directory.Account{Email: "lw@example.org", Role: directory.RoleLinkWorker}, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	t1, err := s.CreateSession(ctx, "lw@example.org")
	if err != nil {
		t.Fatal(err)
	}
	t2, err := s.CreateSession(ctx, "lw@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if len(t1) != 43 || t1 == t2 {
		t.Fatalf("tokens %q and %q: want two different 256-bit base64url tokens", t1, t2)
	}
	for _, bad := range []string{"", "x", t1[:42], t1 + "A"} {
		if _, err := s.SessionAccount(ctx, bad); !errors.Is(err, directory.ErrNoSession) {
			t.Errorf("SessionAccount(%q) = %v, want ErrNoSession", bad, err)
		}
	}
	if _, err := s.CreateSession(ctx, "nobody@example.org"); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("session for unknown account: %v", err)
	}

	// A copy of the database must not hold a token that signs anyone in.
	var buf bytes.Buffer
	if _, err := s.Backup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(t1)) || bytes.Contains(buf.Bytes(), []byte(t2)) {
		t.Error("the database file holds a session token in the clear")
	}
}
