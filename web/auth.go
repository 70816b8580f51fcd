package web

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/csrf"

	"signpost/directory"
)

// AccountStore is what sign-in and sessions need of the store.
// *directory.Store satisfies it.
type AccountStore interface {
	sessionStore
	Authenticate(ctx context.Context, email, password string) (*directory.Account, error)
	CreateSession(ctx context.Context, email string) (string, error)
	DeleteSession(ctx context.Context, token string) error
}

// sessionStore is what the sessions middleware needs: the account a
// session token belongs to.
type sessionStore interface {
	SessionAccount(ctx context.Context, token string) (*directory.Account, error)
}

// sessionCookie names the cookie that carries a session token. The
// __Host- prefix, used under TLS, makes browsers refuse the cookie unless
// it is Secure, host-only and for the whole site.
const (
	sessionCookie       = "signpost_session"
	sessionCookieSecure = "__Host-signpost_session"
)

// Login throttling: a person who mistypes a password a few times is not
// slowed; a guesser is. Per account, so one account cannot be brute-forced
// from many addresses; per address, so one address cannot spray many
// accounts. Only failures count.
const (
	loginFailuresPerAccount = 5
	loginFailuresPerAddress = 20
	loginFailureWindow      = 15 * time.Minute
)

// maxLoginBody bounds a sign-in post: an address and a password.
const maxLoginBody = 8 << 10

// accountHandlers serve sign-in and sign-out, and sign every request in
// from its session cookie (sessions).
type accountHandlers struct {
	*renderer
	store AccountStore
	site  origin
	// csrfTLS and csrfPlain are the CSRF protection for requests over
	// HTTPS and plain HTTP.
	csrfTLS   func(http.Handler) http.Handler
	csrfPlain func(http.Handler) http.Handler
	failures  *eventWindow
	// perAccount and perAddress are the failure limits; tests lower them.
	perAccount, perAddress int
}

// newAccountHandlers sets up sessions and CSRF protection, which is on for
// every state-changing request, signed in or not.
func newAccountHandlers(pages *renderer, store AccountStore, site origin, csrfKey []byte, now func() time.Time) (*accountHandlers, error) {
	key := csrfKey
	if key == nil {
		// A key made at start-up: forms left open across a restart fail
		// once, with a page that says to reload them.
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("web: CSRF key: %w", err)
		}
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("web: Config.CSRFKey must be 32 bytes, not %d", len(key))
	}
	failed := pages.handle(func(w http.ResponseWriter, r *http.Request) error {
		if bodyTooLarge(r) {
			return errTooLarge(maxBodyFor(r.URL.Path))
		}
		return &httpError{status: http.StatusForbidden, heading: "This form has expired",
			message: "For your security, forms stop working after a while or when opened from another site. Go back, reload the page and try again.",
			err:     csrf.FailureReason(r)}
	})
	opts := func(secure bool) []csrf.Option {
		return []csrf.Option{
			csrf.Secure(secure), csrf.HttpOnly(true), csrf.SameSite(csrf.SameSiteLaxMode),
			csrf.Path("/"), csrf.FieldName("csrf_token"), csrf.CookieName("signpost_csrf"),
			csrf.ErrorHandler(failed),
		}
	}
	return &accountHandlers{
		renderer:   pages,
		store:      store,
		site:       site,
		csrfTLS:    csrf.Protect(key, opts(true)...),
		csrfPlain:  csrf.Protect(key, opts(false)...),
		failures:   newEventWindow(loginFailureWindow, now),
		perAccount: loginFailuresPerAccount, perAddress: loginFailuresPerAddress,
	}, nil
}

type accountKey struct{}

// currentAccount is the signed-in account of the request, or nil.
func currentAccount(r *http.Request) *directory.Account {
	a, _ := r.Context().Value(accountKey{}).(*directory.Account)
	return a
}

// sessions signs the request in from its session cookie and then applies
// CSRF protection. A missing, unknown or expired session simply leaves the
// request anonymous; the guard on each area decides what that means.
//
// Static files, the API and the health check set no CSRF cookie on GET:
// they have no forms, and a public, open-data API should not hand out
// cookies.
func (h *accountHandlers) sessions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(h.cookieName(r)); err == nil && c.Value != "" {
			a, err := h.store.SessionAccount(r.Context(), c.Value)
			switch {
			case err == nil:
				r = r.WithContext(context.WithValue(r.Context(), accountKey{}, a))
			case errors.Is(err, directory.ErrNoSession):
				http.SetCookie(w, h.sessionCookie(r, "", -1))
			default:
				h.renderError(w, r, fmt.Errorf("read session: %w", err))
				return
			}
		}
		safe := r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions
		if !safe {
			// The CSRF check reads the form before any handler can bound
			// it, so the bound is set here.
			limit := maxBodyFor(r.URL.Path)
			var ok bool
			if r, ok = limitBody(w, r, limit); !ok {
				h.renderError(w, r, errTooLarge(limit))
				return
			}
		}
		if safe && (strings.HasPrefix(r.URL.Path, "/static/") || strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz") {
			next.ServeHTTP(w, r)
			return
		}
		if h.site.secure(r) {
			h.csrfTLS(next).ServeHTTP(w, r)
			return
		}
		// gorilla/csrf assumes HTTPS and demands a same-origin Referer
		// unless told the request is plain HTTP.
		h.csrfPlain(next).ServeHTTP(w, csrf.PlaintextHTTPRequest(r))
	})
}

// maxPostBody bounds any other form post.
const maxPostBody = 256 << 10

// maxBodyFor is the one place a post's size is bounded. It has to be here,
// before the CSRF check: gorilla/csrf reads the whole form to find its
// token, so a limit set later in a handler would find the body already read.
func maxBodyFor(path string) int64 {
	switch {
	case path == "/admin/import":
		return maxImportUpload
	case path == "/login":
		return maxLoginBody
	case strings.HasPrefix(path, "/activities/") && strings.HasSuffix(path, "/corrections"):
		return maxCorrectionBody
	case strings.HasPrefix(path, "/provider/listings/"):
		return maxListingBody
	}
	return maxPostBody
}

func (h *accountHandlers) cookieName(r *http.Request) string {
	if h.site.secure(r) {
		return sessionCookieSecure
	}
	return sessionCookie
}

// sessionCookie is the cookie carrying token; maxAge -1 deletes it.
func (h *accountHandlers) sessionCookie(r *http.Request, token string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: h.cookieName(r), Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.site.secure(r), SameSite: http.SameSiteLaxMode,
	}
}

// sessionView is what every page shows of the signed-in person, and the
// CSRF field every form carries. BasePage holds one.
type sessionView struct {
	CSRFField template.HTML
	Account   *directory.Account
}

// IsAdmin, IsProvider and KeepsShortlists choose the links in the header.
func (v sessionView) IsAdmin() bool { return v.Account != nil && can(v.Account, permModerate, "") }
func (v sessionView) IsProvider() bool {
	return v.Account != nil && can(v.Account, permProviderArea, "")
}
func (v sessionView) KeepsShortlists() bool {
	return v.Account != nil && can(v.Account, permShortlists, "")
}

func sessionViewOf(r *http.Request) sessionView {
	return sessionView{CSRFField: csrf.TemplateField(r), Account: currentAccount(r)}
}

// loginPage is /login.
type loginPage struct {
	BasePage
	Email    string
	Next     string
	Problems problemList
}

func (h *accountHandlers) loginForm(w http.ResponseWriter, r *http.Request) error {
	p := &loginPage{BasePage: BasePage{Title: "Sign in"}, Next: safeNext(r.URL.Query().Get("next"))}
	h.render(w, r, http.StatusOK, "login", p)
	return nil
}

// login checks the e-mail address and password. Failures are counted per
// account and per address; past the limit the form refuses to check at all
// until the window passes, with a 429.
func (h *accountHandlers) login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		if bodyTooLarge(r) {
			return errTooLarge(maxBodyFor(r.URL.Path))
		}
		return &httpError{status: http.StatusBadRequest, heading: "The form could not be read", message: "Go back and try again.", err: err}
	}
	email := directory.NormalizeEmail(clean(r.PostForm.Get("email"), 254))
	password := r.PostForm.Get("password")
	p := &loginPage{BasePage: BasePage{Title: "Error: Sign in"}, Email: email, Next: safeNext(r.PostForm.Get("next"))}
	accountKey, addressKey := "account:"+email, "address:"+clientKey(r)
	if h.failures.Count(accountKey) >= h.perAccount || h.failures.Count(addressKey) >= h.perAddress {
		p.Problems = problemList{{Field: "email", Message: "Too many failed attempts. Wait 15 minutes and try again, or ask an admin to reset your password."}}
		h.render(w, r, http.StatusTooManyRequests, "login", p)
		return nil
	}
	if email == "" || password == "" {
		p.Problems = problemList{{Field: "email", Message: "Enter your e-mail address and your password"}}
		h.render(w, r, http.StatusBadRequest, "login", p)
		return nil
	}
	acct, err := h.store.Authenticate(r.Context(), email, password)
	if errors.Is(err, directory.ErrBadCredentials) {
		h.failures.Add(accountKey)
		h.failures.Add(addressKey)
		// The address is logged, never the password.
		h.log.InfoContext(r.Context(), "sign-in failed", "email", email)
		p.Problems = problemList{{Field: "email", Message: "The e-mail address or password is not right"}}
		h.render(w, r, http.StatusUnauthorized, "login", p)
		return nil
	}
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	h.failures.Reset(accountKey)
	// A fresh token at every sign-in, so a token planted before sign-in
	// (session fixation) never becomes a signed-in one.
	token, err := h.store.CreateSession(r.Context(), acct.Email)
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	http.SetCookie(w, h.sessionCookie(r, token, int(directory.SessionAbsolute/time.Second)))
	h.log.InfoContext(r.Context(), "signed in", "email", acct.Email, "role", string(acct.Role))
	next := p.Next
	if next == "" {
		next = homeOf(acct)
	}
	return redirect(w, r, next)
}

// homeOf is where an account lands after signing in.
func homeOf(a *directory.Account) string {
	switch {
	case can(a, permModerate, ""):
		return "/admin"
	case can(a, permProviderArea, ""):
		return "/provider"
	}
	return "/"
}

func (h *accountHandlers) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(h.cookieName(r)); err == nil && c.Value != "" {
		if err := h.store.DeleteSession(r.Context(), c.Value); err != nil {
			return fmt.Errorf("sign out: %w", err)
		}
	}
	http.SetCookie(w, h.sessionCookie(r, "", -1))
	return redirect(w, r, withFlash("/login", "signed-out"))
}

// safeNext keeps a post-sign-in destination only when it is a path on this
// site, so /login?next= cannot send a person elsewhere (an open redirect).
func safeNext(next string) string {
	if next == "" || len(next) > 500 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return ""
	}
	return next
}

// readForm parses a posted form; its size was bounded by maxBodyFor.
func readForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		if bodyTooLarge(r) {
			return errTooLarge(maxBodyFor(r.URL.Path))
		}
		return &httpError{status: http.StatusBadRequest, heading: "The form could not be read",
			message: "Go back and try again. If you pasted a lot of text, shorten it.", err: err}
	}
	return nil
}
