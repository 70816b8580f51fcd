package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserChangePassword: a link worker signs in, follows the footer's
// link, is refused a guessable password with the reason beside the field,
// sets a good one, and signs in with it after signing out. The password
// pages, the reset and reminder links' pages and the outbox pass axe-core.
func TestBrowserChangePassword(t *testing.T) {
	b, es := newEditorialBrowser(t)
	const newPassword = "tricky marmot river"

	b.signIn(t, emailLW)
	b.follow(t, "open the password form", chromedp.Click(chromedp.CSS(`.site-footer a[href="/account/password"]`)))
	b.step(t, "type a guessable password",
		chromedp.SendKeys(chromedp.ID("current_password"), testPassword),
		chromedp.SendKeys(chromedp.ID("new_password"), "password1234"))
	b.step(t, "send it", chromedp.Click(chromedp.CSS(`form[action="/account/password"] button[type=submit]`)))
	b.waitFor(t, "the refusal", `!!document.querySelector("#new_password-error")`)
	if msg := run(t, b, "refusal", chromedp.Text(chromedp.ID("new_password-error"))); !strings.Contains(msg, "most common passwords") {
		t.Errorf("refusal beside the field: %q", msg)
	}
	if desc := run(t, b, "described by", chromedp.Evaluate[string](`document.querySelector("#new_password").getAttribute("aria-describedby")`)); !strings.Contains(desc, "new_password-error") {
		t.Errorf("the field is not described by its error: %q", desc)
	}

	// The form comes back empty, as password fields should.
	b.step(t, "type a good password",
		chromedp.SendKeys(chromedp.ID("current_password"), testPassword),
		chromedp.SendKeys(chromedp.ID("new_password"), newPassword))
	b.follow(t, "change it", chromedp.Click(chromedp.CSS(`form[action="/account/password"] button[type=submit]`)))
	if u := b.location(t); u.Path != "/account/password" || u.Query().Get("done") != "password-changed" {
		t.Fatalf("after changing, at %s", u)
	}
	if got := run(t, b, "notice", chromedp.Text(chromedp.CSS(".notice.success"))); !strings.Contains(got, "Your password is changed") {
		t.Errorf("notice %q", got)
	}

	b.follow(t, "sign out", chromedp.Click(chromedp.CSS(`form.sign-out button`)))
	b.step(t, "open sign-in", chromedp.Navigate(b.base+"/login"), chromedp.WaitVisible(chromedp.ID("email")))
	b.step(t, "type", chromedp.SendKeys(chromedp.ID("email"), emailLW), chromedp.SendKeys(chromedp.ID("password"), newPassword))
	b.follow(t, "sign in with the new password", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	if u := b.location(t); u.Path == "/login" {
		t.Fatal("the new password does not sign in")
	}

	axe := loadAxe(t)
	ctx := context.Background()
	resetToken, err := es.store.PasswordResetLink(ctx, emailProvA)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := es.store.SendReminders(ctx, []string{es.ListingA}); err != nil {
		t.Fatal(err)
	}
	msgs, err := es.store.PendingMessages(ctx)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("no reminder queued: %v", err)
	}
	t.Run("signed in", func(t *testing.T) {
		b.assertAccessible(t, axe, "/account/password")
	})
	t.Run("links", func(t *testing.T) {
		anon := b.freshContext(t)
		anon.assertAccessible(t, axe, "/password/reset?token="+url.QueryEscape(resetToken))
		anon.assertAccessible(t, axe, "/still-running?token="+url.QueryEscape(msgs[0].Token))
		anon.assertAccessible(t, axe, "/still-running?token=expired-or-wrong")
	})
	t.Run("admin", func(t *testing.T) {
		admin := b.freshContext(t)
		admin.signIn(t, emailAdmin)
		admin.assertAccessible(t, axe, "/admin/outbox")
	})
}
