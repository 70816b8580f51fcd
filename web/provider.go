package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"signpost/directory"
)

// ProviderStore is what the provider area needs of the store: an
// organisation's listings, drafts sent for review, and each listing's
// history. *directory.Store satisfies it.
type ProviderStore interface {
	listingDrafts
	ServicesOf(ctx context.Context, orgID string) ([]directory.Service, error)
	Organization(ctx context.Context, id string) (*directory.Organization, error)
	EachOrganization(ctx context.Context, fn func(*directory.Organization) error) error
	PutService(ctx context.Context, svc *directory.Service, save directory.Save) (bool, error)
	DraftsOf(ctx context.Context, orgID string) ([]directory.Draft, error)
	SubmitDraft(ctx context.Context, svc *directory.Service, actor string) (directory.Draft, error)
	DeleteDraft(ctx context.Context, serviceID string) error
	SetCapacity(ctx context.Context, serviceID string, c directory.Capacity, actor string) (bool, error)
	ConfirmService(ctx context.Context, serviceID, actor string) (bool, error)
	Revisions(ctx context.Context, serviceID string) ([]directory.Revision, error)
	RestorePreview(ctx context.Context, serviceID string, seq uint64) (current, restored *directory.Service, changes []directory.FieldChange, err error)
	RestoreRevision(ctx context.Context, serviceID string, seq uint64, actor string) error
	Corrections(ctx context.Context, serviceID string) ([]directory.Correction, error)
	SetCorrectionStatus(ctx context.Context, u directory.CorrectionUpdate) (directory.Correction, error)
}

// providerHandlers serve /provider: an organisation's listings with their
// freshness, editing (moderated), capacity and confirmation (not), and
// each listing's history. Every route is behind the guard of authz.go.
type providerHandlers struct {
	*renderer
	store ProviderStore
	// places resolves the postcode of a listing's venue.
	places Places
	md     *markdown
	now    func() time.Time
	// outcomes reads the anonymous outcome figures of the provider's own
	// listings (provider_outcomes.go).
	outcomes InsightStore
}

// providerHomePage is /provider.
type providerHomePage struct {
	BasePage
	Orgs []orgListings
	// Choose lists every organisation, for an admin who has not picked one.
	Choose []link
}

type orgListings struct {
	ID       string
	Name     string
	NewHref  string
	Listings []listingRow
	// Waiting are new listings not yet published.
	Waiting []draftView
	// Corrections are what the public said is wrong with the listings,
	// open ones first; Closed counts those done or dismissed.
	Corrections []correctionRow
	Closed      int
}

type listingRow struct {
	ID           string
	Name         string
	Href         string
	EditHref     string
	HistoryHref  string
	Status       string
	Capacities   []option
	Checked      string
	Stale        bool
	Draft        *draftView
	ActionPrefix string
}

type draftView struct {
	ServiceID string
	Name      string
	Pending   bool
	Reason    string
	Submitted string
	EditHref  string
}

func (h *providerHandlers) providerHome(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	p := &providerHomePage{BasePage: BasePage{Title: "Your listings", Nav: "provider"}}
	orgIDs, all := orgsFor(a, permProviderArea)
	if org := resourceOrg(r); org != "" {
		orgIDs, all = []string{org}, false
	}
	if all {
		p.Title = "Listings by organisation"
		err := h.store.EachOrganization(r.Context(), func(o *directory.Organization) error {
			p.Choose = append(p.Choose, link{Href: "/provider?org=" + url.QueryEscape(o.ID), Text: o.Name})
			return nil
		})
		if err != nil {
			return fmt.Errorf("list organisations: %w", err)
		}
		h.render(w, r, http.StatusOK, "provider-home", p)
		return nil
	}
	now := h.now()
	for _, orgID := range orgIDs {
		ol := orgListings{ID: orgID, Name: orgID, NewHref: "/provider/listings/new?org=" + url.QueryEscape(orgID)}
		if org, err := h.store.Organization(r.Context(), orgID); err == nil {
			ol.Name = org.Name
		} else if !errors.Is(err, directory.ErrNotFound) {
			return fmt.Errorf("organisation %s: %w", orgID, err)
		}
		svcs, err := h.store.ServicesOf(r.Context(), orgID)
		if err != nil {
			return fmt.Errorf("listings of %s: %w", orgID, err)
		}
		drafts, err := h.store.DraftsOf(r.Context(), orgID)
		if err != nil {
			return fmt.Errorf("drafts of %s: %w", orgID, err)
		}
		byService := map[string]*directory.Draft{}
		for i := range drafts {
			byService[drafts[i].ServiceID] = &drafts[i]
		}
		for i := range svcs {
			svc := &svcs[i]
			row := listingRow{
				ID: svc.ID, Name: svc.Name, Href: "/activities/" + url.PathEscape(svc.ID),
				ActionPrefix: "/provider/listings/" + url.PathEscape(svc.ID),
				Status:       statusLabel(svc.Status),
			}
			row.EditHref, row.HistoryHref = row.ActionPrefix+"/edit", row.ActionPrefix+"/history"
			for _, c := range directory.Capacities {
				row.Capacities = append(row.Capacities, option{Value: string(c), Label: c.Label(), Selected: c == svc.Capacity || (svc.Capacity == "" && c == directory.CapacityAccepting)})
			}
			row.Checked, row.Stale = freshness(svc, now)
			if d := byService[svc.ID]; d != nil {
				dv := draftViewOf(d)
				row.Draft = &dv
				delete(byService, svc.ID)
			}
			ol.Listings = append(ol.Listings, row)
		}
		for _, d := range drafts {
			if byService[d.ServiceID] != nil {
				ol.Waiting = append(ol.Waiting, draftViewOf(&d))
			}
		}
		if err := h.addCorrections(r, &ol, svcs); err != nil {
			return err
		}
		p.Orgs = append(p.Orgs, ol)
	}
	h.render(w, r, http.StatusOK, "provider-home", p)
	return nil
}

// addCorrections lists the open corrections of an organisation's
// listings, newest first, for its providers to act on.
func (h *providerHandlers) addCorrections(r *http.Request, ol *orgListings, svcs []directory.Service) error {
	labels := correctionLabels()
	for i := range svcs {
		svc := &svcs[i]
		cs, err := h.store.Corrections(r.Context(), svc.ID)
		if err != nil {
			return fmt.Errorf("corrections of %s: %w", svc.ID, err)
		}
		for _, c := range cs {
			if c.Status != directory.CorrectionOpen {
				ol.Closed++
				continue
			}
			row := newCorrectionRow(c, svc.Name, labels)
			row.Action = "/provider/listings/" + url.PathEscape(svc.ID) + "/corrections/" + url.PathEscape(c.ID)
			ol.Corrections = append(ol.Corrections, row)
		}
	}
	slices.SortStableFunc(ol.Corrections, func(a, b correctionRow) int { return b.when.Compare(a.when) })
	return nil
}

// setCorrection marks a correction of one of the provider's listings done,
// or keeps a note on it, and goes back to it on the dashboard.
func (h *providerHandlers) setCorrection(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	vars := mux.Vars(r)
	c, err := h.store.SetCorrectionStatus(r.Context(), directory.CorrectionUpdate{
		ServiceID: vars["id"], ID: vars["correction"], Status: directory.CorrectionStatus(r.PostForm.Get("status")),
		Note: r.PostForm.Get("note"), Actor: currentAccount(r).Email,
	})
	if err != nil {
		return err
	}
	done := "correction-noted"
	if r.PostForm.Get("status") != "" {
		done = "correction-" + string(c.Status)
	}
	return redirect(w, r, withFlash("/provider?org="+url.QueryEscape(resourceOrg(r))+"#corrections-"+url.QueryEscape(resourceOrg(r)), done))
}

func draftViewOf(d *directory.Draft) draftView {
	return draftView{
		ServiceID: d.ServiceID, Name: d.Service.Name, Pending: d.Status == directory.DraftPending,
		Reason: d.Reason, Submitted: dateText(d.SubmittedAt),
		EditHref: "/provider/listings/" + url.PathEscape(d.ServiceID) + "/edit",
	}
}

// freshness says when a person last confirmed a listing, and whether that
// is long enough ago to chase.
func freshness(svc *directory.Service, now time.Time) (string, bool) {
	t, ok := svc.Assured()
	if !ok {
		return "Never confirmed", true
	}
	return "Confirmed " + dateText(t), now.Sub(t) >= directory.ChaseAfter
}

func statusLabel(status directory.ServiceStatus) string {
	for _, o := range statuses {
		if o.Value == string(status) {
			return o.Label
		}
	}
	if status == directory.StatusDefunct {
		return "Closed for good"
	}
	return string(status)
}

// editPage is the create and edit form of a listing.
type editPage struct {
	BasePage
	Action   string
	New      bool
	ID       string
	OrgName  string
	Form     listingForm
	Problems problemList
	// Preview is the description as the public page will show it, and
	// PreviewWhen the schedule in words.
	Preview     template.HTML
	PreviewWhen []scheduleLine
	Previewing  bool
	// Pending and Reason describe a draft already waiting or turned down.
	Pending    string
	Reason     string
	CanPublish bool
	HistoryRef string
	// OrgChoices offers the organisations of a new listing when there are
	// several.
	OrgChoices []option
	// Focus is the control an "add another" or "remove" button leaves the
	// cursor in.
	Focus string

	StatusOpts   []option
	ActivityOpts []option
	NeedOpts     []option
	InterestOpts []option
	DeliveryOpts []option
	Schedules    []scheduleRowView
	Places       []placeRowView
	Costs        []costRowView
	Phones       []phoneRowView
	// When is every time in words, one sentence: "Tuesdays, 10am to 1pm;
	// Thursdays, 6pm to 8pm".
	When    string
	MaxRows int
	Limits  formLimits
}

// formLimits are the fields' maxlength attributes.
type formLimits struct {
	Name, Description, Line, Note, URL, Email, Phone, Postcode, Number int
	// DescriptionText is Description as the hint says it.
	DescriptionText string
}

var listingLimits = formLimits{Name: maxNameLen, Description: maxDescriptionLen, Line: maxLineLen, Note: maxNoteLen,
	URL: maxURLLen, Email: maxEmailLen, Phone: maxPhoneLen, Postcode: maxPostcodeLen, Number: maxNumberLen,
	DescriptionText: groupThousands(maxDescriptionLen)}

// The rows of the form as the template shows them: each control's id is
// its name, "schedule-1-opens", so an error links to it.
type scheduleRowView struct {
	scheduleRow
	Index         int
	N, Prefix     string
	DayOpts       []option
	FrequencyOpts []option
	// Reads is the row in words, as the public page will say it.
	Reads string
}

type placeRowView struct {
	placeRow
	Index       int
	N, Prefix   string
	FeatureOpts []option
}

type costRowView struct {
	costRow
	Index     int
	N, Prefix string
}

type phoneRowView struct {
	phoneRow
	Index     int
	N, Prefix string
}

// textField is one labelled text input of a row.
type textField struct {
	ID, Label, Value string
	Max              int
	Problem          *problem
	Focus            bool
}

func (h *providerHandlers) newEditPage(r *http.Request, f listingForm) *editPage {
	p := &editPage{BasePage: BasePage{Nav: "provider"}, Form: f, MaxRows: maxRows, Limits: listingLimits}
	p.StatusOpts = markSelected(slices.Clone(statuses), f.Status)
	terms := func(name string, vocab []directory.Term, picked []string) []option {
		var out []option
		for _, t := range vocab {
			out = append(out, option{Value: t.Code, Label: t.Label, ID: name + "-" + t.Code, Selected: slices.Contains(picked, t.Code)})
		}
		return out
	}
	p.ActivityOpts = terms("activity", directory.Activities, f.Activities)
	p.NeedOpts = terms("need", directory.Needs, f.Needs)
	p.InterestOpts = terms("interest", directory.Interests, f.Interests)
	for _, d := range directory.Deliveries {
		p.DeliveryOpts = append(p.DeliveryOpts, option{Value: string(d), Label: d.Label(), ID: "delivery-" + string(d), Selected: slices.Contains(f.Delivery, string(d))})
	}
	var when []string
	for i, row := range f.Schedules {
		v := scheduleRowView{scheduleRow: row, Index: i, N: strconv.Itoa(i + 1), Prefix: fmt.Sprintf("schedule-%d-", i)}
		for _, d := range directory.Weekdays {
			v.DayOpts = append(v.DayOpts, option{Value: d, Label: daySingular[d], ID: v.Prefix + "day-" + d, Selected: slices.Contains(row.Days, d)})
		}
		v.FrequencyOpts = markSelected(slices.Clone(frequencies), row.Frequency)
		var sc directory.Schedule
		row.applyTo(&sc)
		if v.Reads = describeSchedule(sc); v.Reads != "" {
			when = append(when, v.Reads)
		}
		p.Schedules = append(p.Schedules, v)
	}
	p.When = strings.Join(when, "; ")
	for i, row := range f.Places {
		v := placeRowView{placeRow: row, Index: i, N: strconv.Itoa(i + 1), Prefix: fmt.Sprintf("place-%d-", i)}
		v.FeatureOpts = terms(v.Prefix+"feature", directory.AccessFeatures, row.Features)
		p.Places = append(p.Places, v)
	}
	for i, row := range f.Costs {
		p.Costs = append(p.Costs, costRowView{costRow: row, Index: i, N: strconv.Itoa(i + 1), Prefix: fmt.Sprintf("cost-%d-", i)})
	}
	for i, row := range f.Phones {
		p.Phones = append(p.Phones, phoneRowView{phoneRow: row, Index: i, N: strconv.Itoa(i + 1), Prefix: fmt.Sprintf("phone-%d-", i)})
	}
	p.CanPublish = can(currentAccount(r), permPublish, resourceOrg(r))
	return p
}

// editBase is the version of a listing an edit starts from: the draft
// waiting for review when there is one (so a provider keeps working on
// what they sent), else the published listing.
func (h *providerHandlers) editBase(r *http.Request, id string) (*directory.Service, *directory.Draft, error) {
	d, err := h.store.Draft(r.Context(), id)
	if err != nil && !errors.Is(err, directory.ErrNotFound) {
		return nil, nil, fmt.Errorf("draft of %s: %w", id, err)
	}
	if d != nil {
		svc := d.Service
		return &svc, d, nil
	}
	svc, err := h.store.Service(r.Context(), id)
	if err != nil {
		return nil, nil, fmt.Errorf("listing %s: %w", id, err)
	}
	return svc, nil, nil
}

func (h *providerHandlers) editListing(w http.ResponseWriter, r *http.Request) error {
	id := mux.Vars(r)["id"]
	base, d, err := h.editBase(r, id)
	if err != nil {
		return err
	}
	p := h.newEditPage(r, listingFormOf(base))
	h.describeEdit(p, id, base, d)
	h.render(w, r, http.StatusOK, "provider-edit", p)
	return nil
}

func (h *providerHandlers) describeEdit(p *editPage, id string, base *directory.Service, d *directory.Draft) {
	p.ID = id
	p.Title = "Edit " + base.Name
	p.Action = "/provider/listings/" + url.PathEscape(id) + "/edit"
	p.HistoryRef = "/provider/listings/" + url.PathEscape(id) + "/history"
	if base.Organization != nil {
		p.OrgName = base.Organization.Name
	}
	if d != nil {
		if d.Status == directory.DraftPending {
			p.Pending = "Changes you sent on " + dateText(d.SubmittedAt) + " are waiting for review. The form shows them; sending again replaces them."
		} else {
			p.Reason = d.Reason
		}
	}
}

func (h *providerHandlers) saveListing(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	id := mux.Vars(r)["id"]
	base, d, err := h.editBase(r, id)
	if err != nil {
		return err
	}
	edited, err := cloneService(base)
	if err != nil {
		return err
	}
	f, focus, edited2 := readListingEdit(r)
	p := h.newEditPage(r, f)
	p.Focus = focus
	h.describeEdit(p, id, base, d)
	if edited2 {
		h.render(w, r, http.StatusOK, "provider-edit", p)
		return nil
	}
	return h.submitListing(w, r, p, edited)
}

// readListingEdit reads the posted form and applies an "add another" or
// "remove" press; rowEdited says there was one, and the form is to be
// shown again rather than sent.
func readListingEdit(r *http.Request) (f listingForm, focus string, rowEdited bool) {
	f = readListingForm(r.PostForm)
	if e, ok := readRowEdit(r.PostForm); ok {
		focus = f.edit(e)
		return f.withBlankRows(), focus, true
	}
	return f, "", false
}

// submitListing applies the form to svc and, unless the person asked for
// a preview or something is wrong, sends it for review (or, for those who
// may publish, publishes it). Otherwise the form is shown again.
func (h *providerHandlers) submitListing(w http.ResponseWriter, r *http.Request, p *editPage, svc *directory.Service) error {
	a := currentAccount(r)
	p.Problems = append(p.Problems, p.Form.check()...)
	p.Problems = append(p.Problems, p.Form.apply(svc, h.places)...)
	for _, pr := range svc.Validate().Errors() {
		p.Problems = append(p.Problems, problem{Field: formField(pr.Path), Message: plainProblem(pr)})
	}
	p.Problems = inPageOrder(p.Problems)
	// The rows are shown again as they were sent, with the values check
	// normalised, and a row to type into where a group is now empty.
	*p = *h.refill(r, p)
	if r.PostForm.Get("action") == "preview" || len(p.Problems) > 0 {
		desc, err := h.md.Render(p.Form.Description)
		if err != nil {
			return err
		}
		p.Preview, p.PreviewWhen, p.Previewing = desc, scheduleLines(svc), true
		status := http.StatusOK
		if len(p.Problems) > 0 {
			p.Title = "Error: " + p.Title
			status = http.StatusBadRequest
		}
		h.render(w, r, status, "provider-edit", p)
		return nil
	}
	done := "submitted"
	var err error
	if can(a, permPublish, svc.OrgID()) {
		done = "published"
		// The form may start from an older draft: capacity and the last
		// confirmed date are today's, never the draft's.
		live, lerr := h.store.Service(r.Context(), svc.ID)
		if lerr != nil && !errors.Is(lerr, directory.ErrNotFound) {
			return fmt.Errorf("listing %s: %w", svc.ID, lerr)
		}
		svc.KeepOperational(live)
		_, err = h.store.PutService(r.Context(), svc, directory.Save{Actor: a.Email, Action: directory.ActionEdit})
		if err == nil {
			// What an admin publishes directly supersedes anything waiting.
			if derr := h.store.DeleteDraft(r.Context(), svc.ID); derr != nil && !errors.Is(derr, directory.ErrNotFound) {
				err = derr
			}
		}
	} else {
		_, err = h.store.SubmitDraft(r.Context(), svc, a.Email)
	}
	if errors.Is(err, directory.ErrConflict) {
		p.Problems = problemList{{Field: "name", Message: "Nothing has changed yet. Edit a field, then send the changes."}}
		p.Title = "Error: " + p.Title
		h.render(w, r, http.StatusBadRequest, "provider-edit", p)
		return nil
	}
	if err != nil {
		return fmt.Errorf("save listing %s: %w", svc.ID, err)
	}
	return redirect(w, r, listingsURL(svc.OrgID(), svc.ID, done))
}

// plainProblem words a problem the standard's rules found for a person
// at the form: "Enter a name" rather than "name: is required". The form's
// own rules run first and catch most things in their own words; this is
// for what only the standard's rules see.
func plainProblem(pr directory.Problem) string {
	label := fieldName(pr.Path)
	required := map[string]string{"name": "Enter the name of the activity", "description": "Enter a description of the activity"}
	if msg, ok := required[pr.Path]; ok && pr.Message == "is required" {
		return msg
	}
	if pr.Message == "is required" {
		return "Enter " + strings.ToLower(label[:1]) + label[1:]
	}
	return label + " " + pr.Message
}

// cloneService deep-copies a listing, so a form can be applied to it
// without writing through to slices it shares with the original.
func cloneService(svc *directory.Service) (*directory.Service, error) {
	raw, err := json.Marshal(svc)
	if err != nil {
		return nil, fmt.Errorf("copy listing %s: %w", svc.ID, err)
	}
	var out directory.Service
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("copy listing %s: %w", svc.ID, err)
	}
	return &out, nil
}

// newListingOrg resolves the organisation a new listing is for: the org
// field, or the only organisation of a provider who has one.
func (h *providerHandlers) newListingOrg(r *http.Request) (string, error) {
	if org := clean(r.FormValue("org"), 100); org != "" {
		if _, err := h.store.Organization(r.Context(), org); err != nil {
			return "", fmt.Errorf("organisation %s: %w", org, err)
		}
		return org, nil
	}
	if orgs, all := orgsFor(currentAccount(r), permCreateListing); !all && len(orgs) == 1 {
		return orgs[0], nil
	}
	return "", nil
}

func (h *providerHandlers) newListingPage(r *http.Request, f listingForm) (*editPage, error) {
	p := h.newEditPage(r, f)
	p.New, p.Title, p.Action = true, "Add a listing", "/provider/listings/new"
	org := resourceOrg(r)
	choose := func(id, name string) {
		if id == org {
			p.OrgName = name
		}
		p.OrgChoices = append(p.OrgChoices, option{Value: id, Label: name, Selected: id == org})
	}
	orgIDs, all := orgsFor(currentAccount(r), permCreateListing)
	if all {
		err := h.store.EachOrganization(r.Context(), func(o *directory.Organization) error {
			choose(o.ID, o.Name)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list organisations: %w", err)
		}
		return p, nil
	}
	for _, id := range orgIDs {
		// An account's organisation missing from the store is offered by
		// its id.
		name := id
		o, err := h.store.Organization(r.Context(), id)
		switch {
		case err == nil:
			name = o.Name
		case !errors.Is(err, directory.ErrNotFound):
			return nil, fmt.Errorf("organisation %s: %w", id, err)
		}
		choose(id, name)
	}
	return p, nil
}

// refill rebuilds the page's rows from its form, keeping everything
// else the page says.
func (h *providerHandlers) refill(r *http.Request, p *editPage) *editPage {
	fresh := h.newEditPage(r, p.Form.withBlankRows())
	q := *p
	q.Form, q.Schedules, q.Places, q.Costs, q.Phones, q.When = fresh.Form, fresh.Schedules, fresh.Places, fresh.Costs, fresh.Phones, fresh.When
	q.StatusOpts, q.DeliveryOpts = fresh.StatusOpts, fresh.DeliveryOpts
	return &q
}

func (h *providerHandlers) newListing(w http.ResponseWriter, r *http.Request) error {
	p, err := h.newListingPage(r, listingForm{Status: string(directory.StatusActive)}.withBlankRows())
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "provider-edit", p)
	return nil
}

func (h *providerHandlers) saveNewListing(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	f, focus, rowEdited := readListingEdit(r)
	p, err := h.newListingPage(r, f)
	if err != nil {
		return err
	}
	p.Focus = focus
	if rowEdited {
		h.render(w, r, http.StatusOK, "provider-edit", p)
		return nil
	}
	orgID := resourceOrg(r)
	svc := &directory.Service{ID: uuid.NewString(), OrganizationID: orgID}
	if orgID == "" {
		p.Problems = append(p.Problems, problem{Field: "org", Message: "Choose the organisation that runs it"})
	} else {
		org, err := h.store.Organization(r.Context(), orgID)
		if err != nil {
			return fmt.Errorf("organisation %s: %w", orgID, err)
		}
		org.Services = nil
		svc.Organization = org
	}
	return h.submitListing(w, r, p, svc)
}

// listingsURL is an organisation's listings, at listing id, with the flash
// message done.
func listingsURL(orgID, id, done string) string {
	return withFlash("/provider?org="+url.QueryEscape(orgID)+"#listing-"+id, done)
}

func (h *providerHandlers) setCapacity(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	id := mux.Vars(r)["id"]
	c := directory.Capacity(clean(r.PostForm.Get("capacity"), 20))
	if _, err := h.store.SetCapacity(r.Context(), id, c, currentAccount(r).Email); err != nil {
		return fmt.Errorf("capacity of %s: %w", id, err)
	}
	return redirect(w, r, listingsURL(resourceOrg(r), id, "capacity"))
}

func (h *providerHandlers) confirmListing(w http.ResponseWriter, r *http.Request) error {
	id := mux.Vars(r)["id"]
	if _, err := h.store.ConfirmService(r.Context(), id, currentAccount(r).Email); err != nil {
		return fmt.Errorf("confirm %s: %w", id, err)
	}
	return redirect(w, r, listingsURL(resourceOrg(r), id, "confirmed"))
}

func (h *providerHandlers) withdrawDraft(w http.ResponseWriter, r *http.Request) error {
	id := mux.Vars(r)["id"]
	if err := h.store.DeleteDraft(r.Context(), id); err != nil {
		return fmt.Errorf("withdraw draft of %s: %w", id, err)
	}
	return redirect(w, r, listingsURL(resourceOrg(r), id, "withdrawn"))
}

// historyPage is a listing's revisions, newest first.
type historyPage struct {
	BasePage
	ID         string
	Name       string
	PublicHref string
	Revisions  []revisionView
	CanRestore bool
}

type revisionView struct {
	Seq     uint64
	At      string
	Actor   string
	Action  string
	Note    string
	Changes []changeView
	// Summary says in words what a revision without a field-level diff
	// was: the listing's first version, say.
	Summary     string
	Restorable  bool
	RestoreHref string
}

// changeView is one changed field, named in words.
type changeView struct {
	Field string
	Old   string
	New   string
}

var actionLabels = map[directory.RevisionAction]string{
	directory.ActionImport:   "Imported",
	directory.ActionCreate:   "Created",
	directory.ActionEdit:     "Edited",
	directory.ActionApprove:  "Changes approved",
	directory.ActionReject:   "Changes turned down",
	directory.ActionCapacity: "Capacity changed",
	directory.ActionConfirm:  "Confirmed still running",
	directory.ActionRestore:  "Earlier version restored",
	directory.ActionDelete:   "Removed",
	directory.ActionFeed:     "Updated from its feed",
	directory.ActionWithdraw: "Withdrawn: its feed no longer publishes it",
	directory.ActionAdopt:    "Adopted from its feed",
}

func (h *providerHandlers) listingHistory(w http.ResponseWriter, r *http.Request) error {
	id := mux.Vars(r)["id"]
	revs, err := h.store.Revisions(r.Context(), id)
	if err != nil {
		return fmt.Errorf("history of %s: %w", id, err)
	}
	name := id
	if svc, _, err := h.editBase(r, id); err == nil {
		name = svc.Name
	}
	p := &historyPage{
		BasePage: BasePage{Title: "History of " + name, Nav: "provider"},
		ID:       id, Name: name, PublicHref: "/activities/" + url.PathEscape(id),
		CanRestore: can(currentAccount(r), permRestore, resourceOrg(r)),
	}
	created := creations(revs)
	live, err := h.store.Service(r.Context(), id)
	if err != nil && !errors.Is(err, directory.ErrNotFound) {
		return fmt.Errorf("listing %s: %w", id, err)
	}
	for i, rev := range revs {
		label := actionLabels[rev.Action]
		if label == "" {
			label = string(rev.Action)
		}
		if rev.Action == directory.ActionEdit && len(rev.Snapshot) == 0 {
			label = "Changes sent for review"
		}
		var summary string
		switch {
		case created[i]:
			label, summary = creationText(rev)
		case len(rev.Snapshot) > 0 && len(rev.Changes) == 0:
			summary = "No field that visitors see changed."
		}
		p.Revisions = append(p.Revisions, revisionView{
			Seq: rev.Seq, At: dateTimeText(rev.At), Actor: rev.Actor, Action: label, Note: rev.Note,
			Changes: changeViews(rev.Changes), Summary: summary,
			Restorable:  restorable(rev, live),
			RestoreHref: "/provider/listings/" + url.PathEscape(id) + "/restore?seq=" + strconv.FormatUint(rev.Seq, 10),
		})
	}
	h.render(w, r, http.StatusOK, "provider-history", p)
	return nil
}

// creations marks the revisions (newest first, as Revisions returns them)
// that published a listing that did not exist just before: the first
// published one, or the first after a removal. The store records these
// with the snapshot alone and no field-level diff, since every field would
// be "new".
func creations(revs []directory.Revision) map[int]bool {
	out := map[int]bool{}
	exists := false
	for i := len(revs) - 1; i >= 0; i-- {
		switch rev := revs[i]; {
		case rev.Action == directory.ActionDelete:
			exists = false
		case len(rev.Snapshot) > 0:
			if !exists && len(rev.Changes) == 0 {
				out[i] = true
			}
			exists = true
		}
	}
	return out
}

// creationText is the heading and the sentence of a revision that created
// a listing, in place of a diff.
func creationText(rev directory.Revision) (label, summary string) {
	var snap struct {
		Name string `json:"name"`
	}
	// The name only makes the sentence friendlier; a snapshot that does
	// not decode still gets the heading.
	_ = json.Unmarshal(rev.Snapshot, &snap)
	first := "The first version of the listing"
	if snap.Name != "" {
		first = "The first version of “" + snap.Name + "”"
	}
	switch rev.Action {
	case directory.ActionImport:
		return "Imported", first + ", from an import."
	case directory.ActionApprove:
		return "Listing created", first + ", approved and published."
	}
	return "Listing created", first + ", published."
}

// restorable reports whether restoring rev would change the content of
// the live listing: a version whose content is what is live (the newest,
// or one that only changed capacity) offers no Restore.
func restorable(rev directory.Revision, live *directory.Service) bool {
	if len(rev.Snapshot) == 0 {
		return false
	}
	if live == nil {
		return true
	}
	var snap directory.Service
	if err := json.Unmarshal(rev.Snapshot, &snap); err != nil {
		return false
	}
	return len(directory.ContentDiff(live, &snap)) > 0
}

// changeViews names each changed field in words a provider knows
// ("schedules[0].byday" → "Schedule 1: days").
func changeViews(cs []directory.FieldChange) []changeView {
	out := make([]changeView, 0, len(cs))
	for _, c := range cs {
		out = append(out, changeView{Field: fieldName(c.Path), Old: c.Old, New: c.New})
	}
	return out
}

var fieldWords = map[string]string{
	"name": "Name", "description": "Description", "status": "Status", "email": "Email", "url": "Website",
	"minimum_age": "Youngest age", "maximum_age": "Oldest age", "assured_date": "Last confirmed",
	"capacity": "Capacity", "fees_description": "Cost details", "application_process": "How to join",
	"eligibility_description": "Who it is for", "byday": "days", "opens_at": "starts", "closes_at": "finishes",
	"freq": "how often", "interval": "every n weeks", "schedules": "Schedule", "phones": "Phone", "number": "number",
	"service_at_locations": "Place", "location": "", "addresses": "address", "address_1": "line 1",
	"address_2": "line 2", "city": "town", "postal_code": "postcode", "latitude": "latitude", "longitude": "longitude",
	"languages": "Language", "delivery": "How people take part", "attributes": "Topic", "cost_options": "Cost",
	"amount": "amount", "accessibility": "access", "transportation": "getting there", "organization": "Organisation",
	"taxonomy_term": "", "code": "code", "id": "id",
}

func fieldName(path string) string {
	var words []string
	for _, part := range strings.Split(path, ".") {
		name, idx, hasIdx := strings.Cut(part, "[")
		w, ok := fieldWords[name]
		if !ok {
			w = strings.ReplaceAll(name, "_", " ")
		}
		if hasIdx {
			if n, err := strconv.Atoi(strings.TrimSuffix(idx, "]")); err == nil {
				w += " " + strconv.Itoa(n+1)
			}
		}
		if w = strings.TrimSpace(w); w != "" {
			words = append(words, w)
		}
	}
	return strings.Join(words, ": ")
}

// restorePage is /provider/listings/{id}/restore?seq=N: what restoring
// an earlier version would change, with the button that does it.
type restorePage struct {
	BasePage
	ID, Name   string
	Seq        uint64
	At         string
	Changes    []changeView
	HistoryRef string
	Action     string
	// Removed says the listing is not published now; restoring brings it
	// back.
	Removed bool
}

// revisionSeq reads the revision a restore is about.
func revisionSeq(v string) (uint64, error) {
	seq, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, &httpError{status: http.StatusBadRequest, heading: "Choose a version to restore", message: "Go back to the history and use a Restore link."}
	}
	return seq, nil
}

// restoreConfirm shows the diff a restore would apply. Restoring brings
// back content only: capacity and the last confirmed date stay as they
// are, so the page shows neither.
func (h *providerHandlers) restoreConfirm(w http.ResponseWriter, r *http.Request) error {
	id := mux.Vars(r)["id"]
	seq, err := revisionSeq(r.URL.Query().Get("seq"))
	if err != nil {
		return err
	}
	current, restored, changes, err := h.store.RestorePreview(r.Context(), id, seq)
	if err != nil {
		return fmt.Errorf("restore %s revision %d: %w", id, seq, err)
	}
	p := &restorePage{
		BasePage: BasePage{Title: "Restore an earlier version of " + restored.Name, Nav: "provider"},
		ID:       id, Name: restored.Name, Seq: seq, Changes: changeViews(changes), Removed: current == nil,
		HistoryRef: "/provider/listings/" + url.PathEscape(id) + "/history",
		Action:     "/provider/listings/" + url.PathEscape(id) + "/restore",
	}
	if revs, err := h.store.Revisions(r.Context(), id); err == nil {
		for _, rev := range revs {
			if rev.Seq == seq {
				p.At = dateTimeText(rev.At)
			}
		}
	}
	h.render(w, r, http.StatusOK, "provider-restore", p)
	return nil
}

func (h *providerHandlers) restoreRevision(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	id := mux.Vars(r)["id"]
	seq, err := revisionSeq(r.PostForm.Get("seq"))
	if err != nil {
		return err
	}
	err = h.store.RestoreRevision(r.Context(), id, seq, currentAccount(r).Email)
	if errors.Is(err, directory.ErrConflict) {
		return &httpError{status: http.StatusConflict, heading: "Nothing to restore",
			message: "The listing already reads like that version.", err: err}
	}
	if err != nil {
		return fmt.Errorf("restore %s revision %d: %w", id, seq, err)
	}
	return redirect(w, r, withFlash("/provider/listings/"+url.PathEscape(id)+"/history", "restored"))
}
