package mail_test

import (
	"context"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"signpost/directory"
	"signpost/web/mail"
)

const (
	base    = "https://signpost.example"
	orgID   = "aaaaaaaa-0000-4000-8000-000000000001"
	svcID   = "00000000-0000-4000-8000-000000000001"
	prov    = "prov@example.org"
	lw      = "lw@example.org"
	mailBox = "signpost@signpost.example"
)

func openStore(t *testing.T, path string) *directory.Store {
	t.Helper()
	st, err := directory.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// seed gives the store a listing, a provider and a link worker.
func seed(t *testing.T, st *directory.Store) {
	t.Helper()
	ctx := context.Background()
	svc := &directory.Service{ID: svcID, Name: "Walk & Talk <Bootle>", Status: directory.StatusActive, Description: "A walk.",
		OrganizationID: orgID, Organization: &directory.Organization{ID: orgID, Name: "Friends", Description: "x"}}
	if _, err := st.PutService(ctx, svc, directory.Save{Actor: "test", Action: directory.ActionImport}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []directory.Account{
		{Email: prov, Role: directory.RoleProvider, Orgs: []string{orgID}},
		{Email: lw, Role: directory.RoleLinkWorker},
	} {
		if _, err := st.AddAccount(ctx, a, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
	}
}

// runSender starts a sender on st and returns a function that stops it
// and waits until it has.
func runSender(t *testing.T, st *directory.Store, relayURL string) (stop func()) {
	t.Helper()
	relay, err := mail.ParseRelay(relayURL)
	if err != nil {
		t.Fatal(err)
	}
	s, err := mail.NewSender(mail.Config{Outbox: st, Relay: relay, From: mailBox, Site: mail.Site{BaseURL: base},
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, Poll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	t.Cleanup(stop)
	return stop
}

// waitFor polls cond for up to ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func pending(t *testing.T, st *directory.Store) []directory.Message {
	t.Helper()
	msgs, err := st.PendingMessages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

var linkRE = regexp.MustCompile(`https://signpost\.example/password/reset\?token=\S+`)

// TestOutboxSurvivesARefusingRelayAndARestart queues two messages while
// the relay refuses everything, stops the server (closing the store) while
// they wait, and starts again with a relay that accepts: both arrive, once
// each, and the reset link in the letter works.
func TestOutboxSurvivesARefusingRelayAndARestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "signpost.db")
	st := openStore(t, path)
	seed(t, st)
	relay := startRelay(t)
	relay.refuse(true)

	stop := runSender(t, st, relay.url())
	if _, err := st.AddCorrection(ctx, directory.Correction{ServiceID: svcID, Field: "times", Message: "It moved to <b>Thursdays</b>."}); err != nil {
		t.Fatal(err)
	}
	if err := st.MailPasswordReset(ctx, lw); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the refusing relay to be tried three times", func() bool { return relay.tries() >= 3 })
	stop()
	msgs := pending(t, st)
	if len(msgs) != 2 || msgs[0].Attempts == 0 || !strings.Contains(msgs[0].LastError, "Try again later") {
		t.Fatalf("pending after refusals = %+v, want both kept with the relay's error", msgs)
	}
	if len(relay.letters()) != 0 {
		t.Fatal("a refusing relay received a letter")
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// Restart: a new store handle and a new sender, the relay now accepting.
	relay.refuse(false)
	st = openStore(t, path)
	defer st.Close()
	runSender(t, st, relay.url())
	waitFor(t, "the outbox to empty", func() bool { return len(pending(t, st)) == 0 })

	got := relay.letters()
	if len(got) != 2 {
		t.Fatalf("relay received %d letters, want 2", len(got))
	}
	byTo := map[string]parsed{}
	for _, r := range got {
		if r.From != mailBox {
			t.Errorf("envelope from %q", r.From)
		}
		byTo[r.To] = parse(t, r.Data)
	}
	corr := byTo[prov]
	if corr.Header.Get("Subject") != "Someone says “Walk & Talk <Bootle>” needs correcting" {
		t.Errorf("correction subject = %q", corr.Header.Get("Subject"))
	}
	if !strings.Contains(corr.Text, "> It moved to <b>Thursdays</b>.") || !strings.Contains(corr.Text, base+"/provider/listings/"+svcID+"/edit") {
		t.Errorf("correction text:\n%s", corr.Text)
	}
	if strings.Contains(corr.HTML, "<b>Thursdays") || !strings.Contains(corr.HTML, "&lt;b&gt;Thursdays") {
		t.Errorf("the HTML part does not escape the correction:\n%s", corr.HTML)
	}
	if id := corr.Header.Get("Message-Id"); !strings.HasSuffix(id, "@signpost.example>") {
		t.Errorf("Message-ID = %q", id)
	}

	reset := byTo[lw]
	link := linkRE.FindString(reset.Text)
	if link == "" {
		t.Fatalf("no reset link in:\n%s", reset.Text)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if email, err := st.PasswordResetAccount(ctx, u.Query().Get("token")); err != nil || email != lw {
		t.Errorf("the mailed link: %q, %v", email, err)
	}

	done, err := st.DoneMessages(ctx, 10)
	if err != nil || len(done) != 2 {
		t.Fatalf("done = %+v, %v", done, err)
	}
	for _, m := range done {
		if m.Token != "" || m.Dropped != "" {
			t.Errorf("sent message %+v: want its token wiped", m)
		}
	}
	// A round stops at the first refusal (the rest would be refused too),
	// so only the oldest message counts failed attempts.
	if oldest := done[len(done)-1]; oldest.Attempts == 0 {
		t.Errorf("oldest message %+v: want its failed attempts counted", oldest)
	}
}

func TestAnUnreachableRelayLosesNothing(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, filepath.Join(t.TempDir(), "signpost.db"))
	defer st.Close()
	seed(t, st)
	// Port 1 on this machine: nothing listens there, so every attempt
	// fails at once with "connection refused".
	runSender(t, st, "smtp://127.0.0.1:1")
	if err := st.MailPasswordReset(ctx, lw); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two failed attempts", func() bool {
		msgs := pending(t, st)
		return len(msgs) == 1 && msgs[0].Attempts >= 2
	})
	if m := pending(t, st)[0]; m.LastError == "" || m.Token == "" {
		t.Errorf("after failures: %+v", m)
	}
}

func TestAMessageWhoseLinkExpiredIsDropped(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, filepath.Join(t.TempDir(), "signpost.db"))
	defer st.Close()
	seed(t, st)
	now := time.Now()
	st.SetClock(func() time.Time { return now.Add(-2 * directory.ResetLinkValid) })
	if err := st.MailPasswordReset(ctx, lw); err != nil {
		t.Fatal(err)
	}
	st.SetClock(time.Now)
	relay := startRelay(t)
	runSender(t, st, relay.url())
	waitFor(t, "the outbox to empty", func() bool { return len(pending(t, st)) == 0 })
	done, _ := st.DoneMessages(ctx, 10)
	if len(done) != 1 || !strings.Contains(done[0].Dropped, "expired") {
		t.Errorf("done = %+v, want it dropped because its link expired", done)
	}
	if n := len(relay.letters()); n != 0 {
		t.Errorf("relay received %d letters", n)
	}
}

func TestParseRelay(t *testing.T) {
	tests := []struct {
		raw, want, wantErr string
	}{
		{raw: "smtp://user:s3cret@mail.example:2525", want: "smtp://user:xxxxx@mail.example:2525"},
		{raw: "smtps://mail.example", want: "smtps://mail.example"},
		{raw: "smtp://mail.example?starttls=required", want: "smtp://mail.example?starttls=required"},
		{raw: "smtp://mail.example?starttls=sometimes", wantErr: `starttls="sometimes"`},
		{raw: "http://mail.example", wantErr: "starts smtp:// or smtps://"},
		{raw: "smtp://:25", wantErr: "no host"},
		{raw: "smtp://mail.example:99999", wantErr: "is not a port"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			r, err := mail.ParseRelay(tt.raw)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.String() != tt.want {
				t.Errorf("String() = %q, want %q", r.String(), tt.want)
			}
		})
	}
}

func TestComposeEveryKind(t *testing.T) {
	expires := time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)
	tests := []struct {
		m           directory.Message
		subject     string
		textHas     []string
		actionLabel string
	}{
		{directory.Message{Kind: directory.MessageDraftApproved, To: prov, ServiceID: svcID, ServiceName: "Walk"},
			"Your changes to “Walk” are published", []string{base + "/activities/" + svcID}, "See the listing"},
		{directory.Message{Kind: directory.MessageDraftRejected, To: prov, ServiceID: svcID, ServiceName: "Walk", Text: "Say which days.\nAnd where."},
			"Your changes to “Walk” need another look", []string{"> Say which days.\n> And where.", base + "/provider/listings/" + svcID + "/edit"}, "Open your changes"},
		{directory.Message{Kind: directory.MessageCorrection, To: prov, ServiceID: svcID, ServiceName: "Walk", Field: "times", Text: "Thursdays now."},
			"Someone says “Walk” needs correcting", []string{"is wrong (days or times)", "> Thursdays now."}, "Update the listing"},
		{directory.Message{Kind: directory.MessagePasswordReset, To: lw, Token: "abc.def", Expires: expires},
			"Choose a new password for Signpost", []string{base + "/password/reset?token=abc.def", "until 14:05 UTC on Monday 2 March 2026"}, "Choose a new password"},
		{directory.Message{Kind: directory.MessageReminder, To: prov, ServiceID: svcID, ServiceName: "Walk", Token: "abc.def", Expires: expires},
			"Is “Walk” still running?", []string{base + "/still-running?token=abc.def", "You do not need to sign in"}, "Yes, it is still running"},
	}
	for _, tt := range tests {
		t.Run(string(tt.m.Kind), func(t *testing.T) {
			l, err := mail.Compose(tt.m, mail.Site{BaseURL: base + "/"})
			if err != nil {
				t.Fatal(err)
			}
			if l.Subject != tt.subject || l.To != tt.m.To {
				t.Errorf("subject %q to %q", l.Subject, l.To)
			}
			for _, want := range append(tt.textHas, tt.actionLabel+":") {
				if !strings.Contains(l.Text, want) {
					t.Errorf("text lacks %q:\n%s", want, l.Text)
				}
			}
			if !strings.Contains(l.HTML, ">"+tt.actionLabel+"</a>") {
				t.Errorf("HTML lacks the %q button:\n%s", tt.actionLabel, l.HTML)
			}
		})
	}
	if _, err := mail.Compose(directory.Message{Kind: "postcard", To: lw}, mail.Site{BaseURL: base}); err == nil {
		t.Error("an unknown kind composed")
	}
	if _, err := mail.Compose(directory.Message{Kind: directory.MessagePasswordReset, To: lw}, mail.Site{BaseURL: base}); err == nil {
		t.Error("a reset without its token composed")
	}
}
