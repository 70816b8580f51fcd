package web

import (
	"net/http"

	"github.com/gorilla/mux"

	"signpost/web/mail"
)

// routes registers every route of the site, by area. The account areas'
// routes are wrapped in the guard of authz.go with the permission they
// need; TestRouteAccess walks this router and fails on a route its table
// does not list.
func (s *Server) routes() *mux.Router {
	r := mux.NewRouter()
	handle := s.pages.handle
	r.NotFoundHandler = handle(func(w http.ResponseWriter, r *http.Request) error { return errPageNotFound })
	r.MethodNotAllowedHandler = handle(func(w http.ResponseWriter, r *http.Request) error {
		return &httpError{status: http.StatusMethodNotAllowed, heading: "This page cannot do that",
			message: "The page exists, but not for this kind of request."}
	})
	get := []string{http.MethodGet, http.MethodHead}
	post := http.MethodPost
	guarded := func(p permission, resolve resolver, h handlerFunc) http.Handler {
		return handle(guard(p, resolve, h))
	}

	// Public pages (public.go, handlers_*.go): open to everyone.
	pub := s.public
	r.Handle("/", handle(pub.home)).Methods(get...)
	r.Handle("/help-now", handle(pub.helpNow)).Methods(get...)
	r.Handle("/search", handle(pub.search)).Methods(get...)
	r.Handle("/search/print", handle(pub.searchPrint)).Methods(get...)
	r.Handle("/match", handle(pub.match)).Methods(get...)
	r.Handle("/match/print", handle(pub.matchPrint)).Methods(get...)
	r.Handle("/activities/{id}", handle(pub.activity)).Methods(get...)
	r.Handle("/activities/{id}/print", handle(pub.activityPrint)).Methods(get...)
	r.Handle("/activities/{id}/corrections", handle(pub.addCorrection)).Methods(post)

	// Sign-in (auth.go).
	acc := s.accounts
	r.Handle("/login", handle(acc.loginForm)).Methods(get...)
	r.Handle("/login", handle(acc.login)).Methods(post)
	r.Handle("/logout", handle(acc.logout)).Methods(post)

	// Passwords and e-mail links (mailpages.go). The two link pages are
	// open to anyone holding a link: its signed token is the permission.
	ml := s.mail
	r.Handle("/account/password", guarded(permOwnAccount, anything, ml.passwordForm)).Methods(get...)
	r.Handle("/account/password", guarded(permOwnAccount, anything, ml.changePassword)).Methods(post)
	r.Handle(mail.ResetPath, handle(ml.resetForm)).Methods(get...)
	r.Handle(mail.ResetPath, handle(ml.reset)).Methods(post)
	r.Handle(mail.StillRunningPath, handle(ml.stillRunningForm)).Methods(get...)
	r.Handle(mail.StillRunningPath, handle(ml.stillRunning)).Methods(post)

	// Shortlists and My list (shortlist*.go, mylist.go). "Add to a list"
	// is open to everyone: the policy decides only which lists it offers.
	lists := s.lists
	r.Handle("/add-to-list", handle(lists.addChooser)).Methods(get...)
	// The current list: a link worker's chosen list, anyone else's My
	// list, added to from any results page without leaving it.
	r.Handle("/current-list/items", handle(lists.addCurrent)).Methods(post)
	r.Handle("/current-list/remove", handle(lists.removeCurrent)).Methods(post)
	// A link worker's lists. The fixed paths come before /shortlists/{id}.
	worker := func(h handlerFunc) http.Handler { return guarded(permShortlists, anything, h) }
	r.Handle("/shortlists", worker(lists.index)).Methods(get...)
	r.Handle("/shortlists", worker(lists.create)).Methods(post)
	r.Handle("/shortlists/current", worker(lists.chooseCurrent)).Methods(post)
	r.Handle("/shortlists/profile", worker(lists.profile)).Methods(get...)
	r.Handle("/shortlists/profile", worker(lists.saveProfile)).Methods(post)
	listPages(r, "/shortlists/{id}", worker, lists, lists.workerList)
	// An individual's own list, kept against a cookie: open to everyone,
	// with or without an account.
	listPages(r, "/my-list", handle, lists, lists.myList)
	// Share links: no login. The page posts the person's follow-up
	// answers to itself, with no CSRF cookie: its origin is checked.
	r.Handle("/s/{token}", handle(lists.shared)).Methods(get...)
	r.Handle("/s/{token}", handle(lists.answerSharedList)).Methods(post)
	r.Handle("/s/{token}/print", handle(lists.sharedPrint)).Methods(get...)
	r.Handle("/s/{token}/text", handle(lists.sharedText)).Methods(get...)

	// The provider area (provider.go).
	prov := s.provider
	provListing := listingOrg(prov.store)
	// Changes to a feed's listing are refused: the feed keeps it.
	provLocal := notFromFeed(prov.store, provListing)
	r.Handle("/provider", guarded(permProviderArea, formOrg("org"), prov.providerHome)).Methods(get...)
	r.Handle("/provider/outcomes", guarded(permProviderArea, formOrg("org"), prov.providerOutcomes)).Methods(get...)
	r.Handle("/provider/outcomes.csv", guarded(permProviderArea, formOrg("org"), prov.providerOutcomesCSV)).Methods(get...)
	r.Handle("/provider/listings/new", guarded(permCreateListing, prov.newListingOrg, prov.newListing)).Methods(get...)
	r.Handle("/provider/listings/new", guarded(permCreateListing, prov.newListingOrg, prov.saveNewListing)).Methods(post)
	r.Handle("/provider/listings/{id}/edit", guarded(permViewListing, provLocal, prov.editListing)).Methods(get...)
	r.Handle("/provider/listings/{id}/edit", guarded(permEditListing, provLocal, prov.saveListing)).Methods(post)
	r.Handle("/provider/listings/{id}/capacity", guarded(permEditListing, provLocal, prov.setCapacity)).Methods(post)
	r.Handle("/provider/listings/{id}/confirm", guarded(permEditListing, provLocal, prov.confirmListing)).Methods(post)
	r.Handle("/provider/listings/{id}/withdraw", guarded(permEditListing, provListing, prov.withdrawDraft)).Methods(post)
	r.Handle("/provider/listings/{id}/corrections/{correction}", guarded(permEditListing, provListing, prov.setCorrection)).Methods(post)
	r.Handle("/provider/listings/{id}/history", guarded(permViewListing, provListing, prov.listingHistory)).Methods(get...)
	r.Handle("/provider/listings/{id}/restore", guarded(permRestore, provLocal, prov.restoreConfirm)).Methods(get...)
	r.Handle("/provider/listings/{id}/restore", guarded(permRestore, provLocal, prov.restoreRevision)).Methods(post)

	// The admin area (admin*.go).
	adm := s.admin
	admListing := listingOrg(adm.store)
	r.Handle("/admin", guarded(permModerate, anything, adm.adminHome)).Methods(get...)
	r.Handle("/admin/queue", guarded(permModerate, anything, adm.adminQueue)).Methods(get...)
	r.Handle("/admin/queue/{id}", guarded(permModerate, admListing, adm.adminReview)).Methods(get...)
	r.Handle("/admin/queue/{id}/approve", guarded(permModerate, admListing, adm.adminApprove)).Methods(post)
	r.Handle("/admin/queue/{id}/reject", guarded(permModerate, admListing, adm.adminReject)).Methods(post)
	r.Handle("/admin/organizations", guarded(permModerate, anything, adm.adminOrganizations)).Methods(get...)
	r.Handle("/admin/accounts", guarded(permManageAccounts, anything, adm.adminAccounts)).Methods(get...)
	r.Handle("/admin/accounts", guarded(permManageAccounts, anything, adm.adminAddAccount)).Methods(post)
	r.Handle("/admin/accounts/disable", guarded(permManageAccounts, anything, adm.adminDisable)).Methods(post)
	r.Handle("/admin/accounts/enable", guarded(permManageAccounts, anything, adm.adminEnable)).Methods(post)
	r.Handle("/admin/teams", guarded(permManageTeams, anything, adm.adminTeams)).Methods(get...)
	r.Handle("/admin/teams", guarded(permManageTeams, anything, adm.adminCreateTeam)).Methods(post)
	r.Handle("/admin/teams/{id}/members", guarded(permManageTeams, anything, adm.adminAddTeamMember)).Methods(post)
	r.Handle("/admin/teams/{id}/members/remove", guarded(permManageTeams, anything, adm.adminRemoveTeamMember)).Methods(post)
	r.Handle("/admin/feeds", guarded(permManageFeeds, anything, adm.adminFeeds)).Methods(get...)
	r.Handle("/admin/feeds/{name}/confirm", guarded(permManageFeeds, anything, adm.adminConfirmFeed)).Methods(post)
	r.Handle("/admin/feeds/adopt", guarded(permManageFeeds, anything, adm.adminAdoptListing)).Methods(post)
	r.Handle("/admin/stale", guarded(permModerate, anything, adm.adminStale)).Methods(get...)
	r.Handle("/admin/corrections", guarded(permModerate, anything, adm.adminCorrections)).Methods(get...)
	r.Handle("/admin/corrections/{service}/{id}", guarded(permModerate, anything, adm.adminSetCorrectionStatus)).Methods(post)
	r.Handle("/admin/duplicates", guarded(permMergeDuplicates, anything, adm.adminDuplicates)).Methods(get...)
	r.Handle("/admin/duplicates/decide", guarded(permMergeDuplicates, anything, adm.adminDecideDuplicate)).Methods(post)
	r.Handle("/admin/duplicates/undo", guarded(permMergeDuplicates, anything, adm.adminUndoDuplicate)).Methods(post)
	r.Handle("/admin/import", guarded(permImportExport, anything, adm.adminImportForm)).Methods(get...)
	r.Handle("/admin/import", guarded(permImportExport, anything, adm.adminImport)).Methods(post)
	r.Handle("/admin/export", guarded(permImportExport, anything, adm.adminExport)).Methods(get...)
	r.Handle("/admin/accounts/reset", guarded(permManageAccounts, anything, ml.adminReset)).Methods(post)
	r.Handle("/admin/stale/remind", guarded(permModerate, anything, ml.adminRemind)).Methods(post)
	r.Handle("/admin/outbox", guarded(permManageAccounts, anything, ml.adminOutbox)).Methods(get...)

	// Insights (insights.go): anonymous aggregates for commissioners and
	// admins, each table also as CSV.
	ins := s.insights
	r.Handle("/insights", guarded(permInsights, anything, ins.insights)).Methods(get...)
	r.Handle("/insights/{table}.csv", guarded(permInsights, anything, ins.insightsCSV)).Methods(get...)

	// Operations and assets.
	r.Handle("/healthz", http.HandlerFunc(healthz)).Methods(get...)
	r.PathPrefix("/static/").Handler(s.pages.serveStatic()).Methods(get...)

	// The JSON API, built elsewhere (web/api).
	if s.api != nil {
		r.Handle("/api", s.api)
		r.PathPrefix("/api/").Handler(s.api)
	}
	return r
}

// listPages registers the pages every list has, under base: wrap decides
// who may reach them (the guard, or everyone) and resolve finds the list
// and who is asking.
func listPages(r *mux.Router, base string, wrap func(handlerFunc) http.Handler, h *shortlistHandlers, resolve listResolver) {
	get := []string{http.MethodGet, http.MethodHead}
	post := http.MethodPost
	existing := func(page listPage) http.Handler { return wrap(onList(resolve, existingList, page)) }
	r.Handle(base, existing(h.show)).Methods(get...)
	r.Handle(base+"/save", existing(h.save)).Methods(post)
	r.Handle(base+"/delete", existing(h.delete)).Methods(post)
	r.Handle(base+"/items", wrap(onList(resolve, newOrExistingList, h.addItem))).Methods(post)
	r.Handle(base+"/share", existing(h.share)).Methods(post)
	r.Handle(base+"/team", existing(h.shareTeam)).Methods(post)
	r.Handle(base+"/shares/{share}/revoke", existing(h.revoke)).Methods(post)
	// The print and text versions are posted to when they carry a share
	// link's token, which must not go in an address.
	r.Handle(base+"/print", existing(h.print)).Methods(get[0], get[1], post)
	r.Handle(base+"/text", existing(h.text)).Methods(get[0], get[1], post)
}

// healthz says the process is up and serving, for load balancers and
// `make run` checks. It touches no storage, so it stays cheap.
func healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}
