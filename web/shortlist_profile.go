package web

import (
	"errors"
	"html/template"
	"net/http"
	"strings"

	"signpost/directory"
)

// A link worker's profile is what the lists they share say about who made
// them: name, role, organisation and a work phone or e-mail, each only if
// they fill it in.

// profilePage is /shortlists/profile.
type profilePage struct {
	BasePage
	Profile  directory.Profile
	Problems problemList
}

func (h *shortlistHandlers) profile(w http.ResponseWriter, r *http.Request) error {
	p, err := h.lists.Profile(r.Context(), currentAccount(r).Email)
	if err != nil {
		return err
	}
	return h.renderProfile(w, r, http.StatusOK, &profilePage{Profile: p})
}

func (h *shortlistHandlers) renderProfile(w http.ResponseWriter, r *http.Request, status int, p *profilePage) error {
	p.Title = "Your details on shared lists"
	p.Nav = "shortlists"
	h.render(w, r, status, "shortlist_profile", p)
	return nil
}

func (h *shortlistHandlers) saveProfile(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(r); err != nil {
		return err
	}
	f := r.PostForm
	in := directory.Profile{
		DisplayName:  clean(f.Get("display_name"), 200),
		JobTitle:     clean(f.Get("job_title"), 200),
		Organisation: clean(f.Get("organisation"), 200),
		Phone:        clean(f.Get("phone"), 100),
		Email:        clean(f.Get("email"), 300),
	}
	_, err := h.lists.SetProfile(r.Context(), currentAccount(r).Email, in)
	var ve *directory.ValidationError
	if errors.As(err, &ve) {
		var probs problemList
		for _, pr := range ve.Problems {
			probs = append(probs, problem{Field: pr.Path, Message: pr.Message})
		}
		return h.renderProfile(w, r, http.StatusBadRequest, &profilePage{Profile: in, Problems: probs})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, withFlash("/shortlists/profile", "profile"))
}

// makerView is the "who made this list" of a shared copy.
type makerView struct {
	// Lines are name, role and organisation, as given.
	Name, JobTitle, Organisation string
	Phone, Email                 string
	// Tel is Phone as a tel: link, digits and "+" only.
	Tel template.URL
	// Team is the team looking after the list when its maker has left.
	Team string
	Made string
}

// Empty reports whether there is nobody to name.
func (m makerView) Empty() bool {
	return m.Name == "" && m.JobTitle == "" && m.Organisation == "" && m.Phone == "" && m.Email == "" && m.Team == ""
}

// Who is one line naming the maker: "A. Khan, Social prescribing link
// worker, Bootle Village Surgery".
func (m makerView) Who() string {
	var parts []string
	for _, s := range []string{m.Name, m.JobTitle, m.Organisation} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return m.Team
	}
	return strings.Join(parts, ", ")
}

// Text is the maker as the text version writes them.
func (m makerView) Text() string {
	var b strings.Builder
	if who := m.Who(); who != "" {
		b.WriteString("Made by " + who + " on " + m.Made + ".\n")
	} else {
		b.WriteString("Made on " + m.Made + ".\n")
	}
	if m.Phone != "" {
		b.WriteString("Phone: " + m.Phone + "\n")
	}
	if m.Email != "" {
		b.WriteString("E-mail: " + m.Email + "\n")
	}
	return b.String()
}

// makerOf is who made sl, for the copies that leave the owner's hands.
func (h *shortlistHandlers) makerOf(r *http.Request, sl *directory.Shortlist) (makerView, error) {
	m, err := h.lists.MakerOf(r.Context(), sl)
	if err != nil {
		return makerView{}, err
	}
	p := m.Profile
	v := makerView{Name: p.DisplayName, JobTitle: p.JobTitle, Organisation: p.Organisation,
		Phone: p.Phone, Email: p.Email, Team: m.Team, Made: dateText(sl.Created)}
	if tel := strings.Map(func(r rune) rune {
		if (r >= '0' && r <= '9') || r == '+' {
			return r
		}
		return -1
	}, p.Phone); tel != "" {
		v.Tel = template.URL("tel:" + tel)
	}
	return v, nil
}

// profileField is one box of the profile form.
type profileField struct {
	Problems                                  problemList
	ID, Label, Hint, Value, Autocomplete, Max string
}
