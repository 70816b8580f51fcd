package hsds

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"signpost/directory"
)

// jsonSource turns a stream of JSON values into service records. Each
// top-level value may be a service, an array of services, a page envelope
// ({"contents": [...]}) or an organization with its "services"; a sequence
// of such values is NDJSON. The same rules apply to the elements of arrays,
// so an envelope of organizations yields their services too.
type jsonSource struct {
	s     *scanner
	index int // records emitted so far
}

// yieldFunc receives each record as a function that decodes it (sources
// find where records start and end in order, and the Reader decodes them
// on every core), or the error that ends the file; it returns false to
// stop early.
type yieldFunc = func(func() Record, error) bool

// rawRecord is one captured record with where it started in the file.
type rawRecord struct {
	buf  *captureBuf
	line int
	kind string // JSON kind of the value; "object" for records proper
	// badUTF8Line, when set, is the line of the first invalid UTF-8 byte;
	// object() must work it out as it goes, since the record it rebuilds
	// drops the whitespace between members.
	badUTF8Line int
}

func (d *jsonSource) run(yield yieldFunc) {
	if err := d.s.skipBOM(); err != nil {
		yield(nil, fmt.Errorf("read: %w", err))
		return
	}
	for {
		c, ok, err := d.s.peekNonSpace()
		if err != nil {
			yield(nil, err)
			return
		}
		if !ok {
			return
		}
		var more bool
		if c == '[' {
			more, err = d.array(yield)
		} else {
			more, err = d.element(yield)
		}
		if err != nil {
			yield(nil, err)
			return
		}
		if !more {
			return
		}
	}
}

// array streams the elements of an array as records.
func (d *jsonSource) array(yield yieldFunc) (bool, error) {
	if err := d.s.expect('[', "looking for an array"); err != nil {
		return false, err
	}
	if err := d.s.enter(); err != nil {
		return false, err
	}
	c, err := d.s.mustPeek()
	if err != nil {
		return false, err
	}
	if c == ']' {
		_, err := d.s.next()
		d.s.depth--
		return true, err
	}
	for {
		more, err := d.element(yield)
		if err != nil || !more {
			return more, err
		}
		done, err := d.s.endOfMember(']', "array element")
		if err != nil {
			return false, err
		}
		if done {
			d.s.depth--
			return true, nil
		}
	}
}

// element reads one value where a service is expected.
func (d *jsonSource) element(yield yieldFunc) (bool, error) {
	c, err := d.s.mustPeek()
	if err != nil {
		return false, err
	}
	if c == '{' {
		return d.object(yield)
	}
	raw := rawRecord{buf: newCapture(MaxRecordBytes), line: d.s.line, kind: kindOfFirstByte(c)}
	if err := d.s.captureValue(raw.buf); err != nil {
		return false, err
	}
	return yield(d.decodeService(raw), nil), nil
}

func kindOfFirstByte(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// object reads one object key by key. It cannot know what the object is
// until it has seen its keys, so it streams a "contents" array as it goes
// (the object is an envelope), sets aside a "services" array (an
// organization, whose own fields may come after its services), and
// rebuilds every other member into a record.
func (d *jsonSource) object(yield yieldFunc) (bool, error) {
	start := d.s.line
	if err := d.s.expect('{', "looking for an object"); err != nil {
		return false, err
	}
	if err := d.s.enter(); err != nil {
		return false, err
	}
	o := objectScan{obj: newCapture(MaxRecordBytes)}
	o.obj.add('{')
	if more, err := d.members(&o, yield); err != nil || !more {
		return more, err
	}
	d.s.depth--
	o.obj.add('}')

	rec := rawRecord{buf: o.obj, line: start, kind: "object", badUTF8Line: o.badUTF8Line}
	switch {
	case o.sawContents:
		return true, nil
	case o.sawServices:
		return d.organization(rec, o.services, yield), nil
	}
	return yield(d.decodeService(rec), nil), nil
}

// objectScan is what object gathers from the members of one object.
type objectScan struct {
	// obj is the object rebuilt from its members other than the streamed
	// "contents" and the set-aside "services".
	obj      *captureBuf
	services []rawRecord
	// badUTF8Line is the line of the first member that is not UTF-8.
	badUTF8Line              int
	sawContents, sawServices bool
	members                  int
}

// members reads an object's members up to and including its closing
// brace. It reports false when yield asked to stop.
func (d *jsonSource) members(o *objectScan, yield yieldFunc) (bool, error) {
	c, err := d.s.mustPeek()
	if err != nil {
		return false, err
	}
	if c == '}' {
		_, err := d.s.next()
		return err == nil, err
	}
	for {
		if more, err := d.member(o, yield); err != nil || !more {
			return more, err
		}
		done, err := d.s.endOfMember('}', "object member")
		if err != nil {
			return false, err
		}
		if done {
			return true, nil
		}
	}
}

// member reads one key and its value: it streams a first "contents"
// array, sets aside a first "services" array and keeps anything else in
// the rebuilt object.
func (d *jsonSource) member(o *objectScan, yield yieldFunc) (bool, error) {
	if _, err := d.s.mustPeek(); err != nil {
		return false, err
	}
	memberLine := d.s.line
	key, keyRaw, err := d.key()
	if err != nil {
		return false, err
	}
	if err := d.s.expect(':', "after an object key"); err != nil {
		return false, err
	}
	c, err := d.s.mustPeek()
	if err != nil {
		return false, err
	}
	switch {
	case key == "contents" && c == '[' && !o.sawContents:
		o.sawContents = true
		return d.array(yield)
	case key == "services" && c == '[' && !o.sawServices:
		o.sawServices = true
		o.services, err = d.collect()
		return err == nil, err
	}
	if o.members > 0 {
		o.obj.add(',')
	}
	o.obj.add(keyRaw...)
	o.obj.add(':')
	valueStart, valueLine := len(o.obj.data), d.s.line
	if err := d.s.captureValue(o.obj); err != nil {
		return false, err
	}
	if o.badUTF8Line == 0 && !o.obj.overflowed() {
		if !utf8.Valid(keyRaw) {
			o.badUTF8Line = memberLine
		} else if v := o.obj.data[valueStart:]; !utf8.Valid(v) {
			o.badUTF8Line = valueLine + bytes.Count(v[:firstInvalidUTF8(v)], []byte("\n"))
		}
	}
	o.members++
	return true, nil
}

// key reads an object key, returning it decoded and as raw JSON.
func (d *jsonSource) key() (string, []byte, error) {
	c, err := d.s.mustPeek()
	if err != nil {
		return "", nil, err
	}
	if c != '"' {
		return "", nil, d.s.errorf("invalid character %s looking for an object key", quoteChar(c))
	}
	buf := newCapture(MaxRecordBytes)
	if err := d.s.captureValue(buf); err != nil {
		return "", nil, err
	}
	if buf.overflowed() {
		return "", nil, d.s.errorf("object key over %d bytes", MaxRecordBytes)
	}
	raw := buf.data
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), raw, nil // no escapes: the usual case
	}
	var key string
	if err := json.Unmarshal(raw, &key); err != nil {
		// Only invalid UTF-8 gets past the scanner; such a key names no
		// HSDS field, so it is kept raw and the record check reports it.
		key = string(buf.data)
	}
	return key, buf.data, nil
}

// collect captures the elements of an organization's "services" array.
func (d *jsonSource) collect() ([]rawRecord, error) {
	var out []rawRecord
	if err := d.s.expect('[', "looking for an array"); err != nil {
		return nil, err
	}
	if err := d.s.enter(); err != nil {
		return nil, err
	}
	c, err := d.s.mustPeek()
	if err != nil {
		return nil, err
	}
	if c == ']' {
		_, err := d.s.next()
		d.s.depth--
		return out, err
	}
	for {
		c, err := d.s.mustPeek()
		if err != nil {
			return nil, err
		}
		raw := rawRecord{buf: newCapture(MaxRecordBytes), line: d.s.line, kind: kindOfFirstByte(c)}
		if err := d.s.captureValue(raw.buf); err != nil {
			return nil, err
		}
		out = append(out, raw)
		done, err := d.s.endOfMember(']', "array element")
		if err != nil {
			return nil, err
		}
		if done {
			d.s.depth--
			return out, nil
		}
	}
}

// organization emits the services of an organization_full document, each
// with the organization (less its services) embedded and organization_id
// set, as if each had been published as a service_full.
func (d *jsonSource) organization(raw rawRecord, services []rawRecord, yield yieldFunc) bool {
	var org directory.Organization
	orgProblems := raw.check()
	if orgProblems == nil {
		orgProblems = unmarshalProblems(raw.buf.data, &org)
	}
	for i := range orgProblems {
		orgProblems[i].Path = joinPath("organization", orgProblems[i].Path)
	}
	org.Services = nil
	for _, s := range services {
		decode := d.decodeService(s)
		if !yield(func() Record { return withOrganization(decode(), org, orgProblems) }, nil) {
			return false
		}
	}
	return true
}

// withOrganization embeds the enclosing organization in a service of an
// organization_full document, with the organization's own problems.
func withOrganization(rec Record, org directory.Organization, orgProblems directory.Problems) Record {
	if rec.Service != nil {
		embedded := org
		rec.Service.Organization = &embedded
		var problems directory.Problems
		switch rec.Service.OrganizationID {
		case "":
			rec.Service.OrganizationID = org.ID
		case org.ID:
		default:
			problems = append(problems, directory.Problem{Path: "organization_id",
				Message: fmt.Sprintf("%q differs from the enclosing organization's id %q", rec.Service.OrganizationID, org.ID)})
		}
		rec.Err = addProblems(rec.Err, rec.Index, rec.Service.ID, append(problems, orgProblems...))
	}
	return rec
}

// addProblems merges more problems into a record's error.
func addProblems(err error, index int, id string, more directory.Problems) error {
	if len(more) == 0 {
		return err
	}
	if ve, ok := err.(*directory.ValidationError); ok {
		ve.Problems = append(ve.Problems, more...)
		return ve
	}
	return &directory.ValidationError{Record: index, ID: id, Problems: more}
}

// decodeService numbers one captured record and returns the function that
// turns it into a Record. Problems with the record (size, encoding, JSON
// types) go into Record.Err so the rest of the file can still be read.
func (d *jsonSource) decodeService(raw rawRecord) func() Record {
	d.index++
	index := d.index
	return func() Record { return decodeRecord(raw, index) }
}

func decodeRecord(raw rawRecord, index int) Record {
	rec := Record{Index: index}
	if raw.kind != "object" {
		rec.Err = &directory.ValidationError{Record: rec.Index, Problems: directory.Problems{{
			Message: fmt.Sprintf("expected a service object, got %s (line %d)", raw.kind, raw.line)}}}
		return rec
	}
	if problems := raw.check(); problems != nil {
		rec.Err = &directory.ValidationError{Record: rec.Index, Problems: problems}
		return rec
	}
	var svc directory.Service
	problems := unmarshalProblems(raw.buf.data, &svc)
	rec.Service = &svc
	if problems != nil {
		rec.Err = &directory.ValidationError{Record: rec.Index, ID: svc.ID, Problems: problems}
	}
	return rec
}

// check refuses a record too large to keep or not valid UTF-8. (Go's JSON
// decoder would quietly replace bad bytes with U+FFFD; a publisher should
// hear that their file is not UTF-8 instead.)
func (raw rawRecord) check() directory.Problems {
	if raw.buf.overflowed() {
		return directory.Problems{{Message: fmt.Sprintf(
			"record starting at line %d is %s, over the %s limit", raw.line, byteSize(raw.buf.size), byteSize(MaxRecordBytes))}}
	}
	if !utf8.Valid(raw.buf.data) {
		line := raw.badUTF8Line
		if line == 0 {
			bad := firstInvalidUTF8(raw.buf.data)
			line = raw.line + bytes.Count(raw.buf.data[:bad], []byte("\n"))
		}
		return directory.Problems{{Message: fmt.Sprintf("invalid UTF-8 at line %d (is the file in another encoding?)", line)}}
	}
	return nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

func byteSize(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// unmarshalProblems decodes data into v. json.Unmarshal keeps going past a
// value of the wrong type but names only the first and without array
// indices, so on failure the value is walked again to name every problem by
// its full path ("phones[0].extension: expected a number, got string").
func unmarshalProblems(data []byte, v any) directory.Problems {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if dec.Decode(&generic) == nil {
		var problems directory.Problems
		checkTypes(generic, reflect.TypeOf(v).Elem(), "", &problems)
		if len(problems) > 0 {
			return problems
		}
	}
	return directory.Problems{{Message: strings.TrimPrefix(err.Error(), "json: ")}}
}

// checkTypes reports where the JSON value v does not fit the Go type t.
// Null fits anything (it means absent); unknown object keys are ignored, as
// HSDS allows extra properties.
func checkTypes(v any, t reflect.Type, path string, out *directory.Problems) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return
	}
	mismatch := func(want string) {
		*out = append(*out, directory.Problem{Path: path, Message: fmt.Sprintf("expected %s, got %s", want, jsonKind(v))})
	}
	switch t.Kind() {
	case reflect.String:
		if _, ok := v.(string); !ok {
			mismatch("a string")
		}
	case reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			mismatch("a number")
			return
		}
		if _, err := strconv.ParseFloat(string(n), 64); err != nil {
			*out = append(*out, directory.Problem{Path: path, Message: fmt.Sprintf("number %s is out of range", n)})
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			mismatch("an array")
			return
		}
		for i, e := range arr {
			checkTypes(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			mismatch("an object")
			return
		}
		// Sorted, so the problems come out in the same order every time.
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if f, ok := fieldByJSONName(t, k); ok {
				checkTypes(obj[k], f.Type, joinPath(path, k), out)
			}
		}
	}
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

// fieldByJSONName finds the struct field encoding/json would fill for key:
// an exact tag match first, then a case-insensitive one, as json does.
func fieldByJSONName(t reflect.Type, key string) (reflect.StructField, bool) {
	var fold reflect.StructField
	found := false
	for i := range t.NumField() {
		f := t.Field(i)
		name := jsonName(f)
		if name == key {
			return f, true
		}
		if !found && strings.EqualFold(name, key) {
			fold, found = f, true
		}
	}
	return fold, found
}

// jsonName is the JSON name of a struct field, or "" for a skipped one.
func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	if tag == "-" || !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		return f.Name
	}
	return name
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	if name == "" {
		return prefix
	}
	return prefix + "." + name
}
