package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestConsoleWebIdentityActivity: AssumeRoleWithWebIdentity with one of
// idpool's tokens, sent by the SDK with a long session policy ahead of the
// token in the form, is the activity of the token's identity and pool in
// the console, the call that succeeded and the one refused once the token
// was expired.
func TestConsoleWebIdentityActivity(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	guest := s.roleARN("ConsoleWeb_Guest")
	pool := s.rolePool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true},
		map[string]string{"unauthenticated": guest})
	id, token := s.guestToken(t, pool)

	// The SDK sends the members in name order: Policy before the token.
	var resources []string
	for k := range 25 {
		resources = append(resources, fmt.Sprintf(`"arn:aws:s3:::console-web-identity-bucket/%02d/*"`, k))
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[` + strings.Join(resources, ",") + `]}]}`
	assume := func() error {
		_, err := s.stsFor(aws.AnonymousCredentials{}).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(guest), RoleSessionName: aws.String("console"), WebIdentityToken: aws.String(token), Policy: aws.String(policy),
		})
		return err
	}
	ok(t, assume(), "AssumeRoleWithWebIdentity")
	body, _ := json.Marshal(map[string]string{"Token": token})
	if res := s.post(t, "/_idpool/tokens/expire", string(body)); res.status != http.StatusNoContent {
		t.Fatalf("expire the token: got %d %s, want 204", res.status, res.body)
	}
	if err := assume(); !isCode(err, codeExpiredToken) {
		t.Fatalf("AssumeRoleWithWebIdentity with the expired token: got %v, want %s", err, codeExpiredToken)
	}

	for _, filter := range []string{"identity=" + url.QueryEscape(id), "pool=" + url.QueryEscape(pool)} {
		res := s.get(t, "/_idpool/console/activity?op=AssumeRoleWithWebIdentity&"+filter)
		page := string(res.body)
		if res.status != http.StatusOK {
			t.Fatalf("activity of %s: got %d, want 200", filter, res.status)
		}
		if n := strings.Count(page, "<td>AssumeRoleWithWebIdentity</td>"); n != 2 {
			t.Errorf("activity of %s: got %d AssumeRoleWithWebIdentity calls, want 2", filter, n)
		}
		if !strings.Contains(page, codeExpiredToken) {
			t.Errorf("activity of %s: got no %s refusal", filter, codeExpiredToken)
		}
	}
}
