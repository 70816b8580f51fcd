package directory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.etcd.io/bbolt"
)

// DraftStatus is where a provider's submitted edit stands.
type DraftStatus string

// A draft waits as pending until an admin approves it (which publishes it
// and deletes the draft) or rejects it (which keeps it, with the reason, for
// the provider to read and edit again).
const (
	DraftPending  DraftStatus = "pending"
	DraftRejected DraftStatus = "rejected"
)

// Draft is a provider's edit, or new listing, waiting for moderation. Drafts
// live in their own bucket, apart from published services, so neither
// search nor the API can ever show one. A service has at most one draft: a
// new submission replaces the last.
type Draft struct {
	ServiceID   string      `json:"service_id"`
	Service     Service     `json:"service"`
	SubmittedBy string      `json:"submitted_by"`
	SubmittedAt time.Time   `json:"submitted_at"`
	Status      DraftStatus `json:"status"`
	// Reason is the admin's explanation of a rejection, which the provider
	// sees.
	Reason     string    `json:"reason,omitempty"`
	ReviewedBy string    `json:"reviewed_by,omitempty"`
	ReviewedAt time.Time `json:"reviewed_at,omitzero"`
}

// OrganizationID is the organisation the draft's listing belongs to.
func (d *Draft) OrganizationID() string { return d.Service.OrgID() }

// OrgID is the organisation a service belongs to: organization_id, or the
// id of the nested organization when a publisher sent only that.
func (s *Service) OrgID() string {
	if s.OrganizationID == "" && s.Organization != nil {
		return s.Organization.ID
	}
	return s.OrganizationID
}

// MaxReasonLen caps a rejection reason: a few sentences to the provider.
const MaxReasonLen = 2000

// SubmitDraft stores svc as the pending draft of its service, replacing any
// earlier draft, and records the submission in the history with its diff
// against the published version. It fails with a *ValidationError when the
// listing is not fit to publish, so what waits for an admin can be approved
// as it stands. A new listing (no published version) is submitted the same
// way.
func (s *Store) SubmitDraft(ctx context.Context, svc *Service, actor string) (Draft, error) {
	if errs := svc.Validate().Errors(); len(errs) > 0 {
		return Draft{}, &ValidationError{ID: svc.ID, Problems: errs}
	}
	d := Draft{
		ServiceID: svc.ID, Service: *svc, SubmittedBy: actor,
		SubmittedAt: s.now().UTC(), Status: DraftPending,
	}
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		prev, err := getService(tx, svc.ID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		changes := ContentDiff(prev, svc)
		if prev != nil && len(changes) == 0 {
			return nil, fmt.Errorf("draft of %s: %w: nothing differs from the published listing", svc.ID, ErrConflict)
		}
		if err := putDraft(tx, &d); err != nil {
			return nil, err
		}
		// No snapshot: a submission was never published, so there is nothing
		// to restore.
		return nil, s.appendRevision(tx, Revision{
			ServiceID: svc.ID, Actor: actor, Action: ActionEdit,
			Note: "submitted for review", Changes: changes,
		})
	})
	if err != nil {
		return Draft{}, err
	}
	return d, nil
}

func putDraft(tx *bbolt.Tx, d *Draft) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode draft %s: %w", d.ServiceID, err)
	}
	return tx.Bucket(bucketDrafts).Put([]byte(d.ServiceID), raw)
}

func getDraft(tx *bbolt.Tx, serviceID string) (*Draft, error) {
	raw := tx.Bucket(bucketDrafts).Get([]byte(serviceID))
	if raw == nil {
		return nil, fmt.Errorf("draft of %s: %w", serviceID, ErrNotFound)
	}
	var d Draft
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("draft of %s: decode: %w", serviceID, err)
	}
	return &d, nil
}

// Draft returns the draft of a service, or an error wrapping ErrNotFound.
func (s *Store) Draft(ctx context.Context, serviceID string) (*Draft, error) {
	var d *Draft
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		d, err = getDraft(tx, serviceID)
		return err
	})
	return d, err
}

// Drafts returns the drafts with the given status (all when status is
// empty), oldest submission first: the moderation queue's order.
func (s *Store) Drafts(ctx context.Context, status DraftStatus) ([]Draft, error) {
	var out []Draft
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketDrafts).ForEach(func(k, v []byte) error {
			var d Draft
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("draft of %s: decode: %w", k, err)
			}
			if status == "" || d.Status == status {
				out = append(out, d)
			}
			return nil
		})
	})
	slices.SortStableFunc(out, func(a, b Draft) int { return a.SubmittedAt.Compare(b.SubmittedAt) })
	return out, err
}

// Review is an admin's decision on the pending draft of one service.
type Review struct {
	ServiceID string
	Actor     string
	// Note goes into the listing's history. Approving, it is optional;
	// rejecting, it is the reason the provider reads, and required.
	Note string
}

// ApproveDraft publishes a pending draft and deletes it, in one transaction,
// so the approval is searchable as soon as watchers hear of it. It applies
// the draft's content and nothing else: capacity and the assured date are
// set without moderation and may have moved on since the draft was
// written, so they keep their published values, and the change is exactly
// ContentDiff of the two, which the reviewer was shown. A new listing,
// which has no published values, counts as confirmed on the day it was
// submitted.
func (s *Store) ApproveDraft(ctx context.Context, rv Review) error {
	serviceID, actor, note := rv.ServiceID, rv.Actor, rv.Note
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		d, err := getDraft(tx, serviceID)
		if err != nil {
			return nil, err
		}
		if d.Status != DraftPending {
			return nil, fmt.Errorf("draft of %s: %w: it is %s, not pending", serviceID, ErrConflict, d.Status)
		}
		svc := d.Service
		prev, err := getService(tx, serviceID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		svc.KeepOperational(prev)
		if submitted := d.SubmittedAt.Format(time.DateOnly); prev == nil && laterDate(submitted, svc.AssuredDate) {
			svc.AssuredDate = submitted
		}
		if errs := svc.Validate().Errors(); len(errs) > 0 {
			return nil, &ValidationError{ID: svc.ID, Problems: errs}
		}
		if note == "" {
			note = "approved the edit submitted by " + d.SubmittedBy
		}
		if _, err := s.putService(tx, &svc, Save{Actor: actor, Action: ActionApprove, Note: note}); err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketDrafts).Delete([]byte(serviceID)); err != nil {
			return nil, err
		}
		if err := s.noticeToSubmitter(tx, d, actor, Message{Kind: MessageDraftApproved}); err != nil {
			return nil, err
		}
		return []string{serviceID}, nil
	})
}

// noticeToSubmitter queues m, a notice of an admin's decision on draft d,
// to the account that submitted it, unless the admin decided on their own
// draft.
func (s *Store) noticeToSubmitter(tx *bbolt.Tx, d *Draft, actor string, m Message) error {
	if NormalizeEmail(d.SubmittedBy) == NormalizeEmail(actor) {
		return nil
	}
	m.ServiceID, m.ServiceName = d.ServiceID, d.Service.Name
	return s.queueToAccount(tx, d.SubmittedBy, m)
}

// laterDate reports whether date a (YYYY-MM-DD) is after b, where b may be
// empty or in any form HSDS publishers use.
func laterDate(a, b string) bool {
	ta, ok := parseDate(a)
	if !ok {
		return false
	}
	tb, ok := parseDate(b)
	return !ok || ta.After(tb)
}

// RejectDraft turns a pending draft down with a reason (the review's note)
// the provider sees. The draft is kept, so the provider can correct it and
// submit again, and the rejection is recorded in the listing's history.
func (s *Store) RejectDraft(ctx context.Context, rv Review) error {
	serviceID, actor, reason := rv.ServiceID, rv.Actor, strings.TrimSpace(rv.Note)
	var ch checker
	switch {
	case reason == "":
		ch.errorf("reason", "say why, so the provider can put it right")
	case len([]rune(reason)) > MaxReasonLen:
		ch.errorf("reason", "keep it under %d characters", MaxReasonLen)
	}
	if len(ch.problems) > 0 {
		return &ValidationError{ID: serviceID, Problems: ch.problems}
	}
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		d, err := getDraft(tx, serviceID)
		if err != nil {
			return nil, err
		}
		if d.Status != DraftPending {
			return nil, fmt.Errorf("draft of %s: %w: it is %s, not pending", serviceID, ErrConflict, d.Status)
		}
		prev, err := getService(tx, serviceID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		d.Status, d.Reason, d.ReviewedBy, d.ReviewedAt = DraftRejected, reason, actor, s.now().UTC()
		if err := putDraft(tx, d); err != nil {
			return nil, err
		}
		if err := s.noticeToSubmitter(tx, d, actor, Message{Kind: MessageDraftRejected, Text: reason}); err != nil {
			return nil, err
		}
		return nil, s.appendRevision(tx, Revision{
			ServiceID: serviceID, Actor: actor, Action: ActionReject, Note: reason,
			Changes: ContentDiff(prev, &d.Service),
		})
	})
}

// DeleteDraft withdraws a draft; the published listing is untouched.
func (s *Store) DeleteDraft(ctx context.Context, serviceID string) error {
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		if _, err := getDraft(tx, serviceID); err != nil {
			return nil, err
		}
		return nil, tx.Bucket(bucketDrafts).Delete([]byte(serviceID))
	})
}

// SetCapacity changes a published service's capacity at once, without
// moderation: link workers need to know today that a group is full. It
// reports whether anything changed.
func (s *Store) SetCapacity(ctx context.Context, serviceID string, c Capacity, actor string) (bool, error) {
	if !c.Valid() || c == "" {
		return false, &ValidationError{ID: serviceID, Problems: Problems{{Path: "capacity", Message: fmt.Sprintf("%q is not one of accepting, waiting-list, full, paused", clip(string(c)))}}}
	}
	return s.editPublished(ctx, serviceID, Save{Actor: actor, Action: ActionCapacity, Note: "capacity: " + c.Label()}, func(svc *Service) {
		svc.Capacity = c
	})
}

// ConfirmService records that a person has checked the listing is still
// right ("still running — confirm"): assured_date becomes today. It reports
// whether anything changed (a second confirmation on one day does not).
func (s *Store) ConfirmService(ctx context.Context, serviceID, actor string) (bool, error) {
	today := s.now().UTC().Format(time.DateOnly)
	return s.editPublished(ctx, serviceID, Save{Actor: actor, Action: ActionConfirm, Note: "confirmed still running"}, func(svc *Service) {
		svc.AssuredDate = today
	})
}

// editPublished applies edit to the published version of a service in one
// transaction and saves it with a revision.
func (s *Store) editPublished(ctx context.Context, serviceID string, save Save, edit func(*Service)) (bool, error) {
	var changed bool
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		svc, err := getService(tx, serviceID)
		if err != nil {
			return nil, err
		}
		edit(svc)
		changed, err = s.putService(tx, svc, save)
		if err != nil || !changed {
			return nil, err
		}
		return []string{serviceID}, nil
	})
	return changed, err
}

// ChaseAfter is how long a listing may go without anyone confirming it
// before the stale report chases it.
const ChaseAfter = 6 * 30 * 24 * time.Hour

// StaleListing is one line of the stale report.
type StaleListing struct {
	ServiceID        string
	Name             string
	OrganizationID   string
	OrganizationName string
	// Assured is when the listing was last confirmed; zero when never.
	Assured time.Time
	// Contact is how to reach whoever runs the listing: the e-mail
	// addresses and phone numbers of the listing and its organisation.
	Contact []string
	// Providers are the e-mail addresses of the provider accounts that can
	// confirm it.
	Providers []string
	// Area is the town of its first place.
	Area string
}

// StaleServices lists the published, active services nobody has confirmed
// since before cutoff (never-confirmed ones included), never-confirmed
// first and then oldest confirmation first, each with whom to ask. It
// returns at most limit listings (all when limit ≤ 0) and the total count.
func (s *Store) StaleServices(ctx context.Context, cutoff time.Time, limit int) ([]StaleListing, int, error) {
	page, err := s.StaleReport(ctx, StaleQuery{Cutoff: cutoff, Limit: limit})
	return page.Listings, page.Total, err
}

// StaleQuery is one page of the stale report.
type StaleQuery struct {
	// Cutoff keeps listings last confirmed before it; NeverOnly keeps only
	// those never confirmed.
	Cutoff    time.Time
	NeverOnly bool
	// OrgID keeps one organisation's listings.
	OrgID string
	// Area keeps listings with a place in it: a town (the address's city
	// or second line, any case) or a postcode district ("L20").
	Area string
	// Offset listings are skipped; at most Limit are returned (all when
	// Limit ≤ 0).
	Offset, Limit int
}

// StalePage is a page of the stale report and how many listings the
// whole report holds.
type StalePage struct {
	Listings []StaleListing
	Total    int
}

// StaleReport lists the stale listings q asks for, in the report's order
// (never confirmed first, then oldest confirmation first). Without an area
// it reads only the listings shown: the order and the organisation come
// from indexes. An area means reading each stale listing's places.
func (s *Store) StaleReport(ctx context.Context, q StaleQuery) (StalePage, error) {
	var page StalePage
	before := []byte(q.Cutoff.Format("2006-01-02"))
	if q.NeverOnly {
		before = []byte(neverAssured + "~")
	}
	area := strings.ToUpper(strings.TrimSpace(q.Area))
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		providers, err := providersByOrg(tx)
		if err != nil {
			return err
		}
		orgs := tx.Bucket(bucketOrganizations)
		byOrg := tx.Bucket(bucketServicesByOrg).Cursor()
		return eachIndexed(tx.Bucket(bucketActiveByAssured), nil, func(key []byte, id string) (bool, error) {
			if bytes.Compare(key[:min(len(before), len(key))], before) >= 0 {
				return false, nil
			}
			if q.OrgID != "" {
				want := []byte(q.OrgID + "/" + id)
				if k, _ := byOrg.Seek(want); !bytes.Equal(k, want) {
					return true, nil
				}
			}
			var svc *Service
			if area != "" {
				if svc, err = getService(tx, id); err != nil {
					return false, err
				}
				if !inArea(svc, area) {
					return true, nil
				}
			}
			page.Total++
			if page.Total <= q.Offset || (q.Limit > 0 && len(page.Listings) >= q.Limit) {
				return true, nil
			}
			if svc == nil {
				if svc, err = getService(tx, id); err != nil {
					return false, err
				}
			}
			line, err := staleLine(svc, orgs, providers)
			if err != nil {
				return false, err
			}
			page.Listings = append(page.Listings, line)
			return true, nil
		})
	})
	return page, err
}

func staleLine(svc *Service, orgs *bbolt.Bucket, providers map[string][]string) (StaleListing, error) {
	assured, _ := svc.Assured()
	orgID := svc.OrgID()
	line := StaleListing{ServiceID: svc.ID, Name: svc.Name, OrganizationID: orgID, Assured: assured, Area: areaOf(svc)}
	var org *Organization
	if raw := orgs.Get([]byte(orgID)); raw != nil {
		org = &Organization{}
		if err := json.Unmarshal(raw, org); err != nil {
			return line, fmt.Errorf("organization %s: decode: %w", orgID, err)
		}
		line.OrganizationName = org.Name
	}
	line.Contact = contactsOf(svc, org)
	line.Providers = providers[orgID]
	return line, nil
}

// inArea reports whether a physical place of svc is in area (upper case):
// its town or district line, or its postcode district.
func inArea(svc *Service, area string) bool {
	for _, sal := range svc.ServiceAtLocations {
		if sal.Location == nil {
			continue
		}
		for _, a := range sal.Location.Addresses {
			district, _, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(a.PostalCode)), " ")
			if strings.EqualFold(a.City, area) || strings.EqualFold(a.Address2, area) || district == area {
				return true
			}
		}
	}
	return false
}

// areaOf names where a listing is, for the report: the first place's
// town.
func areaOf(svc *Service) string {
	for _, sal := range svc.ServiceAtLocations {
		if sal.Location != nil {
			for _, a := range sal.Location.Addresses {
				if a.City != "" {
					return a.City
				}
			}
		}
	}
	return ""
}

// providersByOrg maps each organisation to its enabled provider accounts.
func providersByOrg(tx *bbolt.Tx) (map[string][]string, error) {
	providers := map[string][]string{}
	err := tx.Bucket(bucketAccounts).ForEach(func(k, v []byte) error {
		var a Account
		if err := json.Unmarshal(v, &a); err != nil {
			return fmt.Errorf("account %s: decode: %w", k, err)
		}
		if a.Role == RoleProvider && !a.Disabled {
			for _, org := range a.Orgs {
				providers[org] = append(providers[org], a.Email)
			}
		}
		return nil
	})
	return providers, err
}

// contactsOf gathers the distinct e-mail addresses and phone numbers of a
// service and its organisation, the service's own first.
func contactsOf(svc *Service, org *Organization) []string {
	var out []string
	add := func(v string) {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	add(svc.Email)
	for _, p := range svc.Phones {
		add(p.Number)
	}
	for _, c := range svc.Contacts {
		add(c.Email)
	}
	if org != nil {
		add(org.Email)
		for _, p := range org.Phones {
			add(p.Number)
		}
	}
	return out
}

// DraftsOf returns the drafts of an organisation's listings, newest
// submission first, for its providers' own pages.
func (s *Store) DraftsOf(ctx context.Context, orgID string) ([]Draft, error) {
	all, err := s.Drafts(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []Draft
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].OrganizationID() == orgID {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// ServicesOf returns the published services of one organisation in name
// order, read through the organisation index.
func (s *Store) ServicesOf(ctx context.Context, orgID string) ([]Service, error) {
	var out []Service
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return eachIndexed(tx.Bucket(bucketServicesByOrg), []byte(orgID+"/"), func(_ []byte, id string) (bool, error) {
			svc, err := getService(tx, id)
			if err != nil {
				return false, err
			}
			out = append(out, *svc)
			return true, nil
		})
	})
	slices.SortStableFunc(out, func(a, b Service) int { return strings.Compare(a.Name, b.Name) })
	return out, err
}
