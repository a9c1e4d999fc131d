package conformance

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// msgNoSetSourceIdentity is STS's refusal of a source identity the role's
// trust policy (or, chained, the caller's session) does not allow.
func msgNoSetSourceIdentity(caller, role string) string {
	return "User: " + caller + " is not authorized to perform: sts:SetSourceIdentity on resource: " + role
}

// TestSourceIdentityAssumeRole: AssumeRole sets a source identity only
// where the role's trust policy allows sts:SetSourceIdentity; the session
// keeps it, its requests carry it as aws:SourceIdentity, and it passes
// unchanged to the sessions assumed from it, which may not set another
// and need sts:SetSourceIdentity in their role's trust policy too.
func TestSourceIdentityAssumeRole(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	dev := developerKeys()
	sourced := s.createRole(t, "Sourced", s.trustRoot("sts:AssumeRole", nil), s.trustRoot("sts:SetSourceIdentity", nil))
	_, err := s.iamWith(dev).PutRolePolicy(ctx, &iam.PutRolePolicyInput{
		RoleName: aws.String(roleNameOf(sourced)), PolicyName: aws.String("alice-reads"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceIdentity": "alice"}}})),
	})
	ok(t, err, "PutRolePolicy")
	plain := s.createRole(t, "Plain", s.trustRoot("sts:AssumeRole", nil))

	_, err = s.assume(dev, plain, "s0", sts.AssumeRoleInput{SourceIdentity: aws.String("alice")})
	wantSTSError(t, err, "AccessDenied", http.StatusForbidden, msgNoSetSourceIdentity(s.rootARN(), plain))

	first, err := s.assume(dev, sourced, "s1", sts.AssumeRoleInput{SourceIdentity: aws.String("alice")})
	ok(t, err, "AssumeRole with SourceIdentity")
	if got := aws.ToString(first.SourceIdentity); got != "alice" {
		t.Errorf("AssumeRole: got SourceIdentity %q, want alice", got)
	}
	none, err := s.assume(dev, sourced, "s2", sts.AssumeRoleInput{})
	ok(t, err, "AssumeRole without SourceIdentity")
	decisions := []struct {
		name, token, want string
	}{
		{"session with the source identity", aws.ToString(first.Credentials.SessionToken), "allowed"},
		{"session without one", aws.ToString(none.Credentials.SessionToken), "implicitDeny"},
	}
	for _, d := range decisions {
		if got := s.authorizeDecision(t, d.token, "s3:GetObject", "arn:aws:s3:::bucket/x", nil); got != d.want {
			t.Errorf("%s: aws:SourceIdentity condition: got %s, want %s", d.name, got, d.want)
		}
	}

	caller := aws.ToString(first.AssumedRoleUser.Arn)
	session := fromSTS(t, first.Credentials)
	tests := []struct {
		name, role string
		asked      *string
		code, msg  string
	}{
		{"not given again", sourced, nil, "", ""},
		{"given again", sourced, aws.String("alice"), "", ""},
		{"changed", sourced, aws.String("bob"), "AccessDenied", msgNoSetSourceIdentity(caller, sourced)},
		{"into a role without sts:SetSourceIdentity", plain, nil, "AccessDenied", msgNoSetSourceIdentity(caller, plain)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := s.assume(session, tt.role, "chained", sts.AssumeRoleInput{SourceIdentity: tt.asked})
			if tt.code != "" {
				wantSTSError(t, err, tt.code, http.StatusForbidden, tt.msg)
				return
			}
			ok(t, err, "chained AssumeRole")
			if got := aws.ToString(out.SourceIdentity); got != "alice" {
				t.Errorf("chained AssumeRole: got SourceIdentity %q, want alice", got)
			}
			if got := s.authorizeDecision(t, aws.ToString(out.Credentials.SessionToken), "s3:GetObject", "arn:aws:s3:::bucket/x", nil); got != "allowed" {
				t.Errorf("chained session's aws:SourceIdentity condition: got %s, want allowed", got)
			}
		})
	}
}

// TestSourceIdentityWebIdentity: AssumeRoleWithWebIdentity takes the
// source identity of the token's https://aws.amazon.com/source_identity
// claim, where the role's trust policy allows sts:SetSourceIdentity.
func TestSourceIdentityWebIdentity(t *testing.T) {
	p := newLocalOIDC(t)
	s := testServerEnv(t, nil)
	federated := map[string]any{"Federated": "arn:aws:iam::" + s.accountID + ":oidc-provider/" + p.host()}
	sourced := s.createRole(t, "WebSourced",
		map[string]any{"Effect": "Allow", "Principal": federated, "Action": []string{"sts:AssumeRoleWithWebIdentity", "sts:SetSourceIdentity"}})
	plain := s.createRole(t, "WebPlain", map[string]any{"Effect": "Allow", "Principal": federated, "Action": "sts:AssumeRoleWithWebIdentity"})
	now := time.Now()
	token := signJWT(t, p.key, p.kid, map[string]any{"iss": p.URL, "aud": "sts-app", "sub": "oidc-user-1", "iat": now.Unix(),
		"exp": now.Add(time.Hour).Unix(), "https://aws.amazon.com/source_identity": "carol"})

	out, err := s.assumeWeb(token, sourced, "web", nil)
	ok(t, err, "AssumeRoleWithWebIdentity")
	if got := aws.ToString(out.SourceIdentity); got != "carol" {
		t.Errorf("AssumeRoleWithWebIdentity: got SourceIdentity %q, want carol", got)
	}
	chained, err := s.assume(fromSTS(t, out.Credentials), s.createRole(t, "AfterWeb", s.trustRoot("sts:AssumeRole", nil), s.trustRoot("sts:SetSourceIdentity", nil)), "next", sts.AssumeRoleInput{})
	ok(t, err, "AssumeRole chained from the web identity session")
	if got := aws.ToString(chained.SourceIdentity); got != "carol" {
		t.Errorf("chained: got SourceIdentity %q, want carol", got)
	}
	_, err = s.assumeWeb(token, plain, "web", nil)
	wantSTSError(t, err, "AccessDenied", http.StatusForbidden, "Not authorized to perform sts:SetSourceIdentity")
}
