package web

import (
	"mime"
	"net/http"
	"strings"

	"signpost/web/mail"
)

// maxPostBody bounds any other form post.
const maxPostBody = 256 << 10

// maxBodyFor is the one place a post's size is bounded. It has to be in
// front of the CSRF check: gorilla/csrf reads the whole form to find its
// token, so a limit set later in a handler would find the body already read.
func maxBodyFor(path string) int64 {
	switch {
	case path == "/admin/import":
		return maxImportUpload
	case path == "/login":
		return maxLoginBody
	case path == "/account/password" || path == mail.ResetPath:
		return maxPasswordBody
	case strings.HasPrefix(path, "/activities/") && strings.HasSuffix(path, "/corrections"):
		return maxCorrectionBody
	case strings.HasPrefix(path, "/provider/listings/"):
		return maxListingBody
	}
	return maxPostBody
}

// takesUploads reports whether a route accepts a multipart body (a file).
// Only these may spill into multipart's temporary files, and their handlers
// remove them; everywhere else a multipart body is refused unread.
func takesUploads(path string) bool { return path == "/admin/import" }

var (
	errNoUploadHere = &httpError{status: http.StatusUnsupportedMediaType, heading: "This form takes no files",
		message: "Go back, reload the page and try again."}
)

// boundBodies bounds every state-changing request's body before anything
// reads it: a declared length over the route's limit is refused at once,
// an undeclared one is cut off at the limit, and a multipart body is
// refused on a route that takes no uploads. GET, HEAD and OPTIONS pass.
func boundBodies(pages *renderer) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isSafeMethod(r.Method) {
				next.ServeHTTP(w, r)
				return
			}
			if isMultipart(r) && !takesUploads(r.URL.Path) {
				pages.renderError(w, r, errNoUploadHere)
				return
			}
			limit := maxBodyFor(r.URL.Path)
			r, ok := limitBody(w, r, limit)
			if !ok {
				pages.renderError(w, r, errTooLarge(limit))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// isSafeMethod reports whether a method only reads (RFC 9110 §9.2.1), so
// it carries no body worth reading and needs no CSRF token.
func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// isMultipart reports whether the body is multipart/form-data, which
// net/http spills into temporary files once it passes its memory limit.
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}
