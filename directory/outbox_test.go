package directory_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"signpost/directory"
)

// pendingOf returns the pending messages of one kind, or all with "".
func pendingOf(t *testing.T, s *directory.Store, kind directory.MessageKind) []directory.Message {
	t.Helper()
	all, err := s.PendingMessages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []directory.Message
	for _, m := range all {
		if kind == "" || m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

func TestModerationQueuesNoticesToTheSubmitter(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	newAcctClock(s)
	one := publishForOrg(t, s, acctOrgA, 1)
	two := publishForOrg(t, s, acctOrgA, 2)
	three := publishForOrg(t, s, acctOrgA, 3)
	if _, err := s.AddAccount(ctx, directory.Account{Email: "prov@example.org", Role: directory.RoleProvider, Orgs: []string{acctOrgA}}, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	submit := func(svc *directory.Service, by string) {
		t.Helper()
		edit := *svc
		edit.Description = "Changed by " + by
		if _, err := s.SubmitDraft(ctx, &edit, by); err != nil {
			t.Fatal(err)
		}
	}
	submit(one, "prov@example.org")
	submit(two, "prov@example.org")
	submit(three, "admin@example.org")
	if n := len(pendingOf(t, s, "")); n != 0 {
		t.Fatalf("submitting queued %d messages", n)
	}
	select {
	case <-s.MessagesQueued():
		t.Fatal("woken with nothing queued")
	default:
	}

	if err := s.ApproveDraft(ctx, directory.Review{ServiceID: one.ID, Actor: "admin@example.org"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RejectDraft(ctx, directory.Review{ServiceID: two.ID, Actor: "admin@example.org", Note: "Say which days."}); err != nil {
		t.Fatal(err)
	}
	if err := s.ApproveDraft(ctx, directory.Review{ServiceID: three.ID, Actor: "admin@example.org"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.MessagesQueued():
	default:
		t.Error("the sender was not woken")
	}

	approved := pendingOf(t, s, directory.MessageDraftApproved)
	if len(approved) != 1 || approved[0].To != "prov@example.org" || approved[0].ServiceID != one.ID || approved[0].ServiceName != one.Name {
		t.Errorf("approval notices = %+v, want one to the provider (none for the admin's own edit)", approved)
	}
	rejected := pendingOf(t, s, directory.MessageDraftRejected)
	if len(rejected) != 1 || rejected[0].To != "prov@example.org" || rejected[0].Text != "Say which days." {
		t.Errorf("rejection notices = %+v", rejected)
	}
}

func TestACorrectionIsQueuedToTheOrganisationsProviders(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	svc := publishForOrg(t, s, acctOrgA, 1)
	other := publishForOrg(t, s, "aaaaaaaa-0000-4000-8000-000000000002", 2)
	for _, a := range []directory.Account{
		{Email: "b@example.org", Role: directory.RoleProvider, Orgs: []string{acctOrgA}},
		{Email: "a@example.org", Role: directory.RoleProvider, Orgs: []string{acctOrgA}},
		{Email: "gone@example.org", Role: directory.RoleProvider, Orgs: []string{acctOrgA}},
	} {
		if _, err := s.AddAccount(ctx, a, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DisableAccount(ctx, "gone@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddCorrection(ctx, directory.Correction{ServiceID: svc.ID, Field: "times", Message: "It moved to Thursdays."}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddCorrection(ctx, directory.Correction{ServiceID: other.ID, Message: "Closed."}); err != nil {
		t.Fatal(err)
	}
	got := pendingOf(t, s, directory.MessageCorrection)
	if len(got) != 2 || got[0].To != "a@example.org" || got[1].To != "b@example.org" {
		t.Fatalf("correction notices = %+v, want one each to the two enabled providers", got)
	}
	if got[0].Text != "It moved to Thursdays." || got[0].Field != "times" || got[0].ServiceID != svc.ID {
		t.Errorf("notice = %+v", got[0])
	}
}

func TestOutboxDelivery(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	clk := newAcctClock(s)
	if _, err := s.AddAccount(ctx, directory.Account{Email: "lw@example.org", Role: directory.RoleLinkWorker}, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if err := s.MailPasswordReset(ctx, "lw@example.org"); err != nil {
		t.Fatal(err)
	}
	pending := pendingOf(t, s, directory.MessagePasswordReset)
	if len(pending) != 1 || pending[0].Token == "" || pending[0].Attempts != 0 {
		t.Fatalf("pending = %+v", pending)
	}
	id := pending[0].ID
	next := clk.now().Add(time.Minute)
	if err := s.MarkFailed(ctx, id, "451 try again later", next); err != nil {
		t.Fatal(err)
	}
	pending = pendingOf(t, s, directory.MessagePasswordReset)
	if len(pending) != 1 || pending[0].Attempts != 1 || pending[0].LastError != "451 try again later" || !pending[0].NextAttempt.Equal(next) {
		t.Fatalf("after a failure: %+v", pending)
	}
	if err := s.MarkSent(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSent(ctx, id); err != nil {
		t.Errorf("marking twice: %v", err)
	}
	if n := len(pendingOf(t, s, "")); n != 0 {
		t.Errorf("%d pending after sending", n)
	}
	done, err := s.DoneMessages(ctx, 10)
	if err != nil || len(done) != 1 || done[0].ID != id || done[0].Token != "" || done[0].Done.IsZero() {
		t.Fatalf("done = %+v, %v (want the message, its token wiped)", done, err)
	}

	// Finished messages are forgotten after DoneKeep.
	clk.advance(directory.DoneKeep + time.Hour)
	if err := s.MailPasswordReset(ctx, "lw@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDropped(ctx, pendingOf(t, s, "")[0].ID, "the link expired before it could be sent"); err != nil {
		t.Fatal(err)
	}
	done, _ = s.DoneMessages(ctx, 10)
	if len(done) != 1 || done[0].Dropped == "" {
		t.Errorf("done = %+v, want only the dropped one", done)
	}
}

func TestPasswordResetLink(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "signpost.db")
	s, err := directory.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	clk := newAcctClock(s)
	const email = "lw@example.org"
	if _, err := s.AddAccount(ctx, directory.Account{Email: email, Role: directory.RoleLinkWorker}, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	var sessions []string
	for range 2 {
		tok, err := s.CreateSession(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, tok)
	}
	if err := s.MailPasswordReset(ctx, email); err != nil {
		t.Fatal(err)
	}
	msgs := pendingOf(t, s, directory.MessagePasswordReset)
	if len(msgs) != 1 || msgs[0].To != email || !msgs[0].Expires.Equal(clk.now().Add(directory.ResetLinkValid)) {
		t.Fatalf("queued = %+v", msgs)
	}
	token := msgs[0].Token

	// The signing key is in the store: the link survives a restart.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = directory.Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetClock(clk.now)

	if got, err := s.PasswordResetAccount(ctx, token); err != nil || got != email {
		t.Fatalf("PasswordResetAccount = %q, %v", got, err)
	}
	tampered := []byte(token)
	tampered[3] ^= 1
	for name, bad := range map[string]string{
		"tampered":  string(tampered),
		"cut short": token[:len(token)-4],
		"no dot":    strings.ReplaceAll(token, ".", ""),
		"empty":     "",
	} {
		if _, err := s.PasswordResetAccount(ctx, bad); !errors.Is(err, directory.ErrLinkInvalid) {
			t.Errorf("%s token: %v, want ErrLinkInvalid", name, err)
		}
	}

	// A guessable password is refused and the link keeps working.
	var ve *directory.ValidationError
	if _, err := s.ResetPassword(ctx, token, "password1234"); !errors.As(err, &ve) {
		t.Fatalf("guessable password: %v", err)
	}
	clk.advance(30 * time.Minute)
	if got, err := s.ResetPassword(ctx, token, "a brand new password"); err != nil || got != email {
		t.Fatalf("ResetPassword = %q, %v", got, err)
	}
	for i, tok := range sessions {
		if _, err := s.SessionAccount(ctx, tok); !errors.Is(err, directory.ErrNoSession) {
			t.Errorf("session %d after reset: %v, want ended", i, err)
		}
	}
	if _, err := s.Authenticate(ctx, email, "a brand new password"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, err := s.ResetPassword(ctx, token, "another fresh passphrase"); !errors.Is(err, directory.ErrLinkUsed) {
		t.Errorf("second use: %v, want ErrLinkUsed", err)
	}

	// An unused link stops working after an hour.
	fresh, err := s.PasswordResetLink(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(pendingOf(t, s, directory.MessagePasswordReset)); n != 1 {
		t.Errorf("PasswordResetLink queued mail: %d pending", n)
	}
	clk.advance(directory.ResetLinkValid)
	if _, err := s.ResetPassword(ctx, fresh, "another fresh passphrase"); !errors.Is(err, directory.ErrLinkExpired) {
		t.Errorf("after an hour: %v, want ErrLinkExpired", err)
	}

	if err := s.DisableAccount(ctx, email); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PasswordResetLink(ctx, email); !errors.Is(err, directory.ErrConflict) {
		t.Errorf("reset of a disabled account: %v, want ErrConflict", err)
	}
}

func TestReminders(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	clk := newAcctClock(s)
	const orgB = "aaaaaaaa-0000-4000-8000-000000000002"
	withProvider := publishForOrg(t, s, acctOrgA, 1)
	noProvider := publishForOrg(t, s, orgB, 2)
	fresh := publishForOrg(t, s, acctOrgA, 3)
	unreachable := publishForOrg(t, s, "aaaaaaaa-0000-4000-8000-000000000003", 4)
	noProvider.Email = "hello@group.example"
	fresh.AssuredDate = clk.now().Format(time.DateOnly)
	withProvider.AssuredDate = "2025-01-10"
	for _, svc := range []*directory.Service{noProvider, fresh, withProvider} {
		if _, err := s.PutService(ctx, svc, directory.Save{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddAccount(ctx, directory.Account{Email: "prov@example.org", Role: directory.RoleProvider, Orgs: []string{acctOrgA}}, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	cutoff := clk.now().AddDate(0, -6, 0)
	rep, err := s.QueueReminders(ctx, cutoff)
	if err != nil {
		t.Fatal(err)
	}
	if want := (directory.ReminderReport{Listings: 2, Messages: 2, Unreachable: 1}); rep != want {
		t.Errorf("first round = %+v, want %+v", rep, want)
	}
	to := map[string]directory.Message{}
	for _, m := range pendingOf(t, s, directory.MessageReminder) {
		to[m.To] = m
	}
	if to["prov@example.org"].ServiceID != withProvider.ID || to["hello@group.example"].ServiceID != noProvider.ID || len(to) != 2 {
		t.Fatalf("reminders = %+v", to)
	}
	_ = unreachable

	// The daily round does not ask again for a month.
	clk.advance(24 * time.Hour)
	if rep, _ := s.QueueReminders(ctx, cutoff); rep.Messages != 0 || rep.Recent != 2 {
		t.Errorf("next day's round = %+v, want nothing sent", rep)
	}
	// An admin can, but not twice in a day.
	if rep, _ := s.SendReminders(ctx, []string{withProvider.ID}); rep.Messages != 1 {
		t.Errorf("admin's reminders = %+v", rep)
	}
	if rep, _ := s.SendReminders(ctx, []string{withProvider.ID}); rep.Messages != 0 || rep.Recent != 1 {
		t.Errorf("pressed twice = %+v", rep)
	}

	token := to["prov@example.org"].Token
	if svc, err := s.ReminderService(ctx, token); err != nil || svc.ID != withProvider.ID {
		t.Fatalf("ReminderService = %v, %v", svc, err)
	}
	tampered := strings.Replace(token, token[5:6], string(token[5]^1), 1)
	if _, err := s.ConfirmByReminder(ctx, tampered); !errors.Is(err, directory.ErrLinkInvalid) {
		t.Errorf("tampered: %v, want ErrLinkInvalid", err)
	}
	if _, err := s.PasswordResetAccount(ctx, token); !errors.Is(err, directory.ErrLinkInvalid) {
		t.Errorf("a reminder used as a reset link: %v, want ErrLinkInvalid", err)
	}
	svc, err := s.ConfirmByReminder(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if svc.AssuredDate != clk.now().Format(time.DateOnly) {
		t.Errorf("assured date = %q after confirming", svc.AssuredDate)
	}
	revs, _ := s.Revisions(ctx, withProvider.ID)
	if revs[0].Action != directory.ActionConfirm || revs[0].Actor != "prov@example.org" {
		t.Errorf("latest revision = %+v", revs[0])
	}
	if _, err := s.ConfirmByReminder(ctx, token); !errors.Is(err, directory.ErrLinkUsed) {
		t.Errorf("second use: %v, want ErrLinkUsed", err)
	}

	other := to["hello@group.example"].Token
	clk.advance(directory.ReminderLinkValid)
	if _, err := s.ConfirmByReminder(ctx, other); !errors.Is(err, directory.ErrLinkExpired) {
		t.Errorf("after %v: %v, want ErrLinkExpired", directory.ReminderLinkValid, err)
	}
}
