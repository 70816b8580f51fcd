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
// accounts. Only failures count, but every attempt is reserved as one
// before its password is checked, so simultaneous attempts cannot all pass.
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
	// failures holds each sign-in attempt, per account and per address,
	// from before its password is hashed until it succeeds.
	failures *eventWindow
	// hashes bounds the password hashes running at once.
	hashes *hashPool
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
		return csrfFailure(csrf.FailureReason(r))
	})
	opts := func(secure bool) []csrf.Option {
		return []csrf.Option{
			csrf.Secure(secure), csrf.HttpOnly(true), csrf.SameSite(csrf.SameSiteLaxMode),
			csrf.Path("/"), csrf.FieldName(csrfField), csrf.RequestHeader(csrfHeader), csrf.CookieName("signpost_csrf"),
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
		hashes:     newCoreHashPool(),
		perAccount: loginFailuresPerAccount, perAddress: loginFailuresPerAddress,
	}, nil
}

// csrfField names the form field (or, for an upload, the query parameter)
// that carries the CSRF token; csrfHeader the header that may carry it
// instead.
const (
	csrfField  = "csrf_token"
	csrfHeader = "X-CSRF-Token"
)

// csrfFailure is the page for a post whose CSRF token is missing or wrong.
func csrfFailure(reason error) *httpError {
	return &httpError{status: http.StatusForbidden, heading: "This form has expired",
		message: "For your security, forms stop working after a while or when opened from another site. Go back, reload the page and try again.",
		err:     reason}
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
		safe := isSafeMethod(r.Method)
		if safe && (strings.HasPrefix(r.URL.Path, "/static/") || strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz") {
			next.ServeHTTP(w, r)
			return
		}
		if !safe && isMultipart(r) {
			// gorilla/csrf looks for its token in a header first and in the
			// body after, reading the whole upload to find it. An upload's
			// form carries the token in its address instead, and it is
			// moved to the header here, so the check reads no body and the
			// route's guard decides who may send one before anything does.
			tok := r.URL.Query().Get(csrfField)
			if tok == "" && r.Header.Get(csrfHeader) == "" {
				h.renderError(w, r, csrfFailure(csrf.ErrNoToken))
				return
			}
			if tok != "" {
				r.Header.Set(csrfHeader, tok)
			}
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
	// CSRFToken is the token alone, for an upload form's address (see
	// sessions).
	CSRFToken string
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
	return sessionView{CSRFField: csrf.TemplateField(r), CSRFToken: csrf.Token(r), Account: currentAccount(r)}
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

// login checks the e-mail address and password. Each attempt is recorded
// against the account and the address before the password is hashed, and
// counts as a failure unless it succeeds; past the limit the form refuses
// to check at all until the window passes, with a 429. Hashes run in a
// bounded pool, and when it is full the attempt is refused with a 503.
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
	if email == "" || password == "" {
		if email == "" {
			p.Problems = append(p.Problems, problem{Field: "email", Message: "Enter your e-mail address"})
		}
		if password == "" {
			p.Problems = append(p.Problems, problem{Field: "password", Message: "Enter your password"})
		}
		h.render(w, r, http.StatusBadRequest, "login", p)
		return nil
	}
	accountKey, addressKey := "account:"+email, "address:"+clientKey(r)
	at, ok := h.failures.Reserve(map[string]int{accountKey: h.perAccount, addressKey: h.perAddress})
	if !ok {
		p.Problems = problemList{{Field: "email", Message: "Too many failed attempts. Wait 15 minutes and try again, or ask an admin to reset your password."}}
		h.render(w, r, http.StatusTooManyRequests, "login", p)
		return nil
	}
	release := func() {
		h.failures.Release(accountKey, at)
		h.failures.Release(addressKey, at)
	}
	var acct *directory.Account
	var err error
	if perr := h.hashes.Do(r.Context(), func() { acct, err = h.store.Authenticate(r.Context(), email, password) }); perr != nil {
		// Nothing was checked, so the attempt does not count.
		release()
		if !errors.Is(perr, errHashesBusy) {
			return fmt.Errorf("sign in: %w", perr)
		}
		w.Header().Set("Retry-After", "5")
		p.Problems = problemList{{Field: "email", Message: "Lots of people are signing in at the moment. Wait a few seconds and try again."}}
		h.render(w, r, http.StatusServiceUnavailable, "login", p)
		return nil
	}
	if errors.Is(err, directory.ErrBadCredentials) {
		// The address is logged, never the password.
		h.log.InfoContext(r.Context(), "sign-in failed", "email", email)
		p.Problems = problemList{{Field: "email", Message: "The e-mail address or password is not right"}}
		h.render(w, r, http.StatusUnauthorized, "login", p)
		return nil
	}
	release()
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
