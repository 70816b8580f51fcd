package hsds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"signpost/directory"
)

// MaxListedProblems is how many problems an import report spells out; the
// rest are counted.
const MaxListedProblems = 50

// Store is what an import needs of the store.
type Store interface {
	BeginImport(ctx context.Context, source string, save directory.Save) (*directory.Import, error)
}

// ImportOptions tune one import.
type ImportOptions struct {
	DryRun bool
	Actor  string
	// OnePass writes records as they are checked, reading the file once,
	// and rolls the whole import back when a record is refused. Use it only
	// when nothing reads the store during the import (the command line,
	// which holds the store's lock): readers would see a refused file's
	// records until the rollback. Without it the whole file is checked
	// before anything is written. Either way a refused file leaves the
	// store as it was.
	OnePass bool
	// Progress, when set, receives a line every so often on long files.
	Progress io.Writer
}

// ImportReport says what an import found and did.
type ImportReport struct {
	Source    string
	Records   int
	Written   int
	Unchanged int
	Warnings  []string
	// Problems lists the first MaxListedProblems problems; ProblemCount
	// counts them all.
	Problems     []string
	ProblemCount int
}

// ErrRefused means the file held invalid records and nothing was written.
var ErrRefused = errors.New("refused")

// ImportFile imports one HSDS file or CSV datapackage directory.
func ImportFile(ctx context.Context, st Store, path string, opts ImportOptions) (*ImportReport, error) {
	return Import(ctx, st, path, func() (*Reader, error) { return Open(path) }, opts)
}

// Import imports the records open yields, as a unit. By default it reads
// them once to validate every record, and only when all are valid reads them
// again to write; with opts.OnePass it reads them once, writing as it goes,
// and rolls back a refused file. Either way memory stays flat on a file of
// any size, and the store's import journal keeps the write all-or-nothing.
func Import(ctx context.Context, st Store, source string, open func() (*Reader, error), opts ImportOptions) (*ImportReport, error) {
	rep := &ImportReport{Source: source}
	if opts.OnePass && !opts.DryRun {
		err := onePass(ctx, st, open, rep, opts)
		if !errors.Is(err, errWrittenTwice) {
			return rep, err
		}
		// An id came again after its first record was written: start over
		// the careful way, which writes each id's last record only.
		*rep = ImportReport{Source: source}
	}
	last, err := validatePass(ctx, open, rep, opts)
	if err != nil {
		return rep, err
	}
	if rep.ProblemCount > 0 {
		return rep, refused(rep)
	}
	if opts.DryRun {
		return rep, nil
	}
	if err := writePass(ctx, st, open, last, rep, opts); err != nil {
		return rep, err
	}
	return rep, nil
}

func refused(rep *ImportReport) error {
	return fmt.Errorf("%s: %d problem(s) in %d record(s); nothing was imported: %w", rep.Source, rep.ProblemCount, rep.Records, ErrRefused)
}

// validatePass checks every record and returns, for each id, the index of
// its last occurrence: duplicates within a file are allowed and the last
// wins.
func validatePass(ctx context.Context, open func() (*Reader, error), rep *ImportReport, opts ImportOptions) (map[string]int, error) {
	r, err := open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	last := map[string]int{}
	progress := newProgress(opts.Progress, "checked")
	for rec, err := range r.All() {
		if err != nil {
			return nil, err
		}
		if rep.Records%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		rep.Records++
		progress.tick(rep.Records)
		if !rep.check(rec) && rec.Err != nil {
			continue
		}
		if prev, dup := last[rec.Service.ID]; dup {
			rep.warnRepeated(rec, prev)
		}
		last[rec.Service.ID] = rec.Index
	}
	progress.done(rep.Records)
	return last, nil
}

// check adds a record's problems and warnings to the report and reports
// whether the record may be written.
func (rep *ImportReport) check(rec Record) bool {
	if rec.Err != nil {
		rep.addProblems(rec.Index, rec.Service, rec.Err)
		return false
	}
	problems := rec.Service.Validate()
	errs := problems.Errors()
	if len(errs) > 0 {
		rep.addProblems(rec.Index, rec.Service, &directory.ValidationError{Record: rec.Index, ID: rec.Service.ID, Problems: errs})
	}
	for _, w := range problems.Warnings() {
		rep.Warnings = append(rep.Warnings, (&directory.ValidationError{Record: rec.Index, ID: rec.Service.ID, Problems: directory.Problems{w}}).Error())
	}
	return len(errs) == 0
}

func (rep *ImportReport) warnRepeated(rec Record, prev int) {
	rep.Warnings = append(rep.Warnings, fmt.Sprintf("record %d (id %s): same id as record %d; the later record wins", rec.Index, rec.Service.ID, prev))
}

// errWrittenTwice stops a one-pass import whose file repeats the id of a
// record already written.
var errWrittenTwice = errors.New("an id repeats a record already written")

// seenID is where an id last occurred: its record's index, and which Put
// wrote it (0 when it was not written).
type seenID struct{ index, put int }

// begin opens the file and starts the store's import of it.
func begin(ctx context.Context, st Store, open func() (*Reader, error), rep *ImportReport, opts ImportOptions) (*Reader, *directory.Import, error) {
	r, err := open()
	if err != nil {
		return nil, nil, err
	}
	imp, err := st.BeginImport(ctx, rep.Source, directory.Save{Actor: opts.Actor, Action: directory.ActionImport})
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	return r, imp, nil
}

// onePass checks and writes the records in one reading. Once a record is
// refused nothing more is written, the rest of the file is still checked
// for the report, and the import is rolled back.
func onePass(ctx context.Context, st Store, open func() (*Reader, error), rep *ImportReport, opts ImportOptions) (err error) {
	r, imp, err := begin(ctx, st, open, rep, opts)
	if err != nil {
		return err
	}
	defer r.Close()
	committed := false
	defer func() {
		if !committed {
			err = errors.Join(err, imp.Abort(context.WithoutCancel(ctx)))
		}
	}()
	seen := map[string]seenID{}
	progress := newProgress(opts.Progress, "written")
	puts := 0
	for rec, err := range r.All() {
		if err != nil {
			return err
		}
		if rep.Records%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rep.Records++
		progress.tick(rep.Records)
		ok := rep.check(rec)
		if rec.Err != nil {
			continue
		}
		prev, dup := seen[rec.Service.ID]
		if dup {
			rep.warnRepeated(rec, prev.index)
		}
		now := seenID{index: rec.Index}
		if ok && rep.ProblemCount == 0 {
			if dup && prev.put > 0 && prev.put <= imp.Flushed() {
				return errWrittenTwice
			}
			// An earlier record with this id not yet written is replaced.
			puts++
			now.put = puts
			if err := imp.Put(ctx, rec.Service); err != nil {
				return err
			}
		} else {
			// Refused: the rest of the file is only checked, for the report.
			progress.verb = "checked"
		}
		seen[rec.Service.ID] = now
	}
	if rep.ProblemCount > 0 {
		return refused(rep)
	}
	stats, err := imp.Commit(ctx)
	if err != nil {
		return err
	}
	committed = true
	progress.done(rep.Records)
	rep.Written, rep.Unchanged = stats.Written, stats.Unchanged
	return nil
}

func writePass(ctx context.Context, st Store, open func() (*Reader, error), last map[string]int, rep *ImportReport, opts ImportOptions) error {
	r, imp, err := begin(ctx, st, open, rep, opts)
	if err != nil {
		return err
	}
	defer r.Close()
	progress := newProgress(opts.Progress, "written")
	n := 0
	for rec, err := range r.All() {
		if err == nil {
			err = ctx.Err()
		}
		if err == nil && rec.Err != nil {
			err = fmt.Errorf("record %d changed between reads: %w", rec.Index, rec.Err)
		}
		if err != nil {
			return errors.Join(err, imp.Abort(context.WithoutCancel(ctx)))
		}
		n++
		progress.tick(n)
		if last[rec.Service.ID] != rec.Index {
			continue // a later record with the same id wins
		}
		if err := imp.Put(ctx, rec.Service); err != nil {
			return errors.Join(err, imp.Abort(context.WithoutCancel(ctx)))
		}
	}
	stats, err := imp.Commit(ctx)
	if err != nil {
		return errors.Join(err, imp.Abort(context.WithoutCancel(ctx)))
	}
	progress.done(n)
	rep.Written, rep.Unchanged = stats.Written, stats.Unchanged
	return nil
}

func (rep *ImportReport) addProblems(index int, svc *directory.Service, err error) {
	var verr *directory.ValidationError
	if errors.As(err, &verr) {
		if verr.Record == 0 {
			verr.Record = index
		}
		if verr.ID == "" && svc != nil {
			verr.ID = svc.ID
		}
		for _, p := range verr.Problems {
			rep.addProblem(verr.Prefix() + p.String())
		}
		return
	}
	id := ""
	if svc != nil {
		id = svc.ID
	}
	rep.addProblem((&directory.ValidationError{Record: index, ID: id}).Prefix() + err.Error())
}

func (rep *ImportReport) addProblem(msg string) {
	rep.ProblemCount++
	if len(rep.Problems) < MaxListedProblems {
		rep.Problems = append(rep.Problems, msg)
	}
}

// progress prints a line at most every two seconds on long jobs.
type progress struct {
	w     io.Writer
	verb  string
	start time.Time
	last  time.Time
}

func newProgress(w io.Writer, verb string) *progress {
	now := time.Now()
	return &progress{w: w, verb: verb, start: now, last: now}
}

func (p *progress) tick(n int) {
	if p.w == nil || n%1000 != 0 {
		return
	}
	if now := time.Now(); now.Sub(p.last) >= 2*time.Second {
		p.last = now
		fmt.Fprintf(p.w, "%s %d records (%.0f/s)\n", p.verb, n, float64(n)/now.Sub(p.start).Seconds())
	}
}

func (p *progress) done(n int) {
	if p.w == nil || time.Since(p.start) < 2*time.Second {
		return
	}
	fmt.Fprintf(p.w, "%s %d records in %s\n", p.verb, n, time.Since(p.start).Round(100*time.Millisecond))
}
