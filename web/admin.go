package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"signpost/directory"
	"signpost/directory/hsds"
)

// AdminStore is what the admin area needs of the store.
// *directory.Store satisfies it.
type AdminStore interface {
	// Moderation.
	listingDrafts
	Drafts(ctx context.Context, status directory.DraftStatus) ([]directory.Draft, error)
	ApproveDraft(ctx context.Context, rv directory.Review) error
	RejectDraft(ctx context.Context, rv directory.Review) error

	// Organisations and accounts.
	EachOrganization(ctx context.Context, fn func(*directory.Organization) error) error
	ServiceCountsByOrg(ctx context.Context) (map[string]int, error)
	Accounts(ctx context.Context) ([]directory.Account, error)
	AddAccount(ctx context.Context, a directory.Account, password string) (directory.Account, error)
	DisableAccount(ctx context.Context, email string) error
	EnableAccount(ctx context.Context, email string) error
	teamAdmin
	feedAdmin

	// The stale report and the corrections inbox.
	StaleServices(ctx context.Context, cutoff time.Time, limit int) ([]directory.StaleListing, int, error)
	StaleReport(ctx context.Context, q directory.StaleQuery) (directory.StalePage, error)
	Corrections(ctx context.Context, serviceID string) ([]directory.Correction, error)
	SetCorrectionStatus(ctx context.Context, u directory.CorrectionUpdate) (directory.Correction, error)

	// Duplicate listings.
	duplicateAdmin

	// Import and export.
	hsds.Store
	EachService(ctx context.Context, fn func(*directory.Service) error) error
}

// adminHandlers serve /admin: moderation, organisations and accounts, the
// stale report, the corrections inbox, import and export. Every route is
// behind the guard of authz.go.
type adminHandlers struct {
	*renderer
	store AdminStore
	// feeds confirms held withdrawals; nil where the site follows no feeds.
	feeds FeedConfirmer
	md    *markdown
	now   func() time.Time
}

// adminBase is what every admin page shares: the admin navigation, with
// the page's own entry marked. Each admin page is its own struct embedding
// it, with its own template (templates/pages/admin-*.html) that starts
// with the "admin-top" partial.
type adminBase struct {
	BasePage
	// current is the href of the navigation entry this page belongs to.
	current string
}

func newAdminBase(title, current string) adminBase {
	return adminBase{BasePage: BasePage{Title: title, Nav: "admin"}, current: current}
}

// adminNavEntry is one link of the admin navigation.
type adminNavEntry struct {
	Href, Text string
	Current    bool
}

// adminSections are the admin navigation's entries, in order.
var adminSections = []link{
	{Href: "/admin", Text: "Overview"},
	{Href: "/admin/queue", Text: "Waiting for review"},
	{Href: "/admin/stale", Text: "Not confirmed"},
	{Href: "/admin/corrections", Text: "Corrections"},
	{Href: "/admin/duplicates", Text: "Duplicates"},
	{Href: "/admin/organizations", Text: "Organisations"},
	{Href: "/admin/accounts", Text: "Accounts"},
	{Href: "/admin/teams", Text: "Teams"},
	{Href: "/admin/feeds", Text: "Feeds"},
	{Href: "/admin/import", Text: "Import and export"},
	{Href: "/admin/outbox", Text: "Outbox"},
}

// AdminNav is the admin navigation of the page.
func (b adminBase) AdminNav() []adminNavEntry {
	out := make([]adminNavEntry, 0, len(adminSections))
	for _, l := range adminSections {
		out = append(out, adminNavEntry{Href: l.Href, Text: l.Text, Current: l.Href == b.current})
	}
	return out
}

// adminHomePage is /admin: what is waiting, in numbers.
type adminHomePage struct {
	adminBase
	Pending, Stale, OpenCorrections int
}

// adminQueuePage is /admin/queue: the drafts waiting for review.
type adminQueuePage struct {
	adminBase
	Queue []queueRow
}

// adminReviewPage is /admin/queue/{id}: one draft against the published
// listing.
type adminReviewPage struct {
	adminBase
	reviewView
}

// adminOrganizationsPage is /admin/organizations.
type adminOrganizationsPage struct {
	adminBase
	Organizations []orgRow
}

// adminAccountsPage is /admin/accounts: every account and the form to add
// one.
type adminAccountsPage struct {
	adminBase
	Accounts    []directory.Account
	NewAccount  accountForm
	RoleOpts    []option
	OrgOpts     []option
	Problems    problemList
	CurrentUser string
}

// adminStalePage is /admin/stale: listings nobody has confirmed lately, a
// page at a time, filtered by organisation, area and how long ago.
type adminStalePage struct {
	adminBase
	Rows       []staleRow
	Total      int
	Filter     staleFilter
	OrgOpts    []option
	MonthOpts  []option
	Pagination pagination
	// Filtered says some filter is set, for the wording when nothing is
	// found.
	Filtered bool
}

// staleFilter is the stale report's query string.
type staleFilter struct {
	Org, Area, Months string
	Page              int
}

func (f staleFilter) href(page int) string {
	v := url.Values{}
	for k, val := range map[string]string{"org": f.Org, "area": f.Area, "months": f.Months} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/admin/stale"
	}
	return "/admin/stale?" + v.Encode()
}

// staleMonths are the report's "not confirmed for" choices.
var staleMonths = []option{
	{Value: "6", Label: "6 months or more"}, {Value: "12", Label: "a year or more"},
	{Value: "18", Label: "18 months or more"}, {Value: "24", Label: "two years or more"},
	{Value: "never", Label: "never confirmed"},
}

// adminCorrectionsPage is /admin/corrections: the inbox.
type adminCorrectionsPage struct {
	adminBase
	Corrections []correctionRow
}

// adminImportPage is /admin/import: the upload form and, after an upload,
// its report.
type adminImportPage struct {
	adminBase
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
	Area      string
	Checked   string
	Contact   []string
	Providers []string
}

type correctionRow struct {
	ID      string
	when    time.Time
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
	// Note is the reply of whoever looks after the listing, NoteBy who
	// wrote it and when.
	Note, NoteBy string
	// Feed names the feed a listing comes from: the correction is for
	// that directory's publisher, since a change here would be
	// overwritten.
	Feed string
}

func correctionLabels() map[string]string {
	labels := map[string]string{}
	for _, f := range directory.CorrectionFields {
		labels[f.Code] = f.Label
	}
	return labels
}

// newCorrectionRow is one correction as the inbox and the provider's
// dashboard show it.
func newCorrectionRow(c directory.Correction, listing string, labels map[string]string) correctionRow {
	row := correctionRow{ID: c.ID, when: c.At, At: dateTimeText(c.At), Listing: listing,
		Href: "/activities/" + url.PathEscape(c.ServiceID), Field: labels[c.Field], Message: c.Message,
		Status: correctionStatusText(c), Open: c.Status == directory.CorrectionOpen, Note: c.Note}
	if c.Note != "" {
		row.NoteBy = c.NoteBy
		if c.NoteAt != nil {
			row.NoteBy += " on " + dateText(*c.NoteAt)
		}
	}
	return row
}

type accountForm struct {
	Email string
	Role  string
	Org   string
}

func (h *adminHandlers) adminHome(w http.ResponseWriter, r *http.Request) error {
	p := &adminHomePage{adminBase: newAdminBase("Admin", "/admin")}
	drafts, err := h.store.Drafts(r.Context(), directory.DraftPending)
	if err != nil {
		return fmt.Errorf("moderation queue: %w", err)
	}
	_, staleCount, err := h.store.StaleServices(r.Context(), h.now().Add(-directory.ChaseAfter), 1)
	if err != nil {
		return fmt.Errorf("stale report: %w", err)
	}
	corrections, err := h.store.Corrections(r.Context(), "")
	if err != nil {
		return fmt.Errorf("corrections: %w", err)
	}
	p.Pending, p.Stale = len(drafts), staleCount
	for _, c := range corrections {
		if c.Status == directory.CorrectionOpen {
			p.OpenCorrections++
		}
	}
	h.render(w, r, http.StatusOK, "admin-home", p)
	return nil
}

func (h *adminHandlers) adminQueue(w http.ResponseWriter, r *http.Request) error {
	p := &adminQueuePage{adminBase: newAdminBase("Changes waiting for review", "/admin/queue")}
	drafts, err := h.store.Drafts(r.Context(), directory.DraftPending)
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
		prev, err := h.store.Service(r.Context(), d.ServiceID)
		switch {
		case errors.Is(err, directory.ErrNotFound):
			row.New = true
		case err != nil:
			return fmt.Errorf("listing %s: %w", d.ServiceID, err)
		}
		row.Changes = len(directory.ContentDiff(prev, &d.Service))
		p.Queue = append(p.Queue, row)
	}
	h.render(w, r, http.StatusOK, "admin-queue", p)
	return nil
}

// adminReview shows one draft against the published listing, field by
// field, with the description as it would appear.
func (h *adminHandlers) adminReview(w http.ResponseWriter, r *http.Request) error {
	id := mux.Vars(r)["id"]
	d, err := h.store.Draft(r.Context(), id)
	if err != nil {
		return fmt.Errorf("draft of %s: %w", id, err)
	}
	if d.Status != directory.DraftPending {
		return &httpError{status: http.StatusNotFound, heading: "Nothing to review",
			message: "These changes have already been turned down. The provider can send them again."}
	}
	prev, err := h.store.Service(r.Context(), id)
	if err != nil && !errors.Is(err, directory.ErrNotFound) {
		return fmt.Errorf("listing %s: %w", id, err)
	}
	preview, err := h.md.Render(d.Service.Description)
	if err != nil {
		return err
	}
	p := &adminReviewPage{adminBase: newAdminBase("Review changes to "+d.Service.Name, "/admin/queue")}
	p.reviewView = reviewView{
		ServiceID: id, Name: d.Service.Name, By: d.SubmittedBy, Submitted: dateTimeText(d.SubmittedAt),
		New: prev == nil, Changes: changeViews(directory.ContentDiff(prev, &d.Service)), Preview: preview,
		PublicHref: "/activities/" + url.PathEscape(id), Action: "/admin/queue/" + url.PathEscape(id),
	}
	if d.Service.Organization != nil {
		p.Org = d.Service.Organization.Name
	}
	h.render(w, r, http.StatusOK, "admin-review", p)
	return nil
}

func (h *adminHandlers) adminApprove(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	id := mux.Vars(r)["id"]
	err := h.store.ApproveDraft(r.Context(), directory.Review{ServiceID: id, Actor: currentAccount(r).Email, Note: clean(r.PostForm.Get("note"), 500)})
	if errors.Is(err, directory.ErrConflict) {
		return &httpError{status: http.StatusConflict, heading: "These changes are no longer waiting", message: "Someone has already dealt with them.", err: err}
	}
	if err != nil {
		return fmt.Errorf("approve %s: %w", id, err)
	}
	return redirect(w, r, withFlash("/admin/queue", "approved"))
}

func (h *adminHandlers) adminReject(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	id := mux.Vars(r)["id"]
	err := h.store.RejectDraft(r.Context(), directory.Review{ServiceID: id, Actor: currentAccount(r).Email, Note: r.PostForm.Get("reason")})
	if errors.Is(err, directory.ErrConflict) {
		return &httpError{status: http.StatusConflict, heading: "These changes are no longer waiting", message: "Someone has already dealt with them.", err: err}
	}
	if err != nil {
		return fmt.Errorf("reject %s: %w", id, err)
	}
	return redirect(w, r, withFlash("/admin/queue", "rejected"))
}

func (h *adminHandlers) adminOrganizations(w http.ResponseWriter, r *http.Request) error {
	p := &adminOrganizationsPage{adminBase: newAdminBase("Organisations", "/admin/organizations")}
	accts, err := h.store.Accounts(r.Context())
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	counts, err := h.store.ServiceCountsByOrg(r.Context())
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
	err = h.store.EachOrganization(r.Context(), func(o *directory.Organization) error {
		p.Organizations = append(p.Organizations, orgRow{ID: o.ID, Name: o.Name, Email: o.Email, Listings: counts[o.ID],
			Providers: members[o.ID], Href: "/provider?org=" + url.QueryEscape(o.ID)})
		return nil
	})
	if err != nil {
		return fmt.Errorf("organisations: %w", err)
	}
	slices.SortFunc(p.Organizations, func(a, b orgRow) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	h.render(w, r, http.StatusOK, "admin-organizations", p)
	return nil
}

func (h *adminHandlers) accountsPage(r *http.Request, form accountForm) (*adminAccountsPage, error) {
	p := &adminAccountsPage{adminBase: newAdminBase("Accounts", "/admin/accounts")}
	p.NewAccount = form
	p.CurrentUser = currentAccount(r).Email
	var err error
	if p.Accounts, err = h.store.Accounts(r.Context()); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	for _, role := range directory.Roles {
		p.RoleOpts = append(p.RoleOpts, option{Value: string(role), Label: role.Label(), Selected: string(role) == form.Role})
	}
	if p.OrgOpts, err = h.orgOptions(r.Context(), form.Org); err != nil {
		return nil, err
	}
	return p, nil
}

// orgOptions are every organisation as choices of a select, by name, with
// selected marked.
func (h *adminHandlers) orgOptions(ctx context.Context, selected string) ([]option, error) {
	var opts []option
	err := h.store.EachOrganization(ctx, func(o *directory.Organization) error {
		opts = append(opts, option{Value: o.ID, Label: o.Name, Selected: o.ID == selected})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("organisations: %w", err)
	}
	slices.SortFunc(opts, func(a, b option) int { return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)) })
	return opts, nil
}

func (h *adminHandlers) adminAccounts(w http.ResponseWriter, r *http.Request) error {
	p, err := h.accountsPage(r, accountForm{Role: string(directory.RoleProvider)})
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "admin-accounts", p)
	return nil
}

// adminAddAccount adds an account with the password the admin typed; the
// admin passes it on by a safe route and the owner changes it.
func (h *adminHandlers) adminAddAccount(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	form := accountForm{Email: clean(r.PostForm.Get("email"), 254), Role: clean(r.PostForm.Get("role"), 20), Org: clean(r.PostForm.Get("org"), 100)}
	acct := directory.Account{Email: form.Email, Role: directory.Role(form.Role)}
	if form.Org != "" && acct.Role == directory.RoleProvider {
		acct.Orgs = []string{form.Org}
	}
	_, err := h.store.AddAccount(r.Context(), acct, r.PostForm.Get("password"))
	var ve *directory.ValidationError
	var problems problemList
	switch {
	case errors.As(err, &ve):
		problems = accountFields(form).problems(ve.Problems)
	case errors.Is(err, directory.ErrConflict):
		problems = problemList{{Field: "account-email", Message: "That e-mail address already has an account"}}
	case errors.Is(err, directory.ErrNotFound):
		problems = problemList{{Field: "account-org", Message: "Choose an organisation from the list"}}
	case err != nil:
		return fmt.Errorf("add account: %w", err)
	}
	if len(problems) > 0 {
		p, err := h.accountsPage(r, form)
		if err != nil {
			return err
		}
		p.Problems, p.Title = problems, "Error: "+p.Title
		h.render(w, r, http.StatusBadRequest, "admin-accounts", p)
		return nil
	}
	return redirect(w, r, withFlash("/admin/accounts", "account-added"))
}

// accountFields are the new-account form's fields, in page order.
func accountFields(form accountForm) errorFields {
	return errorFields{
		{path: "email", control: "account-email", message: func(directory.Problem) string { return emailMessage(form.Email) }},
		{path: "role", control: "account-role", message: func(directory.Problem) string { return "Choose a role from the list" }},
		{path: "orgs", control: "account-org", message: func(directory.Problem) string {
			return "Choose the organisation this provider looks after"
		}},
		{path: "password", control: "account-password", message: func(directory.Problem) string {
			return fmt.Sprintf("The first password must be %d characters or more", directory.MinPasswordLen)
		}},
	}
}

// adminDisable stops an account signing in and ends its sessions.
func (h *adminHandlers) adminDisable(w http.ResponseWriter, r *http.Request) error {
	email, err := accountFormEmail(r)
	if err != nil {
		return err
	}
	if email == currentAccount(r).Email {
		return &httpError{status: http.StatusBadRequest, heading: "You cannot disable your own account",
			message: "Ask another admin, so the directory is never left without one."}
	}
	if err := h.store.DisableAccount(r.Context(), email); err != nil {
		return fmt.Errorf("account %s: %w", email, err)
	}
	return redirect(w, r, withFlash("/admin/accounts", "disabled"))
}

// adminEnable lets a disabled account sign in again.
func (h *adminHandlers) adminEnable(w http.ResponseWriter, r *http.Request) error {
	email, err := accountFormEmail(r)
	if err != nil {
		return err
	}
	if err := h.store.EnableAccount(r.Context(), email); err != nil {
		return fmt.Errorf("account %s: %w", email, err)
	}
	return redirect(w, r, withFlash("/admin/accounts", "enabled"))
}

// accountFormEmail is the account a disable or enable button is about.
func accountFormEmail(r *http.Request) (string, error) {
	if err := readForm(r); err != nil {
		return "", err
	}
	return directory.NormalizeEmail(clean(r.PostForm.Get("email"), 254)), nil
}

// staleReportRows is how many stale listings one page shows, oldest
// first: enough for a morning's calls.
const staleReportRows = 50

func (h *adminHandlers) adminStale(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := staleFilter{Org: clean(q.Get("org"), 100), Area: clean(q.Get("area"), 40), Months: clean(q.Get("months"), 5), Page: 1}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n < 1e6 {
		f.Page = n
	}
	if !slices.ContainsFunc(staleMonths, func(o option) bool { return o.Value == f.Months }) {
		f.Months = ""
	}
	p := &adminStalePage{adminBase: newAdminBase("Listings nobody has confirmed for six months", "/admin/stale"), Filter: f}
	p.Filtered = f.Org != "" || f.Area != "" || (f.Months != "" && f.Months != "6")
	p.MonthOpts = markSelected(slices.Clone(staleMonths), cmp.Or(f.Months, "6"))
	sq := directory.StaleQuery{OrgID: f.Org, Area: f.Area, Offset: (f.Page - 1) * staleReportRows, Limit: staleReportRows}
	switch f.Months {
	case "never":
		sq.NeverOnly = true
		p.Title = "Listings nobody has ever confirmed"
	case "", "6":
		sq.Cutoff = h.now().Add(-directory.ChaseAfter)
	default:
		n, _ := strconv.Atoi(f.Months)
		sq.Cutoff = h.now().AddDate(0, -n, 0)
		p.Title = "Listings nobody has confirmed for " + strings.TrimSuffix(markedLabel(p.MonthOpts), " or more")
	}
	var err error
	if p.OrgOpts, err = h.orgOptions(r.Context(), f.Org); err != nil {
		return err
	}
	page, err := h.store.StaleReport(r.Context(), sq)
	if err != nil {
		return fmt.Errorf("stale report: %w", err)
	}
	p.Total = page.Total
	pages := (page.Total + staleReportRows - 1) / staleReportRows
	if pages > 1 {
		p.Pagination = pagination{Page: f.Page, Pages: pages}
		if f.Page > 1 {
			p.Pagination.PrevHref = f.href(min(f.Page-1, pages))
		}
		if f.Page < pages {
			p.Pagination.NextHref = f.href(f.Page + 1)
		}
	}
	for _, l := range page.Listings {
		row := staleRow{ServiceID: l.ServiceID, Name: l.Name, Href: "/activities/" + url.PathEscape(l.ServiceID), Org: l.OrganizationName, Area: l.Area,
			Contact: l.Contact, Providers: l.Providers, Checked: "Never"}
		if !l.Assured.IsZero() {
			row.Checked = dateText(l.Assured)
		}
		p.Rows = append(p.Rows, row)
	}
	h.render(w, r, http.StatusOK, "admin-stale", p)
	return nil
}

// markedLabel is the label of the selected option.
func markedLabel(opts []option) string {
	for _, o := range opts {
		if o.Selected {
			return o.Label
		}
	}
	return ""
}

func (h *adminHandlers) adminCorrections(w http.ResponseWriter, r *http.Request) error {
	p := &adminCorrectionsPage{adminBase: newAdminBase("Corrections from the public", "/admin/corrections")}
	cs, err := h.store.Corrections(r.Context(), "")
	if err != nil {
		return fmt.Errorf("corrections: %w", err)
	}
	labels := correctionLabels()
	// A listing's name, and the feed it comes from, read once however
	// many corrections it has; one since removed is shown by its id.
	names, feeds := map[string]string{}, map[string]string{}
	name := func(id string) (string, error) {
		if n, ok := names[id]; ok {
			return n, nil
		}
		svc, err := h.store.Service(r.Context(), id)
		switch {
		case errors.Is(err, directory.ErrNotFound):
			names[id] = id
		case err != nil:
			return "", fmt.Errorf("listing %s: %w", id, err)
		default:
			names[id] = svc.Name
			if svc.Source != nil && !svc.Source.Adopted() {
				feeds[id] = svc.Source.Feed
			}
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
		row := newCorrectionRow(c, listing, labels)
		row.Action = "/admin/corrections/" + url.PathEscape(c.ServiceID) + "/" + url.PathEscape(c.ID)
		row.Feed = feeds[c.ServiceID]
		p.Corrections = append(p.Corrections, row)
	}
	h.render(w, r, http.StatusOK, "admin-corrections", p)
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
		return string(c.Status)
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
func (h *adminHandlers) adminSetCorrectionStatus(w http.ResponseWriter, r *http.Request) error {
	vars := mux.Vars(r)
	c, err := h.store.SetCorrectionStatus(r.Context(), directory.CorrectionUpdate{
		ServiceID: vars["service"], ID: vars["id"],
		Status: directory.CorrectionStatus(r.PostFormValue("status")), Actor: currentAccount(r).Email,
	})
	if err != nil {
		return err
	}
	return redirect(w, r, withFlash("/admin/corrections#correction-"+url.PathEscape(c.ID), "correction-"+string(c.Status)))
}

func (h *adminHandlers) adminImportForm(w http.ResponseWriter, r *http.Request) error {
	h.render(w, r, http.StatusOK, "admin-import", newAdminImportPage())
	return nil
}

func newAdminImportPage() *adminImportPage {
	return &adminImportPage{adminBase: newAdminBase("Import and export", "/admin/import")}
}

// maxImportUpload bounds an uploaded HSDS file. Larger directories are
// imported with `signpost import` on the server.
const maxImportUpload = 64 << 20

// adminImport imports an uploaded HSDS JSON or NDJSON file. The upload is
// kept in memory (or multipart's temporary file) and read twice, as
// hsds.Import validates everything before it writes anything. Nothing
// reads the body before this handler (see sessions and boundBodies), and
// the temporary files go when it returns, whatever the outcome; a failed
// parse removes its own.
func (h *adminHandlers) adminImport(w http.ResponseWriter, r *http.Request) error {
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
	p := newAdminImportPage()
	rep, err := hsds.Import(r.Context(), h.store, "upload "+header.Filename, func() (*hsds.Reader, error) {
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
				h.log.ErrorContext(r.Context(), "import failed", "err", err)
			}
		}
	}
	h.render(w, r, status, "admin-import", p)
	return nil
}

// adminExport downloads every published listing as HSDS JSON or NDJSON.
func (h *adminHandlers) adminExport(w http.ResponseWriter, r *http.Request) error {
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
	err = h.store.EachService(r.Context(), out.Write)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		h.log.ErrorContext(r.Context(), "export cut short", "err", err)
	}
	return nil
}
