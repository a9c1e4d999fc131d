package iam

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/outbound"
	"github.com/idpool/idpool/storage/sqlite"
)

// TestOutboundWebIdentityFederation: the three operations in a row, as an
// account goes through them: GetInfo and Disable refused before the first
// enable, Enable answering the issuer under the request's base, a second
// Enable FeatureEnabled, GetInfo telling it enabled, Disable, a second
// Disable FeatureDisabled, GetInfo FeatureDisabled once disabled (as AWS
// answers it: the Terraform AWS provider's acceptance tests require the
// feature not found after its Delete disabled it), and Enable again
// giving the same issuer back, which GetInfo tells enabled.
func TestOutboundWebIdentityFederation(t *testing.T) {
	st, err := sqlite.Open(t.Context(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	fed := outbound.New(st, "", now, rand.Reader)
	s := New(Config{AccountID: "123456789012", Region: "us-east-1", Outbound: fed}, st, now, nil)
	ctx := outbound.WithRequestBase(t.Context(), "http://localhost:9230")
	var issuer string
	info := func() (string, error) {
		out, err := s.GetOutboundWebIdentityFederationInfo(ctx, &OutboundInput{})
		if err != nil {
			return "", err
		}
		if out.IssuerIdentifier != issuer {
			t.Errorf("IssuerIdentifier: got %q, want %q", out.IssuerIdentifier, issuer)
		}
		if !out.JwtVendingEnabled {
			t.Errorf("JwtVendingEnabled: got false, want true whenever GetOutboundWebIdentityFederationInfo answers")
		}
		return "enabled", nil
	}
	enable := func() (string, error) {
		out, err := s.EnableOutboundWebIdentityFederation(ctx, &OutboundInput{})
		if err != nil {
			return "", err
		}
		if issuer == "" {
			issuer = out.IssuerIdentifier
		}
		if out.IssuerIdentifier != issuer {
			t.Errorf("IssuerIdentifier: got %q, want %q, the first enable's", out.IssuerIdentifier, issuer)
		}
		return "", nil
	}
	disable := func() (string, error) {
		_, err := s.DisableOutboundWebIdentityFederation(ctx, &OutboundInput{})
		return "", err
	}
	steps := []struct {
		name   string
		do     func() (string, error)
		want   string
		code   string
		status int
		msg    string
	}{
		{name: "info before enable", do: info, code: CodeFeatureDisabled, status: 404, msg: "Outbound identity federation is not enabled for account 123456789012."},
		{name: "disable before enable", do: disable, code: CodeFeatureDisabled, status: 404},
		{name: "enable", do: enable},
		{name: "enable again", do: enable, code: CodeFeatureEnabled, status: 409, msg: "Outbound identity federation is already enabled for account 123456789012."},
		{name: "info enabled", do: info, want: "enabled"},
		{name: "disable", do: disable},
		{name: "disable again", do: disable, code: CodeFeatureDisabled, status: 404, msg: "Outbound identity federation is already disabled for account 123456789012."},
		{name: "info disabled", do: info, code: CodeFeatureDisabled, status: 404, msg: "Outbound identity federation is not enabled for account 123456789012."},
		{name: "enable after disable", do: enable},
		{name: "info enabled again", do: info, want: "enabled"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			got, err := st.do()
			if st.msg != "" {
				wantError(t, err, st.code, st.status, st.msg)
			} else {
				wantCode(t, err, st.code, st.status)
			}
			if got != st.want {
				t.Errorf("got %s, want %s", got, st.want)
			}
		})
	}
	if !strings.HasPrefix(issuer, "http://localhost:9230"+outbound.PathPrefix) {
		t.Errorf("issuer: got %q, want one under http://localhost:9230%s", issuer, outbound.PathPrefix)
	}
}
