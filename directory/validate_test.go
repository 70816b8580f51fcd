package directory_test

import (
	"strings"
	"testing"

	"signpost/directory"
)

func num(v float64) *float64 { return &v }

// validService is the smallest service that passes validation.
func validService() *directory.Service {
	return &directory.Service{
		ID:     "6d0c5a52-3a9b-4b8c-9d3e-2f1a0b7c8d9e",
		Name:   "Bootle Walking Group",
		Status: directory.StatusActive,
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(s *directory.Service)
		path    string // "" means no problem expected
		message string
		warning bool
	}{
		{"valid", func(s *directory.Service) {}, "", "", false},
		{"missing id", func(s *directory.Service) { s.ID = "" }, "id", "is required", false},
		{"id not a uuid", func(s *directory.Service) { s.ID = "walk-1" }, "id", `"walk-1" is not a UUID`, false},
		{"missing name", func(s *directory.Service) { s.Name = "  " }, "name", "is required", false},
		{"missing status", func(s *directory.Service) { s.Status = "" }, "status", "is required", false},
		{"unknown status", func(s *directory.Service) { s.Status = "open" }, "status", `"open" is not one of`, false},
		{"bad url", func(s *directory.Service) { s.URL = "example/counselling" }, "url", "is not a web address", false},
		{"javascript url", func(s *directory.Service) { s.URL = "javascript:alert(1)" }, "url", "is not a web address", false},
		{"good url", func(s *directory.Service) { s.URL = "https://example.org/walks" }, "", "", false},
		{"bad email", func(s *directory.Service) { s.Email = "email-example_com" }, "email", "is not an e-mail address", false},
		{"email with name", func(s *directory.Service) { s.Email = "Jo <jo@example.org>" }, "email", "is not an e-mail address", false},
		{"good email", func(s *directory.Service) { s.Email = "hello@example.org" }, "", "", false},
		{"ages reversed", func(s *directory.Service) { s.MinimumAge, s.MaximumAge = num(65), num(18) }, "minimum_age", "is more than maximum_age", false},
		{"negative age", func(s *directory.Service) { s.MinimumAge = num(-1) }, "minimum_age", "must not be negative", false},
		{"ages equal", func(s *directory.Service) { s.MinimumAge, s.MaximumAge = num(18), num(18) }, "", "", false},
		{"huge description", func(s *directory.Service) { s.Description = strings.Repeat("a", 10<<20) }, "description", "the limit is", false},
		{"invalid utf8", func(s *directory.Service) { s.Description = "caf\xe9" }, "description", "not valid UTF-8", false},
		{"bad capacity", func(s *directory.Service) { s.Capacity = "overflowing" }, "capacity", "is not one of", false},
		{"bad delivery", func(s *directory.Service) { s.Delivery = []directory.Delivery{"carrier-pigeon"} }, "delivery[0]", "is not one of", false},
		{"bad assured date", func(s *directory.Service) { s.AssuredDate = "last week" }, "assured_date", "is not a date", false},
		{"bad byday", func(s *directory.Service) {
			s.Schedules = []directory.Schedule{{ID: "48102e86-bb50-41c4-8f1e-e269368c41d1", ByDay: "TU,Thursday"}}
		}, "schedules[0].byday", `"Thursday" is not a day`, false},
		{"good byday", func(s *directory.Service) {
			s.Schedules = []directory.Schedule{{ID: "48102e86-bb50-41c4-8f1e-e269368c41d1", ByDay: "TU,TH,1MO,-1FR", Freq: "WEEKLY"}}
		}, "", "", false},
		{"bad freq", func(s *directory.Service) {
			s.Schedules = []directory.Schedule{{ID: "48102e86-bb50-41c4-8f1e-e269368c41d1", Freq: "DAILY"}}
		}, "schedules[0].freq", "is not one of", false},
		{"bad opens_at", func(s *directory.Service) {
			s.Schedules = []directory.Schedule{{ID: "48102e86-bb50-41c4-8f1e-e269368c41d1", OpensAt: "10am"}}
		}, "schedules[0].opens_at", "is not a time of day", false},
		{"bad location type", func(s *directory.Service) {
			s.ServiceAtLocations = []directory.ServiceAtLocation{{ID: "e94c9f38-1e8f-4564-91d4-d53501ab1765",
				Location: &directory.Location{ID: "3a19ff88-4620-4d17-9830-ac1d859eb5d5", LocationType: "building"}}}
		}, "service_at_locations[0].location.location_type", `"building" is not one of`, false},
		{"latitude out of range is kept with a warning", func(s *directory.Service) {
			s.ServiceAtLocations = []directory.ServiceAtLocation{{ID: "e94c9f38-1e8f-4564-91d4-d53501ab1765",
				Location: &directory.Location{ID: "3a19ff88-4620-4d17-9830-ac1d859eb5d5", LocationType: "physical", Latitude: num(200), Longitude: num(-3)}}}
		}, "service_at_locations[0].location.latitude", "must be between -90 and 90", true},
		{"longitude out of range", func(s *directory.Service) {
			s.ServiceAtLocations = []directory.ServiceAtLocation{{ID: "e94c9f38-1e8f-4564-91d4-d53501ab1765",
				Location: &directory.Location{ID: "3a19ff88-4620-4d17-9830-ac1d859eb5d5", LocationType: "physical", Latitude: num(53), Longitude: num(-200)}}}
		}, "service_at_locations[0].location.longitude", "must be between -180 and 180", true},
		{"latitude without longitude", func(s *directory.Service) {
			s.ServiceAtLocations = []directory.ServiceAtLocation{{ID: "e94c9f38-1e8f-4564-91d4-d53501ab1765",
				Location: &directory.Location{ID: "3a19ff88-4620-4d17-9830-ac1d859eb5d5", LocationType: "physical", Latitude: num(53)}}}
		}, "service_at_locations[0].location.latitude", "must be given together", false},
		{"nested phone without number", func(s *directory.Service) {
			s.Phones = []directory.Phone{{ID: "1554f2e2-a373-45db-a3fa-9fc48a61c15e"}}
		}, "phones[0].number", "is required", false},
		{"organization without description", func(s *directory.Service) {
			s.Organization = &directory.Organization{ID: "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", Name: "Org"}
		}, "organization.description", "is required", false},
		{"attribute with bad term id", func(s *directory.Service) {
			s.Attributes = []directory.Attribute{{ID: "ae58cc39-8b70-4ab1-8aea-786882e5ac8e", TaxonomyTermID: "money"}}
		}, "attributes[0].taxonomy_term_id", "is not a UUID", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validService()
			tt.mutate(s)
			problems := s.Validate()
			if tt.path == "" {
				if len(problems) != 0 {
					t.Fatalf("want no problems, got %v", problems)
				}
				return
			}
			for _, p := range problems {
				if p.Path == tt.path && strings.Contains(p.Message, tt.message) {
					if p.Warning != tt.warning {
						t.Errorf("%s: warning = %v, want %v", p, p.Warning, tt.warning)
					}
					return
				}
			}
			t.Fatalf("want a problem at %s containing %q, got %v", tt.path, tt.message, problems)
		})
	}
}

func TestValidationErrorNamesRecordAndField(t *testing.T) {
	err := &directory.ValidationError{Record: 3, ID: "6d0c", Problems: directory.Problems{
		{Path: "service_at_locations[0].location.latitude", Message: "must be between -90 and 90"},
		{Path: "email", Message: `"x" is not an e-mail address`},
	}}
	want := "record 3 (id 6d0c): service_at_locations[0].location.latitude: must be between -90 and 90\n" +
		`record 3 (id 6d0c): email: "x" is not an e-mail address`
	if err.Error() != want {
		t.Fatalf("got\n%s\nwant\n%s", err.Error(), want)
	}
}

func TestClipKeepsMessagesShort(t *testing.T) {
	s := validService()
	s.URL = strings.Repeat("x", 5000)
	ps := s.Validate()
	if len(ps) != 1 || len(ps[0].Message) > 200 {
		t.Fatalf("want one short problem, got %d, %d bytes", len(ps), len(ps[0].Message))
	}
}
