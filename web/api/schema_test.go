package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sharedDir is the standard's material beside the checkout.
const sharedDir = "../../../shared/hsds"

// requireShared skips a test that needs ../shared when it is absent, with
// a message; under SIGNPOST_REQUIRE_TOOLS (set by .ci/run) it fails
// instead, so CI cannot pass without running it.
func requireShared(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(sharedDir, "schema", "openapi.json")); err != nil {
		if os.Getenv("SIGNPOST_REQUIRE_TOOLS") != "" {
			t.Fatalf("the HSDS schemas are not beside the checkout (%s), and SIGNPOST_REQUIRE_TOOLS is set: %v", sharedDir, err)
		}
		t.Skipf("the HSDS schemas are not beside the checkout (%s): %v", sharedDir, err)
	}
}

// specBase is where the standard's OpenAPI document says its schemas live.
// They are read from ../shared instead, so no test touches the network.
const specBase = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"

// localSchemas maps the standard's schema URLs to the files in
// ../shared/hsds/schema. Two compiled schemas the OpenAPI document names
// are not published in the schema folder: the fully nested service is
// compiled/service_with_definitions.json, and the nested organization is
// organization.json itself (its refs already nest everything), so a
// compiled/ name that is not there falls back to the plain schema.
type localSchemas struct{ dir string }

func (l localSchemas) Load(url string) (any, error) {
	rel, ok := strings.CutPrefix(url, specBase)
	if !ok {
		return nil, fmt.Errorf("refusing to fetch %s: tests do not use the network", url)
	}
	if rel == "compiled/service.json" {
		rel = "compiled/service_with_definitions.json"
	}
	path := filepath.Join(l.dir, filepath.FromSlash(rel))
	if _, err := os.Stat(path); err != nil {
		// compiled/organization.json, and the objects it refers to
		// relative to itself, are the plain object schemas.
		path = filepath.Join(l.dir, filepath.FromSlash(strings.TrimPrefix(rel, "compiled/")))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jsonschema.UnmarshalJSON(f)
}

// schemaSet compiles the response schemas of an OpenAPI document, by path
// and status, on first use.
type schemaSet struct {
	compiler *jsonschema.Compiler
	docURL   string
	doc      map[string]any

	mu    sync.Mutex
	cache map[string]*jsonschema.Schema
}

// newSchemaSet reads an OpenAPI document whose response schemas refer to
// the standard's schema URLs.
func newSchemaSet(t testing.TB, path string) *schemaSet {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(abs)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	c := jsonschema.NewCompiler()
	// Formats (uuid, email, uri, date-time) are checked too: a client may rely on them.
	c.AssertFormat()
	c.UseLoader(jsonschema.SchemeURLLoader{
		"file":  jsonschema.FileLoader{},
		"https": localSchemas{dir: filepath.Join(sharedDir, "schema")},
	})
	docURL := "file://" + filepath.ToSlash(abs)
	if err := c.AddResource(docURL, doc); err != nil {
		t.Fatal(err)
	}
	return &schemaSet{compiler: c, docURL: docURL, doc: doc.(map[string]any), cache: map[string]*jsonschema.Schema{}}
}

// pointerEscape escapes one JSON pointer token.
func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// response returns the schema of a path's GET answer with this status and
// media type, or nil when the document gives none.
func (s *schemaSet) response(t testing.TB, path, status, media string) *jsonschema.Schema {
	t.Helper()
	key := path + " " + status + " " + media
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.cache[key]; ok {
		return sch
	}
	op, _ := lookup(s.doc, "paths", path, "get").(map[string]any)
	if op == nil {
		t.Fatalf("the OpenAPI document has no GET %s", path)
	}
	ptr := "/paths/" + pointerEscape(path) + "/get/responses/" + status
	resp := lookup(s.doc, "paths", path, "get", "responses", status)
	if r, ok := resp.(map[string]any); ok {
		if ref, ok := r["$ref"].(string); ok {
			// A shared response in components.
			ptr = strings.TrimPrefix(ref, "#")
			resp = lookup(s.doc, strings.Split(strings.TrimPrefix(ptr, "/"), "/")...)
		}
	}
	if lookup(resp, "content", media, "schema") == nil {
		s.cache[key] = nil
		return nil
	}
	ptr += "/content/" + pointerEscape(media) + "/schema"
	sch, err := s.compiler.Compile(s.docURL + "#" + ptr)
	if err != nil {
		t.Fatalf("compile the schema of %s %s: %v", path, status, err)
	}
	s.cache[key] = sch
	return sch
}

func lookup(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// validate checks a JSON body against a schema, failing the test with the
// validator's explanation.
func validate(t testing.TB, sch *jsonschema.Schema, what string, body []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: not JSON: %v\n%s", what, err, clip(body))
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s does not conform:\n%v\nbody: %s", what, err, clip(body))
	}
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// mustJSON is json.Marshal for tests.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
