package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"signpost/data"
	"signpost/directory"
	"signpost/engine"
)

func TestLoadReplaceable(t *testing.T) {
	dir := t.TempDir()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))

	// No custom folder: the embedded defaults.
	v, err := loadReplaceable(dir, data.EverydayPhrasesFile, logger, engine.ParseVocabulary)
	if err != nil {
		t.Fatal(err)
	}
	if v.Len() < 300 {
		t.Errorf("default vocabulary has %d phrases", v.Len())
	}
	if !strings.Contains(logs.String(), "using the embedded default") || !strings.Contains(logs.String(), "file=everyday-phrases.tsv") {
		t.Errorf("log = %q, want it to say the embedded default was used", logs.String())
	}

	custom := customDir(dir)
	if err := os.MkdirAll(custom, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(custom, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// A deployment's own files, used and logged.
	write(data.EverydayPhrasesFile, "# Welsh valleys\ncwtch\tneed:lonely\n")
	write(data.CrisisPhrasesFile, "eisiau marw\n")
	write(data.GazetteerFile, "name,kind,lat,lon\nMerthyr Tydfil,town,51.7487,-3.3816\n")
	logs.Reset()
	v, err = loadReplaceable(dir, data.EverydayPhrasesFile, logger, engine.ParseVocabulary)
	if err != nil {
		t.Fatal(err)
	}
	if v.Len() != 1 {
		t.Errorf("custom vocabulary has %d phrases, want 1", v.Len())
	}
	c, err := loadReplaceable(dir, data.CrisisPhrasesFile, logger, engine.ParseCrisisPhrases)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Match("dw i eisiau marw"); !ok {
		t.Error("the custom crisis phrase was not matched")
	}
	g, err := loadReplaceable(dir, data.GazetteerFile, logger, directory.LoadGazetteer)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := g.Lookup("merthyr tydfil"); !ok {
		t.Error("the custom gazetteer does not know Merthyr Tydfil")
	}
	if got := strings.Count(logs.String(), "using the deployment's file"); got != 3 {
		t.Errorf("log = %q, want three lines naming the deployment's files", logs.String())
	}

	// A malformed file is an error naming the file and its line.
	for _, tt := range []struct {
		name, text, want string
		load             func() error
	}{
		{data.EverydayPhrasesFile, "cwtch\tneed:lonely\nhiraeth need:lonely\n", "everyday-phrases.tsv: everyday phrases line 2: want a phrase, a tab, then codes", func() error {
			_, err := loadReplaceable(dir, data.EverydayPhrasesFile, logger, engine.ParseVocabulary)
			return err
		}},
		{data.CrisisPhrasesFile, "eisiau marw\n\n!\n", "crisis-phrases.txt: crisis phrases line 3", func() error {
			_, err := loadReplaceable(dir, data.CrisisPhrasesFile, logger, engine.ParseCrisisPhrases)
			return err
		}},
		{data.GazetteerFile, "name,kind,lat,lon\nMerthyr,town,x,-3\n", "gazetteer.csv: gazetteer line 2: lat", func() error {
			_, err := loadReplaceable(dir, data.GazetteerFile, logger, directory.LoadGazetteer)
			return err
		}},
	} {
		write(tt.name, tt.text)
		if err := tt.load(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}
