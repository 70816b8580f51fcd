package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/csrf"

	"signpost/directory"
	"signpost/web/origin"
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

// maxLoginBody bounds a sign-in post: an address and a password.
const maxLoginBody = 8 << 10

// accountHandlers serve sign-in and sign-out, and sign every request in
// from its session cookie (sessions).
type accountHandlers struct {
	*renderer
	store AccountStore
	site  *origin.Origin
	// csrfKey signs the CSRF cookies of anonymous requests, and is the
	// key from which each session's is derived (csrfFor); csrfOptions are
	// gorilla/csrf's options over HTTPS or plain HTTP.
	csrfKey     []byte
	csrfOptions func(secure bool) []csrf.Option
	// limits throttle sign-in (throttle_signin.go); devices are the
	// cookies that exempt a known browser from an account's delay.
	limits  *signInLimits
	devices *deviceCookies
	// hashes bounds the password hashes running at once.
	hashes *hashPool
}

// newAccountHandlers sets up sessions and CSRF protection, which is on for
// every state-changing request, signed in or not.
func newAccountHandlers(pages *renderer, store AccountStore, site *origin.Origin, csrfKey, deviceKey []byte, now func() time.Time) (*accountHandlers, error) {
	devices, err := newDeviceCookies(deviceKey, site)
	if err != nil {
		return nil, err
	}
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
		// Under TLS the __Host- prefix makes browsers refuse the cookie
		// unless it is Secure, host-only and for the whole site, so a
		// sibling domain or a plain-HTTP page cannot plant one.
		name := "signpost_csrf"
		if secure {
			name = "__Host-signpost_csrf"
		}
		o := []csrf.Option{
			csrf.Secure(secure), csrf.HttpOnly(true), csrf.SameSite(csrf.SameSiteLaxMode),
			csrf.Path("/"), csrf.FieldName(csrfField), csrf.RequestHeader(csrfHeader), csrf.CookieName(name),
			csrf.ErrorHandler(failed),
		}
		if host := site.BaseHost(); host != "" {
			// Behind a proxy that rewrites Host, posts still come from
			// the base URL's pages.
			o = append(o, csrf.TrustedOrigins([]string{host}))
		}
		return o
	}
	return &accountHandlers{
		renderer:    pages,
		store:       store,
		site:        site,
		csrfKey:     key,
		csrfOptions: opts,
		limits:      newSignInLimits(now),
		devices:     devices,
		hashes:      newCoreHashPool(),
	}, nil
}

// csrfFor is the CSRF protection of a request with the given session token
// ("" for none). The CSRF cookie is signed with a key derived from the
// session, so the token changes at sign-in and at sign-out: a cookie and
// token planted in a browser before its owner signs in (or kept from
// before they signed out) fail the check afterwards, and gorilla/csrf
// issues a new pair with the next page.
func (h *accountHandlers) csrfFor(secure bool, session string) func(http.Handler) http.Handler {
	key := h.csrfKey
	if session != "" {
		mac := hmac.New(sha256.New, h.csrfKey)
		mac.Write([]byte("csrf for session\x00" + session))
		key = mac.Sum(nil)
	}
	return csrf.Protect(key, h.csrfOptions(secure)...)
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
// CSRF protection, with a token bound to the session (csrfFor). A missing,
// unknown or expired session simply leaves the request anonymous; the
// guard on each area decides what that means.
//
// Two areas of the site (areas, in authz.go) are not checked: the reads
// of those without forms, which set no CSRF cookie, and a share link for
// anyone not signed in, which sets none and checks its posts' Origin
// itself.
func (h *accountHandlers) sessions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var session string
		if c, err := r.Cookie(h.cookieName(r)); err == nil && c.Value != "" {
			a, err := h.store.SessionAccount(r.Context(), c.Value)
			switch {
			case err == nil:
				session = c.Value
				r = r.WithContext(context.WithValue(r.Context(), accountKey{}, a))
			case errors.Is(err, directory.ErrNoSession):
				http.SetCookie(w, h.sessionCookie(r, "", -1))
			default:
				h.renderError(w, r, fmt.Errorf("read session: %w", err))
				return
			}
		}
		safe := isSafeMethod(r.Method)
		area := areaOf(r.URL.Path)
		if (safe && area == areaNoForms) || (session == "" && area == areaOriginChecked) {
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
		if h.site.Secure(r) {
			h.csrfFor(true, session)(next).ServeHTTP(w, r)
			return
		}
		// gorilla/csrf assumes HTTPS and demands a same-origin Referer
		// unless told the request is plain HTTP.
		h.csrfFor(false, session)(next).ServeHTTP(w, csrf.PlaintextHTTPRequest(r))
	})
}

func (h *accountHandlers) cookieName(r *http.Request) string {
	if h.site.Secure(r) {
		return sessionCookieSecure
	}
	return sessionCookie
}

// sessionCookie is the cookie carrying token; maxAge -1 deletes it.
func (h *accountHandlers) sessionCookie(r *http.Request, token string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: h.cookieName(r), Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.site.Secure(r), SameSite: http.SameSiteLaxMode,
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
func (v sessionView) ReadsInsights() bool {
	return v.Account != nil && can(v.Account, permInsights, "")
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
// before the password is hashed (throttle_signin.go): an account that has
// failed a few times in a row waits longer before each check, unless this
// browser signed in to it before, and an address that fails too often is
// held back; either is a 429 that says how long. Hashes run in a bounded
// pool, and when it is full the attempt is refused with a 503.
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
	attempt, refused := h.limits.begin(email, clientKey(r), h.devices.read(r, email))
	if refused != nil {
		w.Header().Set("Retry-After", strconv.Itoa(int(max(refused.wait.Round(time.Second), time.Second)/time.Second)))
		msg := "Too many failed sign-ins from your connection. Wait " + waitWords(refused.wait) + " and try again."
		if refused.account {
			msg = "Too many failed attempts for this account. Wait " + waitWords(refused.wait) + " and try again, sign in on a device you have used before, or ask an admin to reset your password."
		}
		p.Problems = problemList{{Field: "email", Message: msg}}
		h.render(w, r, http.StatusTooManyRequests, "login", p)
		return nil
	}
	var acct *directory.Account
	var err error
	if perr := h.hashes.Do(r.Context(), func() { acct, err = h.store.Authenticate(r.Context(), email, password) }); perr != nil {
		// Nothing was checked, so the attempt does not count.
		attempt.unchecked()
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
	if err != nil {
		attempt.unchecked()
		return fmt.Errorf("sign in: %w", err)
	}
	attempt.succeeded()
	if err := h.devices.issue(w, r, acct.Email); err != nil {
		return err
	}
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

// waitWords says a wait in whole seconds or minutes, rounded up.
func waitWords(d time.Duration) string {
	if d <= time.Minute {
		n := max(int((d+time.Second-1)/time.Second), 1)
		if n == 1 {
			return "a second"
		}
		return strconv.Itoa(n) + " seconds"
	}
	n := int((d + time.Minute - 1) / time.Minute)
	return strconv.Itoa(n) + " minutes"
}

// homeOf is where an account lands after signing in.
func homeOf(a *directory.Account) string {
	switch {
	case can(a, permModerate, ""):
		return "/admin"
	case can(a, permProviderArea, ""):
		return "/provider"
	case can(a, permInsights, ""):
		return "/insights"
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
