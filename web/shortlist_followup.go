package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"signpost/directory"
)

// The follow-up on a shared list: the person holding the link says, for
// each activity, whether they went and whether it helped, and may rate
// their wellbeing when the list is made and again later. No account, no
// cookie and no typed text: the token in the address is the permission,
// the forms post back to that same address, and only the answers chosen
// from fixed options are kept (directory/outcomes*.go, PRIVACY.md).

// OutcomeStore keeps the follow-up's answers. *directory.Store satisfies
// it.
type OutcomeStore interface {
	SharedFollowUp(ctx context.Context, token string) (directory.FollowUp, error)
	AnswerShared(ctx context.Context, token, serviceID string, status directory.OutcomeStatus, help directory.HelpLevel) error
	RecordWellbeing(ctx context.Context, token string, scores directory.WellbeingScores) (directory.WellbeingStage, error)
	ListAnswers(ctx context.Context, owner directory.Owner, id string) (map[string]directory.Answer, error)
}

// choiceView is one radio button.
type choiceView struct {
	ID      string
	Value   string
	Label   string
	Checked bool
}

// answerView is the follow-up form of one activity on the shared page.
type answerView struct {
	formContext
	ServiceID string
	Name      string
	Statuses  []choiceView
	Helps     []choiceView
	// Current is the saved answer in words ("I went: it helped a lot"),
	// empty when none is saved.
	Current string
	// Saved: this answer was just saved.
	Saved bool
}

// formContext is what each follow-up form needs of its page: where it
// posts, the CSRF field (for a signed-in visitor only; see sessions) and
// its problem after a refused post.
type formContext struct {
	Action  string
	CSRF    template.HTML
	Problem *problem
}

// wellbeingQuestionView is one ONS4 question with its 0–10 scale.
type wellbeingQuestionView struct {
	ID string
	// Name is the form field: the question's code.
	Name      string
	Text      string
	Low, High string
	Choices   []choiceView
	Error     string
}

// wellbeingView is the wellbeing section of the shared page.
type wellbeingView struct {
	formContext
	// Ask: the questions are offered (no start yet, or the follow-up is
	// due); FollowUp says which.
	Ask       bool
	FollowUp  bool
	Questions []wellbeingQuestionView
	// Waiting is when the follow-up is asked, once a start is held.
	Waiting string
	Done    bool
	Saved   bool
}

// followUpSection is what the shared page shows of the follow-up; nil
// when the list has none (a My list).
type followUpSection struct {
	Action    string
	Answers   map[string]*answerView
	Wellbeing wellbeingView
}

// problemNoAnswer is an answer form sent with nothing chosen; the page
// names the activity.
const problemNoAnswer = "Choose an answer about this activity."

// Problems on the shared page point at these controls.
const (
	wellbeingErrorField = "wellbeing"
	answerFormField     = "form"
)

// followUpOf builds the shared page's follow-up section; refused is a
// refused post, whose values and problem show again.
func (h *shortlistHandlers) followUpOf(r *http.Request, token string, items []listItemView, refused *followUpPost) (*followUpSection, error) {
	fu, err := h.outcomes.SharedFollowUp(r.Context(), token)
	if err != nil {
		return nil, err
	}
	if fu.Wellbeing == directory.WellbeingNotOffered {
		return nil, nil
	}
	saved := r.URL.Query().Get("saved")
	sec := &followUpSection{Action: "/s/" + url.PathEscape(token), Answers: map[string]*answerView{}}
	form := formContext{Action: sec.Action, CSRF: sessionViewOf(r).CSRFField}
	for _, it := range items {
		a := fu.Answers[it.ServiceID]
		status, help := string(a.Status), string(a.Help)
		v := &answerView{formContext: form, ServiceID: it.ServiceID, Name: it.Name, Saved: saved == it.ServiceID && a.Status != ""}
		if a.Status != "" {
			v.Current = answerWords(a)
		}
		if refused != nil && refused.service == it.ServiceID {
			// What was sent shows again; a post with nothing chosen leaves
			// the saved answer showing.
			if refused.status != "" {
				status, help = refused.status, refused.help
			}
			msg := refused.problem
			if msg == problemNoAnswer {
				msg = "Choose an answer about " + it.Name + "."
			}
			v.Problem = &problem{Field: "answer-" + it.ServiceID, Message: msg}
		}
		for _, s := range directory.OutcomeStatuses {
			v.Statuses = append(v.Statuses, choiceView{ID: "status-" + it.ServiceID + "-" + string(s), Value: string(s), Label: s.Label(), Checked: status == string(s)})
		}
		for _, l := range directory.HelpLevels {
			v.Helps = append(v.Helps, choiceView{ID: "help-" + it.ServiceID + "-" + string(l), Value: string(l), Label: l.Label(), Checked: help == string(l)})
		}
		sec.Answers[it.ServiceID] = v
	}
	wb := &sec.Wellbeing
	wb.formContext = form
	wb.Saved = saved == wellbeingErrorField
	switch fu.Wellbeing {
	case directory.WellbeingNotStarted:
		wb.Ask = true
	case directory.WellbeingDue:
		wb.Ask, wb.FollowUp = true, true
	case directory.WellbeingStarted:
		wb.Waiting = dateText(fu.FollowUpFrom)
	case directory.WellbeingDone:
		wb.Done = true
	}
	if wb.Ask {
		var typed map[string]string
		if refused != nil && refused.form == wellbeingErrorField {
			typed = refused.scores
			wb.Problem = &problem{Field: wellbeingErrorField, Message: refused.problem}
		}
		for _, q := range directory.WellbeingQuestions {
			low, high := q.Scale()
			qv := wellbeingQuestionView{ID: "wb-" + string(q), Name: string(q), Text: q.Text(), Low: low, High: high}
			for n := 0; n <= 10; n++ {
				v := strconv.Itoa(n)
				qv.Choices = append(qv.Choices, choiceView{ID: qv.ID + "-" + v, Value: v, Label: v, Checked: typed[string(q)] == v})
			}
			wb.Questions = append(wb.Questions, qv)
		}
	}
	return sec, nil
}

// answerWords says a saved answer back: "I went, and it helped quite a
// lot".
func answerWords(a directory.Answer) string {
	s := a.Status.Label()
	switch a.Help {
	case "":
		return s
	case directory.HelpNotAtAll:
		return s + ", and it did not help"
	default:
		return s + ", and it helped " + strings.ToLower(a.Help.Label())
	}
}

// dayOf reads a follow-up's day, kept as "2026-11-26".
func dayOf(day string) (time.Time, error) { return time.Parse(time.DateOnly, day) }

// followUpPost is a post to /s/{token}, as sent.
type followUpPost struct {
	form    string
	service string
	status  string
	help    string
	scores  map[string]string
	// problem is why it was refused, shown beside its form.
	problem string
}

// errBadOrigin refuses a post to a share link from anywhere but the
// link's own page.
var errBadOrigin = &httpError{status: http.StatusForbidden, heading: "This form has expired",
	message: "Answers can only be sent from the list’s own page. Open the link again and answer there."}

// sameOrigin reports whether a post came from a page of this site. Share
// links set no CSRF cookie, so the browser's word on where a post came
// from is the check: the Origin header, or, where a browser sends
// "Origin: null" or none, Sec-Fetch-Site.
func (h *shortlistHandlers) sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		return o == h.site.URL(r)
	}
	return r.Header.Get("Sec-Fetch-Site") == "same-origin"
}

// answerSharedList takes a post from the shared page: one activity's
// answer, or the wellbeing questions. It goes back to the page, to the
// form it came from; a refused post shows the page again with the reason.
func (h *shortlistHandlers) answerSharedList(w http.ResponseWriter, r *http.Request) error {
	w = noStore(w) // the address holds the token
	sharedHeaders(w)
	if !h.sameOrigin(r) {
		return errBadOrigin
	}
	token := mux.Vars(r)["token"]
	if err := r.ParseForm(); err != nil {
		if bodyTooLarge(r) {
			return errTooLarge(maxBodyFor(r.URL.Path))
		}
		return &httpError{status: http.StatusBadRequest, heading: "The form could not be read", message: "Go back and try again.", err: err}
	}
	f := r.PostForm
	post := &followUpPost{form: f.Get(answerFormField), service: f.Get("service"), status: f.Get("status"), help: f.Get("help")}
	base := "/s/" + url.PathEscape(token)
	var err error
	switch post.form {
	case "answer":
		if post.status == "" {
			post.problem = problemNoAnswer
			break
		}
		err = h.outcomes.AnswerShared(r.Context(), token, post.service, directory.OutcomeStatus(post.status), directory.HelpLevel(post.help))
		if err == nil {
			return redirect(w, r, base+"?saved="+url.QueryEscape(post.service)+"#answer-"+post.service)
		}
	case wellbeingErrorField:
		post.scores = map[string]string{}
		scores := directory.WellbeingScores{}
		for _, q := range directory.WellbeingQuestions {
			v := f.Get(string(q))
			if v == "" {
				continue
			}
			post.scores[string(q)] = v
			n, perr := strconv.Atoi(v)
			if perr != nil {
				n = -1 // refused by Validate with the reason
			}
			scores[q] = n
		}
		_, err = h.outcomes.RecordWellbeing(r.Context(), token, scores)
		if err == nil {
			return redirect(w, r, base+"?saved="+wellbeingErrorField+"#wellbeing")
		}
	default:
		return &httpError{status: http.StatusBadRequest, heading: "The form could not be read", message: "Go back and try again."}
	}
	var ve *directory.ValidationError
	switch {
	case errors.As(err, &ve):
		post.problem = ve.Problems[0].Message
	case errors.Is(err, directory.ErrConflict):
		// A follow-up already answered, from another tab: show the page.
		return redirect(w, r, base+"#wellbeing")
	case errors.Is(err, directory.ErrShareRevoked):
		return errShareGone
	case errors.Is(err, directory.ErrShareExpired):
		return errShareExpired
	case errors.Is(err, directory.ErrNotFound) && post.form == "answer":
		// The activity left the list, or the link opens nothing: the page
		// says which.
		return redirect(w, r, base)
	case errors.Is(err, directory.ErrNotFound):
		return errShareUnknown
	case err != nil:
		return fmt.Errorf("follow-up answer: %w", err)
	}
	return h.renderShared(w, r, http.StatusBadRequest, post)
}

// answerOfWorker is what a link worker's list page shows of an answer.
type answerOfWorker struct {
	Words string
	Day   string
}

// workerAnswers are the current answers on a list for its page, by
// service id. Wellbeing scores are never among them.
func (h *shortlistHandlers) workerAnswers(r *http.Request, ref listRef) (map[string]*answerOfWorker, error) {
	if ref.mine {
		return nil, nil
	}
	answers, err := h.outcomes.ListAnswers(r.Context(), ref.owner, ref.id)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*answerOfWorker, len(answers))
	for id, a := range answers {
		v := &answerOfWorker{Words: answerWords(a)}
		if d, err := dayOf(a.Day); err == nil {
			v.Day = dateText(d)
		}
		out[id] = v
	}
	return out, nil
}

// problemOf is the problem a refused post shows, as its form shows it.
func (sec *followUpSection) problemOf(refused *followUpPost) *problem {
	if refused.form == wellbeingErrorField {
		return sec.Wellbeing.Problem
	}
	if a := sec.Answers[refused.service]; a != nil {
		return a.Problem
	}
	return nil
}
