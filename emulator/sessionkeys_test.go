package emulator

import (
	"fmt"
	"testing"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

// TestSessionTags: a role session's principal tags are its own role's
// tags under its session tags, a session tag replacing a role tag of the
// same key whatever its case (AssumeRole's Tags: "session tags override a
// role tag with the same key"; Department and department are one key); a
// role that is not the session's own gives none.
func TestSessionTags(t *testing.T) {
	role := storage.Role{Tags: []storage.Tag{{Key: "team", Value: "blue"}, {Key: "Department", Value: "Marketing"}}}
	tests := []struct {
		name    string
		role    storage.Role
		own     bool
		session map[string]string
		want    map[string]string
	}{
		{name: "role tags alone", role: role, own: true,
			want: map[string]string{"team": "blue", "Department": "Marketing"}},
		{name: "session tags of other keys", role: role, own: true, session: map[string]string{"project": "x"},
			want: map[string]string{"team": "blue", "Department": "Marketing", "project": "x"}},
		{name: "a session tag over the role's", role: role, own: true, session: map[string]string{"team": "red"},
			want: map[string]string{"team": "red", "Department": "Marketing"}},
		{name: "a session tag over the role's in another case", role: role, own: true, session: map[string]string{"department": "engineering"},
			want: map[string]string{"team": "blue", "department": "engineering"}},
		{name: "not the session's role", role: role, own: false, session: map[string]string{"project": "x"},
			want: map[string]string{"project": "x"}},
		{name: "an untagged role", role: storage.Role{}, own: true, session: map[string]string{"project": "x"},
			want: map[string]string{"project": "x"}},
		{name: "no tags", role: storage.Role{}, own: true, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fmt.Sprint(tt.session)
			got := sessionTags(tt.role, tt.own, tt.session)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if fmt.Sprint(tt.session) != before {
				t.Errorf("session tags: got %v after, want %s unchanged", tt.session, before)
			}
		})
	}
}

// TestSessionRole: the role a session's principal tags come from is the
// one IAM holds under its role's name, when it is the session's own: of
// its RoleId (any, for a session of no RoleId), account and path.
func TestSessionRole(t *testing.T) {
	st, err := sqlite.Open(t.Context(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	const arn = "arn:aws:iam::123456789012:role/app/Blue"
	err = st.Update(t.Context(), func(tx storage.Tx) error {
		return tx.CreateRole(t.Context(), storage.Role{Name: "Blue", Path: "/app/", ID: "AROABLUE", ARN: arn, AssumeRolePolicy: authOnly,
			Tags: []storage.Tag{{Key: "team", Value: "blue"}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		sess    creds.Session
		wantID  string
		wantOwn bool
	}{
		{name: "its own role", sess: creds.Session{RoleARN: arn, RoleID: "AROABLUE"}, wantID: "AROABLUE", wantOwn: true},
		{name: "its own role, named in another case", sess: creds.Session{RoleARN: "arn:aws:iam::123456789012:role/app/blue", RoleID: "AROABLUE"},
			wantID: "AROABLUE", wantOwn: true},
		// Issued for a role IAM did not hold, which IAM created since.
		{name: "a session of no RoleId", sess: creds.Session{RoleARN: arn}, wantID: "AROABLUE"},
		{name: "created again since", sess: creds.Session{RoleARN: arn, RoleID: "AROAOLD"}, wantID: "AROABLUE"},
		{name: "another path", sess: creds.Session{RoleARN: "arn:aws:iam::123456789012:role/Blue"}, wantID: "AROABLUE"},
		{name: "another account", sess: creds.Session{RoleARN: "arn:aws:iam::999999999999:role/app/Blue"}, wantID: "AROABLUE"},
		{name: "no such role", sess: creds.Session{RoleARN: "arn:aws:iam::123456789012:role/Gone", RoleID: "AROAGONE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, own, err := sessionRole(t.Context(), st, &tt.sess)
			if err != nil {
				t.Fatalf("got %v, want nil", err)
			}
			if r.ID != tt.wantID || own != tt.wantOwn {
				t.Errorf("got role %q, own %v, want %q, %v", r.ID, own, tt.wantID, tt.wantOwn)
			}
		})
	}
}

// TestSessionKeysWebProvider: the permission policies of a web identity
// session see its provider's keys named after the provider, as its role's
// trust policy does (token.actions.githubusercontent.com:sub, not after
// the provider's ARN), and aws:FederatedProvider the provider STS reported:
// the IAM OIDC provider's ARN, or a built-in provider's host.
func TestSessionKeysWebProvider(t *testing.T) {
	const (
		gh    = "token.actions.githubusercontent.com"
		ghARN = "arn:aws:iam::123456789012:oidc-provider/" + gh
	)
	p := &protocol.Principal{Account: "123456789012", UserID: "AROAEXAMPLE:s"}
	tests := []struct {
		name     string
		sess     creds.Session
		want     map[string]string // key: its single value
		wantNone []string
	}{
		{name: "GitHub through an IAM OIDC provider",
			sess:     creds.Session{Provider: ghARN, Subject: "repo:o/r:ref:refs/heads/main", Audience: "sts.amazonaws.com"},
			want:     map[string]string{gh + ":sub": "repo:o/r:ref:refs/heads/main", gh + ":aud": "sts.amazonaws.com", "aws:FederatedProvider": ghARN},
			wantNone: []string{ghARN + ":sub", ghARN + ":aud"}},
		{name: "EKS IRSA provider with a path",
			sess: creds.Session{Provider: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC", Subject: "system:serviceaccount:ns:sa", Audience: "sts.amazonaws.com"},
			want: map[string]string{"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:ns:sa",
				"aws:FederatedProvider": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"}},
		{name: "Google, built in",
			sess: creds.Session{Provider: "accounts.google.com", Subject: "1234", Audience: "android-client"},
			want: map[string]string{"accounts.google.com:sub": "1234", "accounts.google.com:aud": "android-client", "aws:FederatedProvider": "accounts.google.com"}},
		{name: "Cognito",
			sess: creds.Session{Provider: "cognito-identity.amazonaws.com", Subject: "us-east-1:id", Audience: "us-east-1:pool"},
			want: map[string]string{"cognito-identity.amazonaws.com:sub": "us-east-1:id", "aws:FederatedProvider": "cognito-identity.amazonaws.com"}},
		{name: "AssumeRole", sess: creds.Session{RoleARN: "arn:aws:iam::123456789012:role/R"},
			wantNone: []string{"aws:FederatedProvider"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys := sessionKeys(&creds.Credentials{Session: tt.sess}, p, nil).Keys()
			for k, v := range tt.want {
				if got := keys[k]; len(got) != 1 || got[0] != v {
					t.Errorf("%s: got %q, want [%s]", k, got, v)
				}
			}
			for _, k := range tt.wantNone {
				if got, ok := keys[k]; ok {
					t.Errorf("%s: got %q, want no key", k, got)
				}
			}
		})
	}
}
