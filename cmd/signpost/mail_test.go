package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"signpost/directory"
)

func TestMailFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
	}{
		{name: "no mail at all"},
		{name: "relay with everything", args: []string{"--smtp", "smtp://u:p@mail.example:587", "--mail-from", "Signpost <signpost@example.org>", "--base-url", "https://signpost.example"}},
		{name: "from the environment", env: map[string]string{"SIGNPOST_SMTP": "smtps://mail.example", "SIGNPOST_MAIL_FROM": "signpost@example.org", "SIGNPOST_BASE_URL": "https://signpost.example/"}},
		{name: "relay without from", args: []string{"--smtp", "smtp://mail.example", "--base-url", "https://signpost.example"}, wantErr: "--smtp needs --mail-from"},
		{name: "relay without base url", args: []string{"--smtp", "smtp://mail.example", "--mail-from", "a@example.org"}, wantErr: "--smtp needs --base-url"},
		{name: "from without relay", args: []string{"--mail-from", "a@example.org"}, wantErr: "--mail-from needs --smtp"},
		{name: "bad from", args: []string{"--smtp", "smtp://mail.example", "--mail-from", "signpost", "--base-url", "https://signpost.example"}, wantErr: "is not an e-mail address"},
		{name: "bad relay", args: []string{"--smtp", "mail.example:25", "--mail-from", "a@example.org", "--base-url", "https://signpost.example"}, wantErr: "smtp://"},
		{name: "base url without scheme", args: []string{"--base-url", "signpost.example"}, wantErr: "--base-url"},
		{name: "remind after months", args: []string{"--remind-after", "3mo"}},
		{name: "remind after days", args: []string{"--remind-after", "90d"}},
		{name: "remind after nonsense", args: []string{"--remind-after", "soon"}, wantErr: `--remind-after "soon"`},
		{name: "remind after nonsense in the environment", env: map[string]string{"SIGNPOST_REMIND_AFTER": "-2mo"}, wantErr: "--remind-after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A flag's own value is refused by the flag package, which
			// says why on stderr; the rest come back as the error.
			var stderr strings.Builder
			e := &env{stderr: &stderr, getenv: func(k string) string { return tt.env[k] }}
			_, err := parseServeFlags(e, tt.args)
			said := stderr.String()
			if err != nil {
				said += err.Error()
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(said, tt.wantErr)):
				t.Fatalf("err = %v, said %q, want %q", err, said, tt.wantErr)
			}
		})
	}
}

func TestPeriodBefore(t *testing.T) {
	now := time.Date(2026, 8, 31, 12, 0, 0, 0, time.UTC)
	tests := []struct{ in, want string }{
		{"6mo", "2026-03-03"}, // AddDate normalises 31 February
		{"1y", "2025-08-31"},
		{"2w", "2026-08-17"},
		{"180d", "2026-03-04"},
		{"48h", "2026-08-29"},
	}
	for _, tt := range tests {
		var p period
		if err := p.Set(tt.in); err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if got := p.before(now).Format(time.DateOnly); got != tt.want {
			t.Errorf("%s before %s = %s, want %s", tt.in, now.Format(time.DateOnly), got, tt.want)
		}
	}
}

type fakeReminders struct {
	mu      sync.Mutex
	cutoffs []time.Time
}

func (f *fakeReminders) QueueReminders(_ context.Context, cutoff time.Time) (directory.ReminderReport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cutoffs = append(f.cutoffs, cutoff)
	return directory.ReminderReport{}, nil
}

func TestRemindStaleRunsAtOnceAndStops(t *testing.T) {
	f := &fakeReminders{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		remindStale(ctx, f, time.Hour, &period{months: 6}, slog.New(slog.DiscardHandler))
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.mu.Lock()
		n := len(f.cutoffs)
		f.mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first round did not run at start")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if age := time.Since(f.cutoffs[0]); age < 150*24*time.Hour || age > 200*24*time.Hour {
		t.Errorf("cutoff is %v ago, want about six months", age)
	}
}

// inbox is an SMTP server in the test that accepts everything.
type inbox struct {
	mu  sync.Mutex
	got []string // "to\n\ndata"
}

func (in *inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &inboxSession{in: in}, nil }

type inboxSession struct {
	in *inbox
	to string
}

func (s *inboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *inboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *inboxSession) Data(r io.Reader) error {
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return err
	}
	s.in.mu.Lock()
	defer s.in.mu.Unlock()
	s.in.got = append(s.in.got, s.to+"\n\n"+b.String())
	return nil
}
func (s *inboxSession) Reset()        {}
func (s *inboxSession) Logout() error { return nil }

// TestServeSendsWhatWaitsInTheOutbox queues a correction notice with the
// server stopped, then starts `signpost serve` with a relay: the notice
// arrives, with a link that starts with --base-url.
func TestServeSendsWhatWaitsInTheOutbox(t *testing.T) {
	bin := buildBinary(t)
	dir := directoryWithProvider(t, 3, "correct horse battery")
	st, err := directory.Open(filepath.Join(dir, "signpost.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	prov, err := st.Account(ctx, "p@example.org")
	if err != nil {
		t.Fatal(err)
	}
	svcs, err := st.ServicesOf(ctx, prov.Orgs[0])
	if err != nil || len(svcs) == 0 {
		t.Fatalf("services of the provider's organisation: %v, %v", svcs, err)
	}
	if _, err := st.AddCorrection(ctx, directory.Correction{ServiceID: svcs[0].ID, Message: "The phone number is wrong."}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	in := &inbox{}
	srv := smtp.NewServer(in)
	srv.Domain = "relay.test"
	srv.ErrorLog = discardSMTPLog{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	cmd := exec.Command(bin, "serve", "--data", dir, "--addr", "127.0.0.1:0", "--no-sample",
		"--smtp", "smtp://"+ln.Addr().String(), "--mail-from", "signpost@example.org", "--base-url", "https://signpost.example")
	startProcess(t, cmd)
	deadline := time.Now().Add(30 * time.Second)
	for {
		in.mu.Lock()
		var letter string
		for _, g := range in.got {
			if strings.Contains(g, "The phone number is wrong.") {
				letter = g
			}
		}
		in.mu.Unlock()
		if letter != "" {
			if !strings.HasPrefix(letter, "p@example.org\n") || !strings.Contains(letter, "https://signpost.example/provider/listings/") {
				t.Errorf("letter:\n%s", letter)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the correction notice never reached the relay")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type discardSMTPLog struct{}

func (discardSMTPLog) Printf(string, ...any) {}
func (discardSMTPLog) Println(...any)        {}
