package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"go.etcd.io/bbolt"

	"signpost/directory"
)

// postFrom posts the form matched by sel on p as a browser on origin
// would: the form's hidden fields, the values given, and the Origin
// header. Radios and checkboxes are sent only as values says.
func (v *visitor) postFrom(p *testPage, sel, origin string, values url.Values) *testPage {
	v.t.Helper()
	target, fields := v.fillForm(p, sel, "input[type=hidden]", values)
	req, err := http.NewRequest("POST", target, strings.NewReader(fields.Encode()))
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	return v.do(req)
}

// followUpWalk is a link worker's list of two activities in L20, shared,
// answered through the link (one answer changed) and followed up five
// weeks later, as TestFollowUpJourney leaves it.
type followUpWalk struct {
	site      *listSite
	alice     *visitor
	person    *visitor
	token     string
	listID    string
	svcs      []*directory.Service
	week1     string
	week2     string
	note      string
	reference string
}

func TestFollowUpJourney(t *testing.T) {
	w := walkFollowUp(t)
	ctx := context.Background()

	t.Run("the aggregates count the answers as they stand", func(t *testing.T) {
		rows, err := w.site.store.OutcomeAggregates(ctx, directory.OutcomeFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var went, notForMe *directory.OutcomeRow
		for i, r := range rows {
			if r.District != "L20" {
				t.Errorf("row %+v: district %q, want L20", r.OutcomeKey, r.District)
			}
			if r.Status[directory.StatusGoing] != 0 {
				t.Errorf("row %+v still counts the changed answer %q", r.OutcomeKey, directory.StatusGoing)
			}
			switch {
			case r.ServiceID == w.svcs[0].ID:
				went = &rows[i]
			case r.ServiceID == w.svcs[1].ID:
				notForMe = &rows[i]
			}
		}
		if len(rows) != 2 || went == nil || notForMe == nil {
			t.Fatalf("rows = %+v, want one per activity", rows)
		}
		if went.Week != w.week2 || went.Status[directory.StatusWent] != 1 || went.Help[directory.HelpALot] != 1 || went.Answers() != 1 {
			t.Errorf("the activity they went to: %+v", *went)
		}
		if notForMe.Week != w.week1 || notForMe.Status[directory.StatusNotForMe] != 1 || notForMe.Answers() != 1 || len(notForMe.Help) != 0 {
			t.Errorf("the activity not for them: %+v", *notForMe)
		}
		if want := w.svcs[0].TermCodes(directory.TaxonomyNeeds); !sameCodes(went.Needs, want) {
			t.Errorf("needs %v, want the activity's %v", went.Needs, want)
		}
		// Start 4, 5, 3, 8; follow-up 6, 5, 7, 5.
		for q, change := range map[directory.WellbeingQuestion]int{
			directory.WellbeingLifeSatisfaction: 2, directory.WellbeingWorthwhile: 0,
			directory.WellbeingHappiness: 4, directory.WellbeingAnxiety: -3,
		} {
			h := went.Wellbeing[q]
			if h == nil || h.N() != 1 {
				t.Errorf("%s: %v, want one change", q, h)
				continue
			}
			if got, _ := h.Median(); got != change {
				t.Errorf("%s changed by %d, want %d", q, got, change)
			}
		}
		if len(notForMe.Wellbeing) != 0 {
			t.Errorf("the change is counted under an activity they did not go to: %v", notForMe.Wellbeing)
		}
	})

	t.Run("the person's browser was given no cookie", func(t *testing.T) {
		u, _ := url.Parse(w.site.ts.URL)
		if cookies := w.person.c.Jar.Cookies(u); len(cookies) != 0 {
			t.Errorf("cookies after the walk: %v", cookies)
		}
	})

	t.Run("every bucket of the store holds nothing that identifies", func(t *testing.T) {
		inspectStore(t, w)
	})
}

func sameCodes(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// walkFollowUp runs the journey: alice makes and shares a list, the
// person answers through the link, changes one answer and follows up.
func walkFollowUp(t *testing.T) *followUpWalk {
	t.Helper()
	site := newListSite(t)
	now := testNow()
	site.store.SetClock(func() time.Time { return now })
	w := &followUpWalk{site: site, svcs: site.sampleServices(t, 2), note: "Ask for Jo at the door", reference: "Mrs K, Tuesday"}
	w.alice = site.linkWorker(t, "alice@example.org")
	w.week1 = directory.ISOWeek(now)

	page := startList(t, w.alice, w.reference, w.svcs[0])
	page = addTo(t, w.alice, w.reference, w.svcs[1])
	base := page.url.Path
	w.listID = strings.TrimPrefix(base, "/shortlists/")
	page = w.alice.get(base)
	page = w.alice.submit(page, "#list-form", url.Values{
		"place": {"L20 3AB"}, "note-" + w.svcs[0].ID: {w.note}, "shared-" + w.svcs[0].ID: {"1"}})
	if page.status != http.StatusOK {
		t.Fatalf("saving the place: status %d", page.status)
	}
	page = w.alice.submit(w.alice.get(base), `form[action="`+base+`/share"]`, nil)
	shareURL, _ := page.doc.Find("#share-url").Attr("value")
	w.token = strings.TrimPrefix(shareURL, site.ts.URL+"/s/")
	if w.token == "" || w.token == shareURL {
		t.Fatalf("share link %q", shareURL)
	}
	origin := site.ts.URL
	w.person = site.visitor(t)
	shared := "/s/" + w.token

	t.Run("the shared page asks, and sets no cookie", func(t *testing.T) {
		p := w.person.get(shared)
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		if sc := p.header.Values("Set-Cookie"); len(sc) != 0 {
			t.Errorf("the shared page sets cookies: %q", sc)
		}
		u, _ := url.Parse(site.ts.URL)
		if cookies := w.person.c.Jar.Cookies(u); len(cookies) != 0 {
			t.Errorf("the person's browser holds cookies: %v", cookies)
		}
		forms := p.doc.Find("form.answer-form")
		if forms.Length() != 2 {
			t.Fatalf("%d answer forms, want one per activity", forms.Length())
		}
		for _, svc := range w.svcs {
			f := p.doc.Find("#item-" + svc.ID + " form.answer-form")
			if action, _ := f.Attr("action"); action != shared {
				t.Errorf("answer form posts to %q, want %q", action, shared)
			}
			if got := f.Find("fieldset.answer-status legend").Text(); got != "Have you been to "+svc.Name+"?" {
				t.Errorf("legend %q", got)
			}
			var labels []string
			f.Find("fieldset.answer-status input[type=radio]").Each(func(_ int, in *goquery.Selection) {
				id, _ := in.Attr("id")
				labels = append(labels, f.Find(`label[for="`+id+`"]`).Text())
			})
			if strings.Join(labels, "|") != "I went|I'm going|Not yet|Not for me" {
				t.Errorf("answers offered: %q", labels)
			}
			if n := f.Find("fieldset.answer-help input[name=help]").Length(); n != 4 {
				t.Errorf("%d help answers, want 4", n)
			}
			if f.Find("input[name=csrf_token], textarea, input[type=text]").Length() != 0 {
				t.Error("the answer form has a CSRF field or a box to type in")
			}
		}
		wb := p.doc.Find("#wellbeing form")
		if n := wb.Find("fieldset.scale-question").Length(); n != 4 {
			t.Errorf("%d wellbeing questions, want 4", n)
		}
		if n := wb.Find("input[type=radio]").Length(); n != 44 {
			t.Errorf("%d wellbeing choices, want 44 (0 to 10 for each question)", n)
		}
	})

	t.Run("a post from elsewhere is refused", func(t *testing.T) {
		p := w.person.get(shared)
		for _, o := range []string{"", "https://elsewhere.example", "null"} {
			got := w.person.postFrom(p, "#answer-"+w.svcs[0].ID, o, url.Values{"status": {"went"}})
			if got.status != http.StatusForbidden {
				t.Errorf("Origin %q: status %d, want 403", o, got.status)
			}
		}
	})

	t.Run("wellbeing sent with nothing chosen is refused with the reason", func(t *testing.T) {
		p := w.person.postFrom(w.person.get(shared), "#wellbeing form", origin, nil)
		if p.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", p.status)
		}
		if link, _ := p.doc.Find(".error-summary a").Attr("href"); link != "#wellbeing" || p.doc.Find("#wellbeing-error").Length() == 0 {
			t.Errorf("error summary links to %q; the section's error: %q", link, textOf(p.doc.Find("#wellbeing .error-message")))
		}
	})

	t.Run("the person answers", func(t *testing.T) {
		p := w.person.get(shared)
		p = w.person.postFrom(p, "#wellbeing form", origin, url.Values{
			"life-satisfaction": {"4"}, "worthwhile": {"5"}, "happiness": {"3"}, "anxiety": {"8"}})
		if p.status != http.StatusOK || p.doc.Find("#wellbeing [role=status]").Length() == 0 {
			t.Fatalf("after the start scores: status %d, %s", p.status, textOf(p.doc.Find("#wellbeing")))
		}
		if p.doc.Find("#wellbeing form").Length() != 0 || !strings.Contains(textOf(p.doc.Find("#wellbeing")), "again from") {
			t.Errorf("the wellbeing section after the start: %s", textOf(p.doc.Find("#wellbeing")))
		}
		p = w.person.postFrom(p, "#answer-"+w.svcs[0].ID, origin, url.Values{"status": {"going"}})
		if p.status != http.StatusOK || p.url.Query().Get("saved") != w.svcs[0].ID {
			t.Fatalf("after answering: status %d at %s", p.status, p.url)
		}
		f := p.doc.Find("#answer-" + w.svcs[0].ID)
		if f.Find(".answer-saved").Length() == 0 || !f.Find(`input[value=going]`).Is("[checked]") {
			t.Errorf("the saved answer is not shown: %s", textOf(f))
		}
		p = w.person.postFrom(p, "#answer-"+w.svcs[1].ID, origin, url.Values{"status": {"not-for-me"}})
		if p.status != http.StatusOK {
			t.Fatalf("second answer: status %d", p.status)
		}
	})

	t.Run("an answer with nothing chosen is refused with the reason", func(t *testing.T) {
		p := w.person.postFrom(w.person.get(shared), "#answer-"+w.svcs[0].ID, origin, nil)
		if p.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", p.status)
		}
		if got := textOf(p.doc.Find(".error-summary a")); got != "Choose an answer about "+w.svcs[0].Name+"." {
			t.Errorf("error summary says %q", got)
		}
		link, _ := p.doc.Find(".error-summary a").Attr("href")
		if link != "#answer-"+w.svcs[0].ID || p.doc.Find("#answer-"+w.svcs[0].ID+"-error").Length() == 0 {
			t.Errorf("error summary links to %q; the form's error: %q", link, textOf(p.doc.Find(".error-message")))
		}
		if d, _ := p.doc.Find("#answer-" + w.svcs[0].ID + " fieldset.answer-status").Attr("aria-describedby"); d != "answer-"+w.svcs[0].ID+"-error" {
			t.Errorf("the question is described by %q, want its error", d)
		}
		// The answer saved before stands.
		if !p.doc.Find("#answer-" + w.svcs[0].ID + ` input[value=going]`).Is("[checked]") {
			t.Error("the saved answer is not shown after a refused post")
		}
	})

	t.Run("the link worker sees the answers", func(t *testing.T) {
		p := w.alice.get(base)
		got := textOf(p.doc.Find("#item-" + w.svcs[0].ID + " .item-answer dd"))
		if !strings.HasPrefix(got, "I'm going") {
			t.Errorf("the link worker sees %q", got)
		}
	})

	// Five weeks on: the person went, it helped, and they answer the
	// wellbeing questions again.
	now = now.Add(35 * 24 * time.Hour)
	w.week2 = directory.ISOWeek(now)
	w.alice.startSession("alice@example.org") // the first has run out

	t.Run("five weeks on, the answer changes and the follow-up is counted", func(t *testing.T) {
		p := w.person.get(shared)
		if p.doc.Find("#wellbeing form").Length() == 0 {
			t.Fatalf("the follow-up is not asked: %s", textOf(p.doc.Find("#wellbeing")))
		}
		p = w.person.postFrom(p, "#answer-"+w.svcs[0].ID, origin, url.Values{"status": {"went"}, "help": {"a-lot"}})
		if p.status != http.StatusOK {
			t.Fatalf("changing the answer: status %d", p.status)
		}
		p = w.person.postFrom(p, "#wellbeing form", origin, url.Values{
			"life-satisfaction": {"6"}, "worthwhile": {"5"}, "happiness": {"7"}, "anxiety": {"5"}})
		if p.status != http.StatusOK || p.doc.Find("#wellbeing form").Length() != 0 {
			t.Fatalf("after the follow-up: status %d, %s", p.status, textOf(p.doc.Find("#wellbeing")))
		}
		if !strings.Contains(textOf(p.doc.Find("#wellbeing")), "deleted") {
			t.Errorf("the page does not say the answers are deleted: %s", textOf(p.doc.Find("#wellbeing")))
		}
	})

	t.Run("the link worker sees the changed answer and no scores", func(t *testing.T) {
		p := w.alice.get(base)
		got := textOf(p.doc.Find("#item-" + w.svcs[0].ID + " .item-answer dd"))
		if !strings.HasPrefix(got, "I went, and it helped a lot") {
			t.Errorf("the link worker sees %q", got)
		}
		main := strings.ToLower(textOf(p.doc.Find("main")))
		for _, word := range []string{"wellbeing", "anxious", "satisfied", "happy"} {
			if strings.Contains(main, word) {
				t.Errorf("the link worker's page mentions %q", word)
			}
		}
	})
	return w
}

// inspectStore copies the store and walks every bucket, nested ones too,
// looking for anything that could identify the person beside their
// answers, and for any wellbeing score left after the follow-up.
func inspectStore(t *testing.T, w *followUpWalk) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "copy.db")
	if _, err := w.site.store.BackupFile(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// Nowhere in the store: the share token, the address the person's
	// requests came from, or any cookie value of either browser.
	anywhere := map[string]string{"share token": w.token, "client address": "127.0.0.1"}
	u, _ := url.Parse(w.site.ts.URL)
	for _, v := range []*visitor{w.alice, w.person} {
		for _, c := range v.c.Jar.Cookies(u) {
			anywhere["cookie "+c.Name] = c.Value
		}
	}
	// Not beside an answer: the link worker's account, the list's
	// reference and note, the token's hash; and, in the aggregates, not
	// even the list's id.
	beside := map[string]string{
		"account": "alice@example.org", "reference": w.reference, "note": w.note,
		"token hash": directory.HashToken(w.token),
	}
	answerBuckets := map[string]bool{"outcome_answers": true, "outcome_weeks": true, "wellbeing_starts": true}
	seen := map[string]int{}
	var walk func(path []string, b *bbolt.Bucket) error
	walk = func(path []string, b *bbolt.Bucket) error {
		name := strings.Join(path, "/")
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				if nested := b.Bucket(k); nested != nil {
					return walk(append(slices.Clone(path), string(k)), nested)
				}
			}
			seen[name]++
			pair := append(append(slices.Clone(k), 0), v...)
			for what, s := range anywhere {
				if s != "" && bytes.Contains(pair, []byte(s)) {
					t.Errorf("bucket %s key %q holds the %s", name, k, what)
				}
			}
			if bytes.Contains(pair, []byte(`"scores"`)) {
				t.Errorf("bucket %s key %q holds wellbeing scores after the follow-up", name, k)
			}
			if !answerBuckets[path[0]] {
				return nil
			}
			for what, s := range beside {
				if bytes.Contains(pair, []byte(s)) {
					t.Errorf("bucket %s key %q holds the %s beside an answer", name, k, what)
				}
			}
			switch path[0] {
			case "outcome_weeks":
				if bytes.Contains(pair, []byte(w.listID)) {
					t.Errorf("aggregate %q names the list", k)
				}
				assertKeys(t, name, k, v, "status", "help", "wellbeing")
			case "outcome_answers":
				if len(bytes.TrimPrefix(k, []byte(w.listID+"\x00"))) == 0 {
					assertKeys(t, name, k, v, "day")
				} else {
					assertKeys(t, name, k, v, "status", "help", "day", "counted")
				}
			case "wellbeing_starts":
				t.Errorf("a wellbeing start is held after the follow-up: %q", k)
			}
			return nil
		})
	}
	err = db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bbolt.Bucket) error { return walk([]string{string(name)}, b) })
	})
	if err != nil {
		t.Fatal(err)
	}
	// The walk saw the buckets it is about.
	if seen["outcome_answers"] != 3 || seen["outcome_weeks"] != 2 || seen["shortlists"] == 0 || seen["shares"] == 0 {
		t.Errorf("entries seen per bucket: %v", seen)
	}
}

// assertKeys fails unless the JSON object v has only the given fields.
func assertKeys(t *testing.T, bucket string, k, v []byte, allowed ...string) {
	t.Helper()
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(v, &fields); err != nil {
		t.Errorf("bucket %s key %q: %v", bucket, k, err)
		return
	}
	for f := range fields {
		if !slices.Contains(allowed, f) {
			t.Errorf("bucket %s key %q holds a field %q", bucket, k, f)
		}
	}
}
