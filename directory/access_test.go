package directory_test

import (
	"slices"
	"testing"

	"signpost/directory"
)

func TestAccessFromText(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Automatic doors and level floors throughout.", []string{"step-free"}},
		{"Step-free access through the main entrance; accessible toilet on the ground floor.", []string{"step-free", "accessible-toilet"}},
		{"First-floor room with no lift, sorry: ring ahead and we'll try to meet you downstairs.", nil},
		{"Two steps up to the front door.", nil},
		{"Hearing loop in the main hall. A quiet room is available.", []string{"hearing-loop", "quiet-space"}},
		{"Disabled parking bays right outside the door.", []string{"parking"}},
		{"On-street parking only; it gets busy on market days.", nil},
		{"Around fifteen minutes' walk from St Helens Central station. Bus stop right outside.", []string{"public-transport"}},
		{"Sessions in British Sign Language", []string{"bsl"}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := directory.AccessFromText(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("AccessFromText = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSetAccessKeepsOtherAttributes(t *testing.T) {
	other := directory.Attribute{ID: "x", TaxonomyTermID: "someone-elses"}
	sal := directory.ServiceAtLocation{ID: "sal-1", Attributes: []directory.Attribute{other}}
	sal.SetAccess([]string{"parking", "step-free", "nonsense"})
	if got := sal.AccessCodes(); !slices.Equal(got, []string{"step-free", "parking"}) {
		t.Fatalf("AccessCodes = %v", got)
	}
	if sal.Attributes[0].ID != "x" || len(sal.Attributes) != 3 {
		t.Fatalf("attributes = %+v", sal.Attributes)
	}
	for _, a := range sal.Attributes[1:] {
		if a.LinkEntity != "service_at_location" || a.LinkID != "sal-1" {
			t.Errorf("access attribute links to %s %s", a.LinkEntity, a.LinkID)
		}
	}
	before := slices.Clone(sal.Attributes)
	sal.SetAccess([]string{"parking", "step-free"})
	if !slices.EqualFunc(before, sal.Attributes, func(a, b directory.Attribute) bool { return a.ID == b.ID }) {
		t.Errorf("setting the same features reordered them: %v", sal.Attributes)
	}
	svc := directory.Service{ServiceAtLocations: []directory.ServiceAtLocation{sal, {ID: "sal-2"}}}
	svc.ServiceAtLocations[1].SetAccess([]string{"hearing-loop"})
	if got := svc.AccessCodes(); !slices.Equal(got, []string{"step-free", "hearing-loop", "parking"}) {
		t.Errorf("service AccessCodes = %v", got)
	}
}
