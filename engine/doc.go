// Package engine answers Signpost's searches and matches: it ranks the
// store's published services for a query, explains every result in plain
// English, and counts facets, with exact totals.
//
// # Shape
//
// Two structures, each used for what it is best at (issue 3 has the
// measurements):
//
//   - a Bleve index (in the folder given to Open) for free text only: English
//     stemming, BM25 relevance, the terms each listing carries, and the
//     dictionary of the directory's words as written, which typed words are
//     corrected against;
//   - an in-memory, column-shaped table of everything that filters and
//     scores (term bit masks, ages, cost, schedule days, delivery, nearest
//     location, capacity, assured date), which every query scans.
//
// A query asks Bleve for every text match (never its score-less early stop,
// so totals are exact), then makes one pass over the table, keeping the
// best page in a bounded heap and counting facets as it goes. Results carry
// the store's copy of each service on the page; the table does not hold
// whole services.
//
// # Lifecycle
//
//	e, err := engine.Open(dataDir+"/index", store, engine.WithProgress(os.Stderr), engine.WithLogger(log))
//	store.Watch(func(c directory.Change) {
//		if err := e.Apply(ctx, c); err != nil { log.Error("index update", "err", err) }
//	})
//	defer e.Close()
//
// Open rebuilds the index from the store when it is missing, unreadable,
// built by another version, or recorded a generation other than the
// store's, writing progress to WithProgress's writer. Apply makes a
// committed write searchable before it returns. Rebuild forces a rebuild
// (`signpost reindex`); Check reports drift between store and index
// (`signpost check`). Close saves the table beside the index so the next
// Open need not read every service from the store.
//
// # Typed words
//
// What a person types goes through one pipeline (interpret.go), owned
// here so that the site, the matcher and the API read words alike:
//
//  1. the crisis check, on the text exactly as typed (CrisisPhrases, from a
//     data file; Engine.Crisis and Interpreted.Crisis);
//  2. normalising: lower case, apostrophes dropped ("can't" is "cant");
//  3. everyday phrases, longest first and before words are split or filler
//     dropped ("I don't know anyone round here", "lost my job", "skint"),
//     mapped to need, interest and activity codes (Vocabulary, from a data
//     file a deployment replaces);
//  4. filler words dropped ("I", "need", "help", "with", "new" outside a
//     phrase): they neither match nor rank, and a query of nothing else is
//     answered as if empty, with Interpreted.Empty set;
//  5. misspellings: a word of four letters or more that no listing holds
//     is corrected to the nearest that one does, or to a vocabulary word,
//     within one edit (two from six letters; a swap is one edit);
//  6. the words and codes become one Bleve query; services carrying a
//     code the words mean rank first (the Phrase component), and their
//     reasons say so in the person's words ("Helps with: money worries and
//     debt (you searched skint)").
//
// Results.Interpreted tells the page what was done. When a search finds
// nothing, Relaxations says what each way of widening it would find.
//
// # Queries
//
// Callers build a Query from their own input: the API from URL parameters
// (web/api), the site from its forms. Query.Validate checks one as Search
// and Match will, and names the field at fault in a *FieldError
// (FieldRadius for a negative radius, FieldNeeds for an unknown need
// code), which each caller reports in its own terms.
//
// Search (site search, /api/v1/services) treats needs, interests, activity
// types and words as hard filters: every one must hold. Match (the matcher,
// /api/v1/match) treats them as soft: a service meeting at least one is
// kept, and the more it meets the higher it ranks. In both, the other
// filters hold (DESIGN.md "Filter semantics"), only active services show,
// and services offered online, or with no physical location, pass a radius
// unless delivery=in-person.
//
// # Ranking
//
// Score = text + phrase + need + interest + activity + near − penalties, with the
// weights and their reasons in weights.go; each Result carries these
// Components, its DistanceM (nil when there is none) and Reasons such as
// "Helps with: money worries and debt", "You said you enjoy: gardening",
// "2.5 miles away" (WithUnits), "Online", "Free", "Tuesdays and Thursdays", "Full at the
// moment", "Not checked since March 2025". Ties break by distance, then
// name, then id, so pages never overlap or skip. Ranking expectations are
// kept as data in testdata/ranking.txt.
//
// Results.Total counts every match; Results.Facets counts, over all
// matches, each need, interest, activity type, free and delivery mode.
//
// The Engine is safe for concurrent use. Treat returned services as
// read-only.
package engine
