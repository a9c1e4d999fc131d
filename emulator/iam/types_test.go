package iam

import (
	"encoding/xml"
	"testing"
)

// TestTagListXML: a nil TagList is left out of an answer, an empty one is
// an empty <Tags>, as AWS answers them.
func TestTagListXML(t *testing.T) {
	tests := []struct {
		name string
		tags TagList
		want string
	}{
		{"nil", nil, `<Role><RoleName>r</RoleName></Role>`},
		{"empty", TagList{}, `<Role><RoleName>r</RoleName><Tags></Tags></Role>`},
		{"two", TagList{{"a", "1"}, {"b", ""}},
			`<Role><RoleName>r</RoleName><Tags><member><Key>a</Key><Value>1</Value></member><member><Key>b</Key><Value></Value></member></Tags></Role>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := xml.Marshal(struct {
				XMLName  xml.Name `xml:"Role"`
				RoleName string
				Tags     TagList
			}{RoleName: "r", Tags: tt.tags})
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("got %s, want %s", b, tt.want)
			}
		})
	}
}
