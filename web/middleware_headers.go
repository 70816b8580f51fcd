package web

import "net/http"

// contentSecurityPolicy allows nothing from elsewhere and no inline script
// or style: every script and stylesheet is a file served by this site, and
// images are ours or data: URLs. Templates therefore never use style=""
// attributes or inline <script>; the SVG map uses presentation attributes.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// securityHeaders sets the headers every response carries.
//
// Referrer-Policy is same-origin because search URLs say what someone is
// struggling with; following a link to a provider's website must not hand
// that over. It is not no-referrer: under no-referrer browsers send
// "Origin: null" with same-origin form posts, which CSRF protection must
// refuse. Geolocation is allowed for this origin only, for "use my
// location". HSTS is sent only over TLS: sent over plain HTTP it is ignored
// by browsers, and on a development server it would be wrong.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}
