package iam

import (
	"testing"
	"time"
)

func TestRoleUsed(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		uses []lastUse // id "AROA1", in this order
		want *lastUse
	}{
		{"never used", nil, nil},
		{"used once", []lastUse{{at: t0, region: "eu-west-1"}}, &lastUse{at: t0, region: "eu-west-1"}},
		{"the latest use wins", []lastUse{{at: t0, region: "eu-west-1"}, {at: t0.Add(time.Hour), region: "us-west-2"}}, &lastUse{at: t0.Add(time.Hour), region: "us-west-2"}},
		{"an older use recorded late is ignored", []lastUse{{at: t0.Add(time.Hour), region: "us-west-2"}, {at: t0, region: "eu-west-1"}}, &lastUse{at: t0.Add(time.Hour), region: "us-west-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newService(t)
			for _, u := range tt.uses {
				s.RoleUsed("AROA1", u.region, u.at)
			}
			s.RoleUsed("", "us-east-1", t0.Add(2*time.Hour)) // a role IAM does not hold
			got := s.roleLastUsed("AROA1")
			switch {
			case tt.want == nil && (got.LastUsedDate != nil || got.Region != nil):
				t.Errorf("got %+v, want empty", got)
			case tt.want != nil && (got.LastUsedDate == nil || !got.LastUsedDate.Time().Equal(tt.want.at) || got.Region == nil || *got.Region != tt.want.region):
				t.Errorf("got %+v, want %v in %s", got, tt.want.at, tt.want.region)
			}
			if got := s.roleLastUsed(""); got.LastUsedDate != nil {
				t.Errorf("role without RoleId: got %+v, want empty", got)
			}
			s.ForgetUsage()
			if got := s.roleLastUsed("AROA1"); got.LastUsedDate != nil {
				t.Errorf("after ForgetUsage: got %+v, want empty", got)
			}
		})
	}
}
