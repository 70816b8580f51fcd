package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"signpost/directory"
	"signpost/web/mail"
	"signpost/web/origin"
)

// The pages of e-mail and passwords: changing one's own password, the
// reset link's page, the reminder link's "still running" page, and the
// admin's side of them (starting a reset, sending reminders, the outbox).

// MailStore is what these pages need of the store. *directory.Store
// satisfies it.
type MailStore interface {
	ChangePassword(ctx context.Context, pc directory.PasswordChange) error
	PasswordResetAccount(ctx context.Context, token string) (string, error)
	ResetPassword(ctx context.Context, token, password string) (string, error)
	PasswordResetLink(ctx context.Context, email string) (string, error)
	MailPasswordReset(ctx context.Context, email string) error

	ReminderService(ctx context.Context, token string) (*directory.Service, error)
	ConfirmByReminder(ctx context.Context, token string) (*directory.Service, error)
	SendReminders(ctx context.Context, serviceIDs []string) (directory.ReminderReport, error)

	PendingMessages(ctx context.Context) ([]directory.Message, error)
	DoneMessages(ctx context.Context, limit int) ([]directory.Message, error)
}

// mailPages holds the handlers of these pages.
type mailPages struct {
	*renderer
	store MailStore
	site  *origin.Origin
	// cookieName names the session cookie of a request, so a password
	// change keeps the session it was made from.
	cookieName func(*http.Request) string
	// relay says e-mail is really sent. Without one an admin's reset shows
	// the link once instead of mailing it.
	relay bool
	now   func() time.Time
}

// maxPasswordBody bounds the password forms: two passwords and a token.
const maxPasswordBody = 8 << 10

// passwordPage is /account/password and the reset link's page.
type passwordPage struct {
	BasePage
	Problems problemList
	// Email is the account whose password is set.
	Email string
	// Token is the reset link's token, carried by the form (never in the
	// address it posts to, which logs and Referer headers could keep).
	Token string
	Done  bool
	// Refused explains a reset link that cannot be used.
	Refused string
	MinLen  int
}

func (h *mailPages) passwordForm(w http.ResponseWriter, r *http.Request) error {
	p := &passwordPage{BasePage: BasePage{Title: "Change your password"}, Email: currentAccount(r).Email, MinLen: directory.MinPasswordLen}
	h.render(w, r, http.StatusOK, "account-password", p)
	return nil
}

// changePassword needs the current password, so that someone at a
// computer left signed in cannot lock its owner out; every other session
// of the account ends.
func (h *mailPages) changePassword(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	a := currentAccount(r)
	keep := ""
	if c, err := r.Cookie(h.cookieName(r)); err == nil {
		keep = c.Value
	}
	err := h.store.ChangePassword(r.Context(), directory.PasswordChange{
		Email: a.Email, Current: r.PostForm.Get("current_password"), New: r.PostForm.Get("new_password"), KeepSession: keep,
	})
	var ve *directory.ValidationError
	switch {
	case errors.As(err, &ve):
		p := &passwordPage{BasePage: BasePage{Title: "Error: Change your password"}, Email: a.Email,
			Problems: passwordProblems(ve), MinLen: directory.MinPasswordLen}
		h.render(w, r, http.StatusBadRequest, "account-password", p)
		return nil
	case err != nil:
		return fmt.Errorf("change password of %s: %w", a.Email, err)
	}
	h.log.InfoContext(r.Context(), "password changed", "email", a.Email)
	return redirect(w, r, withFlash("/account/password", "password-changed"))
}

// passwordProblems turns the store's problems into the form's, each
// against its field, in plain words.
func passwordProblems(ve *directory.ValidationError) problemList {
	var out problemList
	for _, pr := range ve.Problems {
		switch pr.Path {
		case "current_password":
			out = append(out, problem{Field: "current_password", Message: "Your current password " + pr.Message})
		default:
			out = append(out, problem{Field: "new_password", Message: "The new password " + pr.Message})
		}
	}
	return out
}

// linkRefusal explains why a signed link cannot be used, and its status.
func linkRefusal(err error, expired, used string) (int, string, bool) {
	switch {
	case errors.Is(err, directory.ErrLinkExpired):
		return http.StatusGone, expired, true
	case errors.Is(err, directory.ErrLinkUsed):
		return http.StatusGone, used, true
	case errors.Is(err, directory.ErrLinkInvalid):
		return http.StatusNotFound, "This link does not work. It may have been copied only in part: try copying the whole of it from the e-mail.", true
	}
	return 0, "", false
}

func (h *mailPages) resetForm(w http.ResponseWriter, r *http.Request) error {
	return h.resetPage(w, r, r.URL.Query().Get("token"), nil)
}

func (h *mailPages) reset(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	token := r.PostForm.Get("token")
	email, err := h.store.ResetPassword(r.Context(), token, r.PostForm.Get("new_password"))
	var ve *directory.ValidationError
	switch {
	case errors.As(err, &ve):
		return h.resetPage(w, r, token, passwordProblems(ve))
	case err != nil:
		return h.resetPage(w, r, token, nil)
	}
	h.log.InfoContext(r.Context(), "password reset through a link", "email", email)
	// The reset ended every session of the account, this browser's too if
	// it was signed in as it.
	p := &passwordPage{BasePage: BasePage{Title: "Your new password is set"}, Email: email, Done: true}
	h.render(w, r, http.StatusOK, "password-reset", p)
	return nil
}

// resetPage shows the form of a reset link, or why the link cannot be used.
func (h *mailPages) resetPage(w http.ResponseWriter, r *http.Request, token string, problems problemList) error {
	email, err := h.store.PasswordResetAccount(r.Context(), token)
	p := &passwordPage{BasePage: BasePage{Title: "Choose a new password"}, Email: email, Token: token, Problems: problems, MinLen: directory.MinPasswordLen}
	if status, why, ok := linkRefusal(err,
		"This link has expired: a reset link works for one hour. Ask an admin to send a new one.",
		"This link has been used already, or the password was changed since it was sent. Sign in with the new password, or ask an admin for a new link."); ok {
		p.Title, p.Refused, p.Token = "This link cannot be used", why, ""
		h.render(w, r, status, "password-reset", p)
		return nil
	}
	if err != nil {
		return fmt.Errorf("reset link: %w", err)
	}
	status := http.StatusOK
	if len(problems) > 0 {
		status, p.Title = http.StatusBadRequest, "Error: "+p.Title
	}
	h.render(w, r, status, "password-reset", p)
	return nil
}

// stillRunningPage is the reminder link's page: one button, because mail
// scanners open every link in a message and must not confirm anything.
type stillRunningPage struct {
	BasePage
	Token   string
	Name    string
	Href    string
	Done    bool
	Refused string
}

func (h *mailPages) stillRunningForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	svc, err := h.store.ReminderService(r.Context(), token)
	return h.stillRunningPage(w, r, token, svc, err, false)
}

func (h *mailPages) stillRunning(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	token := r.PostForm.Get("token")
	svc, err := h.store.ConfirmByReminder(r.Context(), token)
	if err == nil {
		h.log.InfoContext(r.Context(), "listing confirmed from a reminder", "service", svc.ID)
	}
	return h.stillRunningPage(w, r, token, svc, err, err == nil)
}

func (h *mailPages) stillRunningPage(w http.ResponseWriter, r *http.Request, token string, svc *directory.Service, err error, done bool) error {
	p := &stillRunningPage{BasePage: BasePage{Title: "Is it still running?"}, Token: token, Done: done}
	if svc != nil {
		p.Name, p.Href = svc.Name, "/activities/"+url.PathEscape(svc.ID)
	}
	if status, why, ok := linkRefusal(err,
		"This link has expired. If the listing is still running, sign in and confirm it, or tell your Signpost admin.",
		"Thank you: this listing has been confirmed since the reminder was sent, so there is nothing more to do."); ok {
		p.Title, p.Refused, p.Token = "This link cannot be used", why, ""
		if errors.Is(err, directory.ErrLinkUsed) {
			p.Title = "Already confirmed"
		}
		h.render(w, r, status, "still-running", p)
		return nil
	}
	if err != nil {
		return fmt.Errorf("reminder link: %w", err)
	}
	if done {
		p.Title = "Thank you"
	}
	h.render(w, r, http.StatusOK, "still-running", p)
	return nil
}

// adminResetPage shows a reset link once, to the admin who made it, when
// no relay can mail it.
type adminResetPage struct {
	adminBase
	Email string
	Link  string
	Until string
}

// adminReset starts a password reset for an account: the link is mailed
// to its owner, or, with no relay, shown to the admin once. The page is
// rendered, not redirected to, so the link never appears in an address.
func (h *mailPages) adminReset(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	email := directory.NormalizeEmail(clean(r.PostForm.Get("email"), 254))
	if h.relay {
		if err := h.store.MailPasswordReset(r.Context(), email); err != nil {
			return resetRefusal(email, err)
		}
		return redirect(w, r, withFlash("/admin/accounts", "reset-sent"))
	}
	token, err := h.store.PasswordResetLink(r.Context(), email)
	if err != nil {
		return resetRefusal(email, err)
	}
	base := h.site.URL(r)
	p := &adminResetPage{adminBase: newAdminBase("A password reset link for "+email, "/admin/accounts"), Email: email,
		Link:  base + mail.ResetPath + "?token=" + url.QueryEscape(token),
		Until: h.now().Add(directory.ResetLinkValid).Format("15:04")}
	h.log.InfoContext(r.Context(), "password reset link made", "email", email, "by", currentAccount(r).Email)
	h.render(w, r, http.StatusOK, "admin-reset", p)
	return nil
}

func resetRefusal(email string, err error) error {
	switch {
	case errors.Is(err, directory.ErrNotFound):
		return &httpError{status: http.StatusNotFound, heading: "There is no such account",
			message: "Go back to the accounts page and choose the account again.", err: err}
	case errors.Is(err, directory.ErrConflict):
		return &httpError{status: http.StatusConflict, heading: "The account is disabled",
			message: "Enable the account first, then reset its password.", err: err}
	}
	return fmt.Errorf("reset password of %s: %w", email, err)
}

// maxRemindIDs bounds one press of "send reminders": the stale report
// shows at most staleReportRows.
const maxRemindIDs = 1000

// adminRemind sends a reminder about each listing the stale report showed
// (the form carries their ids).
func (h *mailPages) adminRemind(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	ids := r.PostForm["service"]
	if len(ids) == 0 || len(ids) > maxRemindIDs {
		return &httpError{status: http.StatusBadRequest, heading: "No listings were chosen",
			message: "Go back to the list of listings nobody has confirmed and press the button under it."}
	}
	rep, err := h.store.SendReminders(r.Context(), ids)
	if err != nil {
		return fmt.Errorf("send reminders: %w", err)
	}
	// The counts travel as numbers, read back as numbers: no text from the
	// address reaches the page.
	q := url.Values{"listings": {fmt.Sprint(rep.Listings)}, "recent": {fmt.Sprint(rep.Recent)}, "unreachable": {fmt.Sprint(rep.Unreachable)}}
	return redirect(w, r, withFlash("/admin/outbox?"+q.Encode(), "reminded"))
}

// outboxPage is /admin/outbox.
type outboxPage struct {
	adminBase
	Relay bool
	// Counts says what the last "send reminders" did.
	Counts  string
	Pending []outboxRow
	Sent    []outboxRow
}

type outboxRow struct {
	To, About, Queued, Status string
	Attempts                  int
	Problem                   string
}

// outboxShown caps the sent messages listed.
const outboxShown = 200

var messageAbout = map[directory.MessageKind]string{
	directory.MessageDraftApproved: "Changes published",
	directory.MessageDraftRejected: "Changes turned down",
	directory.MessageCorrection:    "A correction from the public",
	directory.MessagePasswordReset: "Password reset link",
	directory.MessageReminder:      "Reminder to confirm a listing",
}

func (h *mailPages) adminOutbox(w http.ResponseWriter, r *http.Request) error {
	p := &outboxPage{adminBase: newAdminBase("Outbox", "/admin/outbox"), Relay: h.relay}
	if q := r.URL.Query(); q.Get("done") == "reminded" {
		n := atoiOr(q.Get("listings"))
		p.Counts = fmt.Sprintf("%d %s reminded.", n, pluralWord(n, "listing", "listings"))
		if n := atoiOr(q.Get("recent")); n > 0 {
			p.Counts += fmt.Sprintf(" %d had a reminder in the last day and were skipped.", n)
		}
		if n := atoiOr(q.Get("unreachable")); n > 0 {
			p.Counts += fmt.Sprintf(" %d have no provider account and no e-mail address, so nobody could be asked.", n)
		}
	}
	pending, err := h.store.PendingMessages(r.Context())
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	done, err := h.store.DoneMessages(r.Context(), outboxShown)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	row := func(m directory.Message) outboxRow {
		about := messageAbout[m.Kind]
		if m.ServiceName != "" {
			about += ": " + m.ServiceName
		}
		out := outboxRow{To: m.To, About: about, Queued: dateTimeText(m.Queued.In(time.Local)), Attempts: m.Attempts, Problem: m.LastError}
		switch {
		case m.Dropped != "":
			out.Status = "Not sent: " + m.Dropped
		case !m.Done.IsZero():
			out.Status = "Sent " + dateTimeText(m.Done.In(time.Local))
		case !h.relay:
			out.Status = "Waiting: no mail relay is set up"
		case m.Attempts > 0:
			out.Status = "Waiting to try again at " + m.NextAttempt.In(time.Local).Format("15:04")
		default:
			out.Status = "Waiting to be sent"
		}
		return out
	}
	// Newest first, like the sent list.
	for i := len(pending) - 1; i >= 0; i-- {
		p.Pending = append(p.Pending, row(pending[i]))
	}
	for _, m := range done {
		p.Sent = append(p.Sent, row(m))
	}
	h.render(w, r, http.StatusOK, "admin-outbox", p)
	return nil
}

func atoiOr(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}
