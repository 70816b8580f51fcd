package web

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gorilla/mux"

	"signpost/directory"
	"signpost/directory/hsds"
)

// adminRoutes registers /admin: moderation, organisations and accounts,
// the stale report, the corrections inbox, import and export.
func (s *Server) adminRoutes(r *mux.Router) {
	get := []string{http.MethodGet, http.MethodHead}
	post := http.MethodPost
	r.Handle("/admin", s.guard(permModerate, anything, s.adminHome)).Methods(get...)
	r.Handle("/admin/queue", s.guard(permModerate, anything, s.adminQueue)).Methods(get...)
	r.Handle("/admin/queue/{id}", s.guard(permModerate, s.listingOrg, s.adminReview)).Methods(get...)
	r.Handle("/admin/queue/{id}/approve", s.guard(permModerate, s.listingOrg, s.adminApprove)).Methods(post)
	r.Handle("/admin/queue/{id}/reject", s.guard(permModerate, s.listingOrg, s.adminReject)).Methods(post)
	r.Handle("/admin/organizations", s.guard(permModerate, anything, s.adminOrganizations)).Methods(get...)
	r.Handle("/admin/accounts", s.guard(permManageAccounts, anything, s.adminAccounts)).Methods(get...)
	r.Handle("/admin/accounts", s.guard(permManageAccounts, anything, s.adminAddAccount)).Methods(post)
	r.Handle("/admin/accounts/disable", s.guard(permManageAccounts, anything, s.adminSetDisabled(true))).Methods(post)
	r.Handle("/admin/accounts/enable", s.guard(permManageAccounts, anything, s.adminSetDisabled(false))).Methods(post)
	r.Handle("/admin/stale", s.guard(permModerate, anything, s.adminStale)).Methods(get...)
	r.Handle("/admin/corrections", s.guard(permModerate, anything, s.adminCorrections)).Methods(get...)
	r.Handle("/admin/corrections/{service}/{id}", s.guard(permModerate, anything, s.adminSetCorrectionStatus)).Methods(post)
	r.Handle("/admin/import", s.guard(permImportExport, anything, s.adminImportForm)).Methods(get...)
	r.Handle("/admin/import", s.guard(permImportExport, anything, s.adminImport)).Methods(post)
	r.Handle("/admin/export", s.guard(permImportExport, anything, s.adminExport)).Methods(get...)
}

// adminPage is every admin page: one struct, a section per page, so the
// admin area shares its header and navigation.
type adminPage struct {
	BasePage
	Section string
	Done    string

	// /admin
	Pending, Stale, OpenCorrections int

	// /admin/queue
	Queue []queueRow

	// /admin/queue/{id}
	Review *reviewView

	// /admin/organizations
	Organizations []orgRow

	// /admin/accounts
	Accounts    []directory.Account
	NewAccount  accountForm
	RoleOpts    []option
	OrgOpts     []option
	Problems    problemList
	CurrentUser string

	// /admin/stale
	StaleRows []staleRow
	// StaleMore counts stale listings past the ones shown.
	StaleMore int

	// /admin/corrections
	Corrections []correctionRow

	// /admin/import
	Report *hsds.ImportReport
	Failed string
}

type queueRow struct {
	ServiceID string
	Name      string
	Org       string
	By        string
	Submitted string
	New       bool
	Changes   int
	Href      string
}

type reviewView struct {
	ServiceID  string
	Name       string
	Org        string
	By         string
	Submitted  string
	New        bool
	Changes    []changeView
	Preview    template.HTML
	PublicHref string
	Action     string
}

type orgRow struct {
	ID        string
	Name      string
	Email     string
	Listings  int
	Providers []string
	Href      string
}

type staleRow struct {
	ServiceID string
	Name      string
	Href      string
	Org       string
	Checked   string
	Contact   []string
	Providers []string
}

type correctionRow struct {
	ID      string
	At      string
	Listing string
	Href    string
	Field   string
	Message string
	Status  string
	// Open offers "Mark as done" and "Dismiss"; a closed one "Reopen".
	Open bool
	// Action is where the status buttons post.
	Action string
}

type accountForm struct {
	Email string
	Role  string
	Org   string
}

func (s *Server) newAdminPage(r *http.Request, section, title string) *adminPage {
	return &adminPage{
		BasePage: BasePage{Title: title, Nav: "admin"}, Section: section,
		Done: adminDone[r.URL.Query().Get("done")],
	}
}

var adminDone = map[string]string{
	"approved":   "The changes are published and searchable now.",
	"rejected":   "The changes were turned down. The provider sees your reason on their listings page.",
	"added":      "The account is added. Give its owner the password by a safe route.",
	"disabled":   "The account is disabled and its sessions have ended.",
	"enabled":    "The account can sign in again.",
	"reset-sent": "A link to choose a new password is on its way to the account's owner. It works once, for an hour.",

	"correction-done":      "The correction is marked as done.",
	"correction-dismissed": "The correction is dismissed.",
	"correction-open":      "The correction is open again.",
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	p := s.newAdminPage(r, "home", "Admin")
	drafts, err := s.auth.store.Drafts(r.Context(), directory.DraftPending)
	if err != nil {
		return fmt.Errorf("moderation queue: %w", err)
	}
	_, staleCount, err := s.auth.store.StaleServices(r.Context(), s.now().Add(-directory.ChaseAfter), 1)
	if err != nil {
		return fmt.Errorf("stale report: %w", err)
	}
	corrections, err := s.auth.store.Corrections(r.Context(), "")
	if err != nil {
		return fmt.Errorf("corrections: %w", err)
	}
	p.Pending, p.Stale = len(drafts), staleCount
	for _, c := range corrections {
		if c.Status == directory.CorrectionOpen {
			p.OpenCorrections++
		}
	}
	s.render(w, r, http.StatusOK, "admin", p)
	return nil
}

func (s *Server) adminQueue(w http.ResponseWriter, r *http.Request) error {
	p := s.newAdminPage(r, "queue", "Changes waiting for review")
	drafts, err := s.auth.store.Drafts(r.Context(), directory.DraftPending)
	if err != nil {
		return fmt.Errorf("moderation queue: %w", err)
	}
	for _, d := range drafts {
		row := queueRow{
			ServiceID: d.ServiceID, Name: d.Service.Name, By: d.SubmittedBy, Submitted: dateTimeText(d.SubmittedAt),
			Href: "/admin/queue/" + url.PathEscape(d.ServiceID),
		}
		if d.Service.Organization != nil {
			row.Org = d.Service.Organization.Name
		}
		prev, err := s.auth.store.Service(r.Context(), d.ServiceID)
		switch {
		case errors.Is(err, directory.ErrNotFound):
			row.New = true
		case err != nil:
			return fmt.Errorf("listing %s: %w", d.ServiceID, err)
		}
		row.Changes = len(directory.Diff(prev, &d.Service))
		p.Queue = append(p.Queue, row)
	}
	s.render(w, r, http.StatusOK, "admin", p)
	return nil
}

// adminReview shows one draft against the published listing, field by
// field, with the description as it would appear.
func (s *Server) adminReview(w http.ResponseWriter, r *http.Request) error {
	id := mux.Vars(r)["id"]
	d, err := s.auth.store.Draft(r.Context(), id)
	if err != nil {
		return fmt.Errorf("draft of %s: %w", id, err)
	}
	if d.Status != directory.DraftPending {
		return &httpError{status: http.StatusNotFound, heading: "Nothing to review",
			message: "These changes have already been turned down. The provider can send them again."}
	}
	prev, err := s.auth.store.Service(r.Context(), id)
	if err != nil && !errors.Is(err, directory.ErrNotFound) {
		return fmt.Errorf("listing %s: %w", id, err)
	}
	preview, err := s.md.Render(d.Service.Description)
	if err != nil {
		return err
	}
	p := s.newAdminPage(r, "review", "Review changes to "+d.Service.Name)
	p.Review = &reviewView{
		ServiceID: id, Name: d.Service.Name, By: d.SubmittedBy, Submitted: dateTimeText(d.SubmittedAt),
		New: prev == nil, Changes: changeViews(directory.Diff(prev, &d.Service)), Preview: preview,
		PublicHref: "/activities/" + url.PathEscape(id), Action: "/admin/queue/" + url.PathEscape(id),
	}
	if d.Service.Organization != nil {
		p.Review.Org = d.Service.Organization.Name
	}
	s.render(w, r, http.StatusOK, "admin", p)
	return nil
}

func (s *Server) adminApprove(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	id := mux.Vars(r)["id"]
	err := s.auth.store.ApproveDraft(r.Context(), id, currentAccount(r).Email, clean(r.PostForm.Get("note"), 500))
	if errors.Is(err, directory.ErrConflict) {
		return &httpError{status: http.StatusConflict, heading: "These changes are no longer waiting", message: "Someone has already dealt with them.", err: err}
	}
	if err != nil {
		return fmt.Errorf("approve %s: %w", id, err)
	}
	http.Redirect(w, r, "/admin/queue?done=approved", http.StatusSeeOther)
	return nil
}

func (s *Server) adminReject(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	id := mux.Vars(r)["id"]
	err := s.auth.store.RejectDraft(r.Context(), id, currentAccount(r).Email, r.PostForm.Get("reason"))
	if errors.Is(err, directory.ErrConflict) {
		return &httpError{status: http.StatusConflict, heading: "These changes are no longer waiting", message: "Someone has already dealt with them.", err: err}
	}
	if err != nil {
		return fmt.Errorf("reject %s: %w", id, err)
	}
	http.Redirect(w, r, "/admin/queue?done=rejected", http.StatusSeeOther)
	return nil
}

func (s *Server) adminOrganizations(w http.ResponseWriter, r *http.Request) error {
	p := s.newAdminPage(r, "organizations", "Organisations")
	accts, err := s.auth.store.Accounts(r.Context())
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	counts, err := s.auth.store.ServiceCountsByOrg(r.Context())
	if err != nil {
		return fmt.Errorf("count listings: %w", err)
	}
	// Each organisation's active members, from one pass over the accounts
	// rather than one per organisation.
	members := map[string][]string{}
	for _, a := range accts {
		if a.Disabled {
			continue
		}
		for _, org := range a.Orgs {
			// An org listed twice on one account names it once.
			if l := members[org]; len(l) == 0 || l[len(l)-1] != a.Email {
				members[org] = append(l, a.Email)
			}
		}
	}
	err = s.auth.store.EachOrganization(r.Context(), func(o *directory.Organization) error {
		p.Organizations = append(p.Organizations, orgRow{ID: o.ID, Name: o.Name, Email: o.Email, Listings: counts[o.ID],
			Providers: members[o.ID], Href: "/provider?org=" + url.QueryEscape(o.ID)})
		return nil
	})
	if err != nil {
		return fmt.Errorf("organisations: %w", err)
	}
	slices.SortFunc(p.Organizations, func(a, b orgRow) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	s.render(w, r, http.StatusOK, "admin", p)
	return nil
}

func (s *Server) accountsPage(r *http.Request, form accountForm) (*adminPage, error) {
	p := s.newAdminPage(r, "accounts", "Accounts")
	p.NewAccount = form
	p.CurrentUser = currentAccount(r).Email
	var err error
	if p.Accounts, err = s.auth.store.Accounts(r.Context()); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	for _, role := range directory.Roles {
		p.RoleOpts = append(p.RoleOpts, option{Value: string(role), Label: role.Label(), Selected: string(role) == form.Role})
	}
	err = s.auth.store.EachOrganization(r.Context(), func(o *directory.Organization) error {
		p.OrgOpts = append(p.OrgOpts, option{Value: o.ID, Label: o.Name, Selected: o.ID == form.Org})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("organisations: %w", err)
	}
	slices.SortFunc(p.OrgOpts, func(a, b option) int { return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)) })
	return p, nil
}

func (s *Server) adminAccounts(w http.ResponseWriter, r *http.Request) error {
	p, err := s.accountsPage(r, accountForm{Role: string(directory.RoleProvider)})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin", p)
	return nil
}

// adminAddAccount adds an account with the password the admin typed; the
// admin passes it on by a safe route and the owner changes it.
func (s *Server) adminAddAccount(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	form := accountForm{Email: clean(r.PostForm.Get("email"), 254), Role: clean(r.PostForm.Get("role"), 20), Org: clean(r.PostForm.Get("org"), 100)}
	acct := directory.Account{Email: form.Email, Role: directory.Role(form.Role)}
	if form.Org != "" && acct.Role == directory.RoleProvider {
		acct.Orgs = []string{form.Org}
	}
	_, err := s.auth.store.AddAccount(r.Context(), acct, r.PostForm.Get("password"))
	var ve *directory.ValidationError
	var problems problemList
	switch {
	case errors.As(err, &ve):
		for _, pr := range ve.Problems {
			field := map[string]string{"email": "account-email", "role": "account-role", "orgs": "account-org", "password": "account-password"}[strings.SplitN(pr.Path, "[", 2)[0]]
			if field == "" {
				field = "account-email"
			}
			problems = append(problems, problem{Field: field, Message: pr.String()})
		}
	case errors.Is(err, directory.ErrConflict):
		problems = problemList{{Field: "account-email", Message: "That e-mail address already has an account"}}
	case errors.Is(err, directory.ErrNotFound):
		problems = problemList{{Field: "account-org", Message: "Choose an organisation from the list"}}
	case err != nil:
		return fmt.Errorf("add account: %w", err)
	}
	if len(problems) > 0 {
		p, err := s.accountsPage(r, form)
		if err != nil {
			return err
		}
		p.Problems, p.Title = problems, "Error: "+p.Title
		s.render(w, r, http.StatusBadRequest, "admin", p)
		return nil
	}
	http.Redirect(w, r, "/admin/accounts?done=added", http.StatusSeeOther)
	return nil
}

func (s *Server) adminSetDisabled(disabled bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := readForm(r); err != nil {
			return err
		}
		email := directory.NormalizeEmail(clean(r.PostForm.Get("email"), 254))
		if disabled && email == currentAccount(r).Email {
			return &httpError{status: http.StatusBadRequest, heading: "You cannot disable your own account",
				message: "Ask another admin, so the directory is never left without one."}
		}
		if err := s.auth.store.SetAccountDisabled(r.Context(), email, disabled); err != nil {
			return fmt.Errorf("account %s: %w", email, err)
		}
		done := "enabled"
		if disabled {
			done = "disabled"
		}
		http.Redirect(w, r, "/admin/accounts?done="+done, http.StatusSeeOther)
		return nil
	}
}

// staleReportRows is how many stale listings one page shows, oldest first:
// enough for a morning's calls.
const staleReportRows = 200

func (s *Server) adminStale(w http.ResponseWriter, r *http.Request) error {
	p := s.newAdminPage(r, "stale", "Listings nobody has confirmed for six months")
	stale, total, err := s.auth.store.StaleServices(r.Context(), s.now().Add(-directory.ChaseAfter), staleReportRows)
	if err != nil {
		return fmt.Errorf("stale report: %w", err)
	}
	p.StaleMore = total - len(stale)
	for _, l := range stale {
		row := staleRow{ServiceID: l.ServiceID, Name: l.Name, Href: "/activities/" + url.PathEscape(l.ServiceID), Org: l.OrganizationName,
			Contact: l.Contact, Providers: l.Providers, Checked: "Never"}
		if !l.Assured.IsZero() {
			row.Checked = dateText(l.Assured)
		}
		p.StaleRows = append(p.StaleRows, row)
	}
	s.render(w, r, http.StatusOK, "admin", p)
	return nil
}

func (s *Server) adminCorrections(w http.ResponseWriter, r *http.Request) error {
	p := s.newAdminPage(r, "corrections", "Corrections from the public")
	cs, err := s.auth.store.Corrections(r.Context(), "")
	if err != nil {
		return fmt.Errorf("corrections: %w", err)
	}
	labels := map[string]string{}
	for _, f := range directory.CorrectionFields {
		labels[f.Code] = f.Label
	}
	// A listing's name, read once however many corrections it has; one
	// since removed is shown by its id.
	names := map[string]string{}
	name := func(id string) (string, error) {
		if n, ok := names[id]; ok {
			return n, nil
		}
		svc, err := s.auth.store.Service(r.Context(), id)
		switch {
		case errors.Is(err, directory.ErrNotFound):
			names[id] = id
		case err != nil:
			return "", fmt.Errorf("listing %s: %w", id, err)
		default:
			names[id] = svc.Name
		}
		return names[id], nil
	}
	// Newest first: the inbox is read from the top.
	for i := len(cs) - 1; i >= 0; i-- {
		c := cs[i]
		listing, err := name(c.ServiceID)
		if err != nil {
			return err
		}
		p.Corrections = append(p.Corrections, correctionRow{ID: c.ID, At: dateTimeText(c.At), Listing: listing,
			Href: "/activities/" + url.PathEscape(c.ServiceID), Field: labels[c.Field], Message: c.Message,
			Status: correctionStatusText(c), Open: c.Status == directory.CorrectionOpen,
			Action: "/admin/corrections/" + url.PathEscape(c.ServiceID) + "/" + url.PathEscape(c.ID)})
	}
	s.render(w, r, http.StatusOK, "admin", p)
	return nil
}

// correctionStatusText says where a correction stands, and who closed it.
func correctionStatusText(c directory.Correction) string {
	var text string
	switch c.Status {
	case directory.CorrectionOpen:
		return "Open"
	case directory.CorrectionDone:
		text = "Done"
	case directory.CorrectionDismissed:
		text = "Dismissed"
	default:
		return c.Status
	}
	if c.StatusBy != "" {
		text += " by " + c.StatusBy
	}
	if c.StatusAt != nil {
		text += " on " + dateText(*c.StatusAt)
	}
	return text
}

// adminSetCorrectionStatus marks a correction done or dismissed, or opens
// it again, and goes back to it in the inbox.
func (s *Server) adminSetCorrectionStatus(w http.ResponseWriter, r *http.Request) error {
	vars := mux.Vars(r)
	status := r.PostFormValue("status")
	c, err := s.auth.store.SetCorrectionStatus(r.Context(), vars["service"], vars["id"], status, currentAccount(r).Email)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/corrections?done=correction-"+url.QueryEscape(c.Status)+"#correction-"+url.PathEscape(c.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) adminImportForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "admin", s.newAdminPage(r, "import", "Import and export"))
	return nil
}

// maxImportUpload bounds an uploaded HSDS file. Larger directories are
// imported with `signpost import` on the server.
const maxImportUpload = 64 << 20

// adminImport imports an uploaded HSDS JSON or NDJSON file. The upload is
// kept in memory (or multipart's temporary file) and read twice, as
// hsds.Import validates everything before it writes anything.
func (s *Server) adminImport(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return &httpError{status: http.StatusBadRequest, heading: "The file could not be read",
			message: fmt.Sprintf("Choose an HSDS JSON or NDJSON file of at most %d MB.", maxImportUpload>>20), err: err}
	}
	defer r.MultipartForm.RemoveAll()
	file, header, err := r.FormFile("file")
	if err != nil {
		return &httpError{status: http.StatusBadRequest, heading: "Choose a file to import", message: "Go back and choose an HSDS JSON or NDJSON file.", err: err}
	}
	defer file.Close()
	p := s.newAdminPage(r, "import", "Import and export")
	rep, err := hsds.Import(r.Context(), s.auth.store, "upload "+header.Filename, func() (*hsds.Reader, error) {
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		return hsds.NewReader(file), nil
	}, hsds.ImportOptions{Actor: currentAccount(r).Email, DryRun: r.PostForm.Get("dry-run") != ""})
	p.Report = rep
	status := http.StatusOK
	if err != nil {
		p.Failed = err.Error()
		status = http.StatusBadRequest
		if !errors.Is(err, hsds.ErrRefused) {
			var se *hsds.SyntaxError
			if !errors.As(err, &se) {
				s.log.ErrorContext(r.Context(), "import failed", "request_id", RequestID(r.Context()), "err", err)
			}
		}
	}
	s.render(w, r, status, "admin", p)
	return nil
}

// adminExport downloads every published listing as HSDS JSON or NDJSON.
func (s *Server) adminExport(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "ndjson" {
		return &httpError{status: http.StatusBadRequest, heading: "Choose JSON or NDJSON", message: "The export comes as HSDS JSON or NDJSON."}
	}
	// Headers go first; a failure part-way can then only cut the download
	// short, which the log records.
	w.Header().Set("Content-Type", map[string]string{"json": "application/json", "ndjson": "application/x-ndjson"}[format])
	w.Header().Set("Content-Disposition", `attachment; filename="signpost-services.`+format+`"`)
	w.Header().Set("Cache-Control", "no-store")
	out, err := hsds.NewWriter(w, format)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	err = s.auth.store.EachService(r.Context(), out.Write)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "export cut short", "request_id", RequestID(r.Context()), "err", err)
	}
	return nil
}
