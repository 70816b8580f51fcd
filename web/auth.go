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
	"github.com/gorilla/mux"

	"signpost/directory"
	"signpost/directory/hsds"
	"signpost/web/mail"
)

// Editorial is what sign-in, the provider area and the admin area need of
// the store. *directory.Store satisfies it. The public pages never use it,
// which keeps drafts and accounts out of their reach by construction.
type Editorial interface {
	// Accounts and sessions.
	Authenticate(ctx context.Context, email, password string) (*directory.Account, error)
	CreateSession(ctx context.Context, email string) (string, error)
	SessionAccount(ctx context.Context, token string) (*directory.Account, error)
	DeleteSession(ctx context.Context, token string) error
	AddAccount(ctx context.Context, a directory.Account, password string) (directory.Account, error)
	Accounts(ctx context.Context) ([]directory.Account, error)
	SetAccountDisabled(ctx context.Context, email string, disabled bool) error

	// Listings, drafts and their history.
	Service(ctx context.Context, id string) (*directory.Service, error)
	ServicesOf(ctx context.Context, orgID string) ([]directory.Service, error)
	Organization(ctx context.Context, id string) (*directory.Organization, error)
	EachOrganization(ctx context.Context, fn func(*directory.Organization) error) error
	EachService(ctx context.Context, fn func(*directory.Service) error) error
	ServiceCountsByOrg(ctx context.Context) (map[string]int, error)
	PutService(ctx context.Context, svc *directory.Service, save directory.Save) (bool, error)
	Draft(ctx context.Context, serviceID string) (*directory.Draft, error)
	Drafts(ctx context.Context, status directory.DraftStatus) ([]directory.Draft, error)
	DraftsOf(ctx context.Context, orgID string) ([]directory.Draft, error)
	SubmitDraft(ctx context.Context, svc *directory.Service, actor string) (directory.Draft, error)
	ApproveDraft(ctx context.Context, serviceID, actor, note string) error
	RejectDraft(ctx context.Context, serviceID, actor, reason string) error
	DeleteDraft(ctx context.Context, serviceID string) error
	SetCapacity(ctx context.Context, serviceID string, c directory.Capacity, actor string) (bool, error)
	ConfirmService(ctx context.Context, serviceID, actor string) (bool, error)
	Revisions(ctx context.Context, serviceID string) ([]directory.Revision, error)
	RestoreRevision(ctx context.Context, serviceID string, seq uint64, actor string) error
	StaleServices(ctx context.Context, cutoff time.Time, limit int) ([]directory.StaleListing, int, error)
	Corrections(ctx context.Context, serviceID string) ([]directory.Correction, error)
	SetCorrectionStatus(ctx context.Context, serviceID, id, status, actor string) (directory.Correction, error)

	// Import and export.
	hsds.Store
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

// authState is the Server's sign-in machinery.
type authState struct {
	store Editorial
	// https says the site is served over HTTPS even when requests reach
	// this process in plain HTTP (behind a TLS-terminating proxy).
	https     bool
	csrfTLS   func(http.Handler) http.Handler
	csrfPlain func(http.Handler) http.Handler
	failures  *eventWindow
	// perAccount and perAddress are the failure limits; tests lower them.
	perAccount, perAddress int
}

// initAuth sets up sessions and CSRF protection. CSRF protection is on for
// every state-changing request, signed in or not; the account areas are
// served only when cfg.Editorial is set.
func (s *Server) initAuth(cfg Config) error {
	key := cfg.CSRFKey
	if key == nil {
		// A key made at start-up: forms left open across a restart fail
		// once, with a page that says to reload them.
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return fmt.Errorf("web: CSRF key: %w", err)
		}
	}
	if len(key) != 32 {
		return fmt.Errorf("web: Config.CSRFKey must be 32 bytes, not %d", len(key))
	}
	failed := s.handle(func(w http.ResponseWriter, r *http.Request) error {
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
	s.auth = &authState{
		store:      cfg.Editorial,
		https:      cfg.HTTPS,
		csrfTLS:    csrf.Protect(key, opts(true)...),
		csrfPlain:  csrf.Protect(key, opts(false)...),
		failures:   newEventWindow(loginFailureWindow, s.now),
		perAccount: loginFailuresPerAccount, perAddress: loginFailuresPerAddress,
	}
	return nil
}

// secure reports whether the request reached the site over HTTPS.
func (a *authState) secure(r *http.Request) bool { return a.https || r.TLS != nil }

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
func (s *Server) sessions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.auth.store != nil {
			if c, err := r.Cookie(s.auth.cookieName(r)); err == nil && c.Value != "" {
				a, err := s.auth.store.SessionAccount(r.Context(), c.Value)
				switch {
				case err == nil:
					r = r.WithContext(context.WithValue(r.Context(), accountKey{}, a))
				case errors.Is(err, directory.ErrNoSession):
					http.SetCookie(w, s.auth.sessionCookie(r, "", -1))
				default:
					s.renderError(w, r, fmt.Errorf("read session: %w", err))
					return
				}
			}
		}
		safe := r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions
		if !safe {
			// The CSRF check reads the form before any handler can bound
			// it, so the bound is set here.
			r.Body = http.MaxBytesReader(w, r.Body, maxBodyFor(r.URL.Path))
		}
		if safe && (strings.HasPrefix(r.URL.Path, "/static/") || strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz") {
			next.ServeHTTP(w, r)
			return
		}
		if s.auth.secure(r) {
			s.auth.csrfTLS(next).ServeHTTP(w, r)
			return
		}
		// gorilla/csrf assumes HTTPS and demands a same-origin Referer
		// unless told the request is plain HTTP.
		s.auth.csrfPlain(next).ServeHTTP(w, csrf.PlaintextHTTPRequest(r))
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
	case path == "/account/password" || path == mail.ResetPath:
		return maxPasswordBody
	case strings.HasPrefix(path, "/activities/") && strings.HasSuffix(path, "/corrections"):
		return maxCorrectionBody
	case strings.HasPrefix(path, "/provider/listings/"):
		return maxListingBody
	}
	return maxPostBody
}

func (a *authState) cookieName(r *http.Request) string {
	if a.secure(r) {
		return sessionCookieSecure
	}
	return sessionCookie
}

// sessionCookie is the cookie carrying token; maxAge -1 deletes it.
func (a *authState) sessionCookie(r *http.Request, token string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: a.cookieName(r), Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: a.secure(r), SameSite: http.SameSiteLaxMode,
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

// authRoutes registers sign-in, the provider area and the admin area.
func (s *Server) authRoutes(r *mux.Router) {
	if s.auth == nil || s.auth.store == nil {
		return
	}
	get := []string{http.MethodGet, http.MethodHead}
	r.Handle("/login", s.handle(s.loginForm)).Methods(get...)
	r.Handle("/login", s.handle(s.login)).Methods(http.MethodPost)
	r.Handle("/logout", s.handle(s.logout)).Methods(http.MethodPost)
	s.providerRoutes(r)
	s.adminRoutes(r)
	s.mailRoutes(r)
}

// loginPage is /login.
type loginPage struct {
	BasePage
	Email    string
	Next     string
	Problems problemList
	// SignedOut confirms a sign-out.
	SignedOut bool
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	p := &loginPage{BasePage: BasePage{Title: "Sign in"}, Next: safeNext(r.URL.Query().Get("next")),
		SignedOut: r.URL.Query().Get("signed-out") == "1"}
	s.render(w, r, http.StatusOK, "login", p)
	return nil
}

// login checks the e-mail address and password. Failures are counted per
// account and per address; past the limit the form refuses to check at all
// until the window passes, with a 429.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return &httpError{status: http.StatusBadRequest, heading: "The form could not be read", message: "Go back and try again.", err: err}
	}
	email := directory.NormalizeEmail(clean(r.PostForm.Get("email"), 254))
	password := r.PostForm.Get("password")
	p := &loginPage{BasePage: BasePage{Title: "Error: Sign in"}, Email: email, Next: safeNext(r.PostForm.Get("next"))}
	accountKey, addressKey := "account:"+email, "address:"+clientKey(r)
	if s.auth.failures.Count(accountKey) >= s.auth.perAccount || s.auth.failures.Count(addressKey) >= s.auth.perAddress {
		p.Problems = problemList{{Field: "email", Message: "Too many failed attempts. Wait 15 minutes and try again, or ask an admin to reset your password."}}
		s.render(w, r, http.StatusTooManyRequests, "login", p)
		return nil
	}
	if email == "" || password == "" {
		p.Problems = problemList{{Field: "email", Message: "Enter your e-mail address and your password"}}
		s.render(w, r, http.StatusBadRequest, "login", p)
		return nil
	}
	acct, err := s.auth.store.Authenticate(r.Context(), email, password)
	if errors.Is(err, directory.ErrBadCredentials) {
		s.auth.failures.Add(accountKey)
		s.auth.failures.Add(addressKey)
		// The address is logged, never the password.
		s.log.InfoContext(r.Context(), "sign-in failed", "request_id", RequestID(r.Context()), "email", email)
		p.Problems = problemList{{Field: "email", Message: "The e-mail address or password is not right"}}
		s.render(w, r, http.StatusUnauthorized, "login", p)
		return nil
	}
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	s.auth.failures.Reset(accountKey)
	// A fresh token at every sign-in, so a token planted before sign-in
	// (session fixation) never becomes a signed-in one.
	token, err := s.auth.store.CreateSession(r.Context(), acct.Email)
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	http.SetCookie(w, s.auth.sessionCookie(r, token, int(directory.SessionAbsolute/time.Second)))
	s.log.InfoContext(r.Context(), "signed in", "request_id", RequestID(r.Context()), "email", acct.Email, "role", string(acct.Role))
	next := p.Next
	if next == "" {
		next = homeOf(acct)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
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

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(s.auth.cookieName(r)); err == nil && c.Value != "" {
		if err := s.auth.store.DeleteSession(r.Context(), c.Value); err != nil {
			return fmt.Errorf("sign out: %w", err)
		}
	}
	http.SetCookie(w, s.auth.sessionCookie(r, "", -1))
	http.Redirect(w, r, "/login?signed-out=1", http.StatusSeeOther)
	return nil
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
		return &httpError{status: http.StatusBadRequest, heading: "The form could not be read",
			message: "Go back and try again. If you pasted a lot of text, shorten it.", err: err}
	}
	return nil
}
