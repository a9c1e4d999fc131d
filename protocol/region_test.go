package protocol

import (
	"context"
	"strings"
	"testing"
)

func TestPartition(t *testing.T) {
	tests := []struct{ region, want string }{
		{"us-east-1", "aws"},
		{"eu-west-1", "aws"},
		{"il-central-1", "aws"},
		{"mx-central-1", "aws"},
		{"cn-north-1", "aws-cn"},
		{"cn-northwest-1", "aws-cn"},
		{"us-gov-west-1", "aws-us-gov"},
		{"us-gov-east-1", "aws-us-gov"},
		{"us-iso-east-1", "aws-iso"},
		{"us-isob-east-1", "aws-iso-b"},
		{"eu-isoe-west-1", "aws-iso-e"},
		{"us-isof-south-1", "aws-iso-f"},
		{"eusc-de-east-1", "aws-eusc"},
		{"local", "aws"},
		{"", "aws"},
	}
	for _, tt := range tests {
		t.Run(tt.region, func(t *testing.T) {
			if got := Partition(tt.region); got != tt.want {
				t.Errorf("Partition(%q) = %q, want %q", tt.region, got, tt.want)
			}
		})
	}
}

func TestIDRegion(t *testing.T) {
	tests := []struct{ name, id, want string }{
		{"pool", "eu-west-1:5b2c7c38-9f0e-4e4b-9d5e-3f6b8a1c2d3e", "eu-west-1"},
		{"china", "cn-north-1:5b2c7c38-9f0e-4e4b-9d5e-3f6b8a1c2d3e", "cn-north-1"},
		{"no colon", "5b2c7c38-9f0e-4e4b-9d5e-3f6b8a1c2d3e", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IDRegion(tt.id); got != tt.want {
				t.Errorf("IDRegion(%q) = %q, want %q", tt.id, got, tt.want)
			}
		})
	}
}

func TestARNPartition(t *testing.T) {
	tests := []struct{ name, arn, want string }{
		{"aws", "arn:aws:iam::123456789012:role/R", "aws"},
		{"china", "arn:aws-cn:iam::123456789012:role/R", "aws-cn"},
		{"govcloud", "arn:aws-us-gov:iam::123456789012:role/R", "aws-us-gov"},
		{"empty partition", "arn::iam::123456789012:role/R", "aws"},
		{"not an ARN", "role/R", "aws"},
		{"prefix only", "arn:aws-cn", "aws"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ARNPartition(tt.arn); got != tt.want {
				t.Errorf("ARNPartition(%q) = %q, want %q", tt.arn, got, tt.want)
			}
		})
	}
}

func TestRegionFrom(t *testing.T) {
	tests := []struct {
		name   string
		req    bool // carry a Request
		region string
		want   string
	}{
		{"request", true, "eu-west-1", "eu-west-1"},
		{"no request", false, "cn-north-1", "cn-north-1"},
		{"unsigned request", true, "", "us-east-1"},
		{"not a region", true, "eu:west", "us-east-1"},
		{"upper case", false, "EU-WEST-1", "us-east-1"},
		{"local", true, "local", "us-east-1"},
		{"global endpoint", true, "aws-global", "us-east-1"},
		{"words only", true, "not-a-region", "us-east-1"},
		{"sovereign cloud", true, "eusc-de-east-1", "eusc-de-east-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.req {
				ctx = WithRequestID(ctx, "r")
			}
			if tt.region != "" {
				ctx = WithRegion(ctx, tt.region)
			}
			if got := RegionFrom(ctx, "us-east-1"); got != tt.want {
				t.Errorf("RegionFrom = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("recorded in the request", func(t *testing.T) {
		ctx := WithRequestID(context.Background(), "r")
		if got := WithRegion(ctx, "eu-west-1"); got != ctx {
			t.Error("WithRegion derived a context, want the request's own")
		}
		if got := RequestFrom(ctx).Region; got != "eu-west-1" {
			t.Errorf("Request.Region = %q, want eu-west-1", got)
		}
	})
}

func TestIsRegion(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"us-east-1", true},
		{"eu-west-3", true},
		{"ap-southeast-5", true},
		{"us-gov-west-1", true},
		{"cn-north-1", true},
		{"cn-northwest-1", true},
		{"us-iso-east-1", true},
		{"us-isob-east-1", true},
		{"eu-isoe-west-1", true},
		{"us-isof-south-1", true},
		{"eusc-de-east-1", true},
		{"us-east-10", true},
		{"", false},
		{"local", false},
		{"aws-global", false},
		{"not-a-region", false},
		{"us-east", false},
		{"us-1", false},
		{"u-east-1", false},
		{"europe-west-1", false},
		{"US-EAST-1", false},
		{"us_east_1", false},
		{"us--east-1", false},
		{"-us-east-1", false},
		{"us-east-1-", false},
		{"us-east-1a", false},
		{"us-east-1:x", false},
		{"us-eastnortheastsouth-1", false}, // 23 characters: the pool id would pass 55
		{"eus-de-east-1", false},
		{"usa-east-1", false},
		{"us-east-1-2", false},
		{"us-east-", false},
		{"us-east1-1", false},
		{"us-ea1st-1", false},
		{"u1-east-1", false},
		{"us-east-x", false},
		{"-", false},
		{"us--1", false},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			if got := IsRegion(tt.s); got != tt.want {
				t.Errorf("IsRegion(%q) = %v, want %v", tt.s, got, tt.want)
			}
		})
	}
}

// TestIsRegionAllocs: the edge asks IsRegion of every signed request, so
// it must not allocate.
func TestIsRegionAllocs(t *testing.T) {
	for _, s := range []string{"us-gov-west-1", "not-a-region", "us-east-1:x"} {
		if got := testing.AllocsPerRun(100, func() { IsRegion(s) }); got != 0 {
			t.Errorf("IsRegion(%q): got %v allocations, want 0", s, got)
		}
	}
}

func BenchmarkIsRegion(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		IsRegion("us-gov-west-1")
	}
}

func TestElsewhere(t *testing.T) {
	const (
		eu = "eu-west-1:11111111-2222-4333-8444-555555555555"
		us = "us-east-1:11111111-2222-4333-8444-555555555555"
	)
	tests := []struct {
		name       string
		req        *Request // nil: no request
		id         string
		want       bool
		wantReason bool
	}{
		{name: "no request", id: eu},
		{name: "unsigned", req: &Request{}, id: eu},
		{name: "signature not verified", req: &Request{Region: "us-east-1"}, id: eu},
		{name: "same region", req: &Request{Region: "eu-west-1", Regional: true}, id: eu},
		{name: "other region", req: &Request{Region: "us-east-1", Regional: true}, id: eu, want: true, wantReason: true},
		{name: "prefix not a region", req: &Request{Region: "us-east-1", Regional: true}, id: "foo:11111111-2222-4333-8444-555555555555", want: true, wantReason: true},
		{name: "prefix upper case", req: &Request{Region: "us-east-1", Regional: true}, id: "US-EAST-1:11111111-2222-4333-8444-555555555555", want: true, wantReason: true},
		{name: "home region", req: &Request{Region: "us-east-1", Regional: true}, id: us},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.req != nil {
				ctx = WithRequest(ctx, tt.req)
			}
			if got := Elsewhere(ctx, tt.id); got != tt.want {
				t.Errorf("Elsewhere(%q): got %v, want %v", tt.id, got, tt.want)
			}
			if tt.req != nil && (tt.req.Reason != "") != tt.wantReason {
				t.Errorf("reason: got %q, want one: %v", tt.req.Reason, tt.wantReason)
			}
			if tt.wantReason && !strings.Contains(tt.req.Reason, tt.id) {
				t.Errorf("reason: got %q, want it to name %s", tt.req.Reason, tt.id)
			}
		})
	}
}
