// Package api serves Signpost's open data: the Open Referral HSDS 3.0 JSON
// API under /api/v1 (with the Open Referral UK parameter names older clients
// send), Signpost's matcher at /api/v1/match, the OpenAPI document that
// describes exactly what is served, and a short human page at /api.
//
// The API is open: no key, CORS for every origin, ETag and Last-Modified
// answers keyed on the store's generation so that well-behaved clients poll
// cheaply, and gzip when asked. Every error is JSON {"error", "field"}: 400
// for a bad parameter, 404 for an unknown id or path, and 500 only for a
// fault of Signpost's own.
//
// The handler depends on small interfaces (Listings, Searcher, Places)
// rather than on the store and the engine themselves, so tests can run it
// over fakes as well as over the real thing.
package api
