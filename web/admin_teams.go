package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"signpost/directory"
)

// /admin/teams: the practices and networks whose link workers share lists,
// and who is in each.

// teamAdmin is what the teams page needs of the store. *directory.Store
// satisfies it.
type teamAdmin interface {
	Teams(ctx context.Context) ([]directory.Team, error)
	CreateTeam(ctx context.Context, name string, kind directory.TeamKind) (directory.Team, error)
	AddTeamMember(ctx context.Context, teamID, email string) error
	RemoveTeamMember(ctx context.Context, teamID, email string) error
}

type adminTeamsPage struct {
	adminBase
	Teams []directory.Team
	// Kinds are the choices of team kind.
	Kinds    []option
	Name     string
	Problems problemList
}

func (h *adminHandlers) adminTeams(w http.ResponseWriter, r *http.Request) error {
	return h.renderTeams(w, r, http.StatusOK, &adminTeamsPage{})
}

func (h *adminHandlers) renderTeams(w http.ResponseWriter, r *http.Request, status int, p *adminTeamsPage) error {
	teams, err := h.store.Teams(r.Context())
	if err != nil {
		return err
	}
	p.adminBase = newAdminBase("Teams", "/admin/teams")
	p.Teams = teams
	p.Kinds = []option{
		{Value: string(directory.TeamPractice), Label: directory.TeamPractice.Label(), Selected: true},
		{Value: string(directory.TeamPCN), Label: directory.TeamPCN.Label()},
	}
	h.render(w, r, status, "admin-teams", p)
	return nil
}

func (h *adminHandlers) adminCreateTeam(w http.ResponseWriter, r *http.Request) error {
	name := clean(r.PostFormValue("name"), 200)
	_, err := h.store.CreateTeam(r.Context(), name, directory.TeamKind(r.PostFormValue("kind")))
	var ve *directory.ValidationError
	if errors.As(err, &ve) {
		var probs problemList
		for _, pr := range ve.Problems {
			probs = append(probs, problem{Field: "team-" + pr.Path, Message: pr.Message})
		}
		return h.renderTeams(w, r, http.StatusBadRequest, &adminTeamsPage{Name: name, Problems: probs})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, withFlash("/admin/teams", "team-added"))
}

func (h *adminHandlers) adminAddTeamMember(w http.ResponseWriter, r *http.Request) error {
	team := mux.Vars(r)["id"]
	err := h.store.AddTeamMember(r.Context(), team, clean(r.PostFormValue("email"), 254))
	var ve *directory.ValidationError
	switch {
	case errors.As(err, &ve), errors.Is(err, directory.ErrConflict), errors.Is(err, directory.ErrNotFound):
		msg := "There is no link worker account with that e-mail address."
		switch {
		case ve != nil:
			msg = ve.Problems[0].Message
		case errors.Is(err, directory.ErrConflict):
			msg = "That link worker is in another team already. Take them out of it first."
		}
		return h.renderTeams(w, r, http.StatusBadRequest, &adminTeamsPage{Problems: problemList{{Field: "member-" + team, Message: msg}}})
	case err != nil:
		return err
	}
	return redirect(w, r, withFlash("/admin/teams", "member-added"))
}

func (h *adminHandlers) adminRemoveTeamMember(w http.ResponseWriter, r *http.Request) error {
	if err := h.store.RemoveTeamMember(r.Context(), mux.Vars(r)["id"], r.PostFormValue("email")); err != nil {
		return err
	}
	return redirect(w, r, withFlash("/admin/teams", "member-removed"))
}
