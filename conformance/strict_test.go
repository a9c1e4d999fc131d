package conformance

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	credsv2 "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// Who may call what (issue #11): in strict mode the credentials idpool
// issues have only what AWS's default Cognito roles give an identity, and
// every verified signature is checked as AWS checks it.

const codeDenied = "AccessDeniedException"

// strictServer returns an in-process server in strict mode (permissive
// when strict is false) with the fixture world of fixtureWorld, whose OIDC
// provider signs with the returned key, and a second fixture file making
// the tests' static developer keys (accessKey, secretKey) developer
// credentials too, so that s.signed and every helper signing with them act
// as the developer. (The developer's keys act as the account's root, which
// AWS, and strict mode, let assume no role: an IAM user of the fixture,
// whose keys are assumerKeys, assumes the roles instead.)
func strictServer(t *testing.T, strict bool) (*server, *rsa.PrivateKey) {
	t.Helper()
	dir := t.TempDir()
	_, key := fixtureWorld(t, dir)
	// Chained trusts the sessions of SyncGuest, the guest role of
	// newSyncPool: in strict mode a role session chains only into a role
	// whose trust policy names it.
	accountID := envOr("IDPOOL_ACCOUNT_ID", "123456789012")
	fx, err := json.Marshal(map[string]any{
		"DeveloperCredentials": []any{map[string]string{"AccessKeyId": accessKey, "SecretAccessKey": secretKey}},
		"Users": []any{map[string]any{"UserName": assumerName, "AccessKeys": []any{
			map[string]string{"AccessKeyId": assumerKey, "SecretAccessKey": secretKey}}, "Policies": adminPolicies()}},
		"Roles": []any{
			map[string]any{
				"Arn": "arn:aws:iam::" + accountID + ":role/Chained",
				"AssumeRolePolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
					"Effect": "Allow", "Action": "sts:AssumeRole",
					"Principal": map[string]any{"AWS": "arn:aws:iam::" + accountID + ":role/SyncGuest"},
				}}},
			},
			// The roles of newSyncPool and newLoginSyncPool: strict mode,
			// as STS, assumes only roles IAM holds.
			cognitoRole(accountID, "SyncGuest"),
			cognitoRole(accountID, "SyncUser"),
			cognitoRole(accountID, "Web"),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "zz-developer.json"), fx, 0o644); err != nil {
		t.Fatal(err)
	}
	return testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": dir, "IDPOOL_STRICT": strconv.FormatBool(strict)}), key
}

// cognitoRole is a fixture role named name that Cognito Identity may
// assume for the identities of any pool, as the roles of newSyncPool (IAM
// wants a condition on the pool: any pool's identity matches this one),
// with the policy the Cognito console writes into the roles it creates
// (cognito-sync:* and mobileanalytics:PutEvents on "*"): strict mode
// grants Cognito Sync only as the role's policies allow, as AWS does, and
// Cognito Sync itself keeps each identity to its own data.
func cognitoRole(account, name string) map[string]any {
	return map[string]any{
		"Policies": []any{map[string]any{"PolicyName": "cognito-default", "PolicyDocument": map[string]any{"Version": "2012-10-17",
			"Statement": []any{map[string]any{"Effect": "Allow", "Action": []any{"mobileanalytics:PutEvents", "cognito-sync:*"}, "Resource": "*"}}}}},
		"Arn": "arn:aws:iam::" + account + ":role/" + name,
		"AssumeRolePolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
			"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
			"Principal": map[string]any{"Federated": "cognito-identity.amazonaws.com"},
			"Condition": map[string]any{"StringLike": map[string]any{"cognito-identity.amazonaws.com:aud": "*"}},
		}}},
	}
}

// The IAM user of strictServer's fixture that assumes roles: AWS lets no
// root assume a role ("Roles may not be assumed by root accounts."), and
// the developer's keys sign as the root.
const (
	assumerName = "assumer"
	assumerKey  = "AKIAASSUMERKEY000001"
)

// adminPolicies are the inline policies of a fixture user that may do
// everything: in strict mode an IAM user may do what its own policies
// allow, and nothing else.
func adminPolicies() []any {
	return []any{map[string]any{"PolicyName": "admin", "PolicyDocument": map[string]any{"Version": "2012-10-17",
		"Statement": []any{map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}}}}}
}

// assumerKeys are the access keys of strictServer's IAM user assumerName.
func assumerKeys() awsv2.Credentials {
	return awsv2.Credentials{AccessKeyID: assumerKey, SecretAccessKey: secretKey}
}

// identityWith returns a Cognito Identity client signing with c.
func (s *server) identityWith(c awsv2.Credentials) *cognitoidentity.Client {
	return newClient(s.endpoint, credsv2.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken))
}

// syncWith returns a Cognito Sync client signing with c.
func (s *server) syncWith(t *testing.T, c awsv2.Credentials) *cognitosync.CognitoSync {
	t.Helper()
	return newSyncClient(t, s.endpoint, credentials.NewStaticCredentials(c.AccessKeyID, c.SecretAccessKey, c.SessionToken))
}

// msgDenied is AWS's AccessDeniedException message.
func msgDenied(arn, action, resource string) string {
	return "User: " + arn + " is not authorized to perform: " + action + " on resource: " + resource
}

// syncARN is the resource Cognito Sync names in an AccessDeniedException.
func (s *server) syncARN(pool, id, dataset string) string {
	return "arn:aws:cognito-sync:" + region + ":" + s.accountID + ":identitypool/" + pool + "/identity/" + id + "/dataset/" + dataset
}

// TestStrictGuestEscalation: a guest's credentials, got with two unsigned
// calls, pass no developer operation in strict mode; the developer's keys
// pass them all, and the guest keeps its unsigned operations and its own
// Sync data.
func TestStrictGuestEscalation(t *testing.T) {
	s, _ := strictServer(t, true)
	ctx := context.Background()
	a := newSyncPool(t, s)
	dev := uniqueDev()
	b := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{DeveloperProviderName: awsv2.String(dev)})
	victim, err := s.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
		IdentityPoolId: awsv2.String(b), Logins: map[string]string{dev: "victim"},
	})
	ok(t, err, "GetOpenIdTokenForDeveloperIdentity as the developer")

	guestID := s.guestID(t, a.id)
	guest, _ := s.enhancedCreds(t, guestID, nil)
	arn := s.assumedARN("SyncGuest", "CognitoIdentityCredentials")
	s.wantCaller(t, guest, arn)
	c := s.identityWith(guest)
	poolB := s.poolARN(b)

	calls := []struct {
		op       string
		resource string
		call     func() error
	}{
		{"GetOpenIdTokenForDeveloperIdentity", poolB, func() error {
			_, err := c.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: awsv2.String(b), Logins: map[string]string{dev: "victim"},
			})
			return err
		}},
		{"LookupDeveloperIdentity", poolB, func() error {
			_, err := c.LookupDeveloperIdentity(ctx, &cognitoidentity.LookupDeveloperIdentityInput{
				IdentityPoolId: awsv2.String(b), DeveloperUserIdentifier: awsv2.String("victim"),
			})
			return err
		}},
		{"DescribeIdentityPool", poolB, func() error {
			_, err := c.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: awsv2.String(b)})
			return err
		}},
		{"DeleteIdentities", s.poolARN(""), func() error {
			_, err := c.DeleteIdentities(ctx, &cognitoidentity.DeleteIdentitiesInput{IdentityIdsToDelete: []string{awsv2.ToString(victim.IdentityId)}})
			return err
		}},
		{"ListIdentityPools", s.poolARN(""), func() error {
			_, err := c.ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: awsv2.Int32(10)})
			return err
		}},
	}
	for _, tt := range calls {
		t.Run(tt.op, func(t *testing.T) {
			wantAPIError(t, tt.call(), codeDenied, msgDenied(arn, "cognito-identity:"+tt.op, tt.resource))
		})
	}
	if _, err := s.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: victim.IdentityId}); err != nil {
		t.Errorf("the victim's identity after the refused DeleteIdentities: %v", err)
	}

	// Unsigned operations stay open, also when the client signs them.
	if _, err := c.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: awsv2.String(a.id)}); err != nil {
		t.Errorf("GetId signed with the guest's credentials: %v", err)
	}
	if _, err := c.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: awsv2.String(guestID)}); err != nil {
		t.Errorf("GetCredentialsForIdentity signed with the guest's credentials: %v", err)
	}

	// The guest's own Sync data is its own; another identity's is not, nor
	// are the pool's settings.
	me := a.device(t, guestID)
	me.write(t, "notes", replacePatch("k", "v", 0))
	other := a.guest(t)
	other.write(t, "notes", replacePatch("k", "secret", 0))
	_, err = me.c.ListRecords(&cognitosync.ListRecordsInput{IdentityPoolId: aws.String(a.id), IdentityId: aws.String(other.id), DatasetName: aws.String("notes")})
	wantSyncError(t, err, codeNotAuthorized, http.StatusForbidden, msgSyncForbidden)
	_, err = me.c.DescribeIdentityPoolUsage(&cognitosync.DescribeIdentityPoolUsageInput{IdentityPoolId: aws.String(a.id)})
	wantSyncError(t, err, codeNotAuthorized, http.StatusForbidden, msgSyncForbidden)
	if _, err := a.dev.ListRecords(&cognitosync.ListRecordsInput{IdentityPoolId: aws.String(a.id), IdentityId: aws.String(other.id), DatasetName: aws.String("notes")}); err != nil {
		t.Errorf("ListRecords of any identity with the developer's keys: %v", err)
	}
}

// TestRoleSessionsWithoutIdentity: credentials of AssumeRole (chained from
// a guest) and of AssumeRoleWithWebIdentity with another provider's token
// belong to no identity. In strict mode they reach no identity's Sync data
// and no developer operation; permissive mode accepts them as it accepts
// every key. Web-identity credentials of a Cognito token belong to the
// token's identity, and only reach its data, in both modes.
func TestRoleSessionsWithoutIdentity(t *testing.T) {
	for _, strict := range []bool{true, false} {
		t.Run(modeName(strict), func(t *testing.T) {
			s, key := strictServer(t, strict)
			ctx := context.Background()
			p := newSyncPool(t, s)
			victim := p.guest(t)
			victim.write(t, "profile", replacePatch("email", "victim@example.com", 0))

			guestID, token := s.guestToken(t, p.id)
			guest, _ := s.enhancedCreds(t, guestID, nil)
			// The basic flow's session chains: Chained trusts SyncGuest's
			// ARN, a grant the enhanced flow's scope-down policy caps (see
			// TestStrictChainSessionCaps).
			basic, err := s.assumeWeb(token, s.roleARN("SyncGuest"), "CognitoIdentityCredentials", nil)
			ok(t, err, "AssumeRoleWithWebIdentity of SyncGuest")
			chained, err := s.stsWith(fromSTS(t, basic.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{
				RoleArn: awsv2.String(s.roleARN("Chained")), RoleSessionName: awsv2.String("hop"),
			})
			ok(t, err, "AssumeRole with the guest's basic-flow credentials")
			// A role without a trust policy trusts everyone in permissive
			// mode; in strict mode no role session chains into it.
			_, err = s.stsWith(guest).AssumeRole(ctx, &sts.AssumeRoleInput{
				RoleArn: awsv2.String(s.roleARN("Undeclared")), RoleSessionName: awsv2.String("hop"),
			})
			if strict {
				wantAPIError(t, err, "AccessDenied", msgDenied(s.assumedARN("SyncGuest", "CognitoIdentityCredentials"), "sts:AssumeRole", s.roleARN("Undeclared")))
			} else {
				ok(t, err, "AssumeRole of an undeclared role with the guest's credentials, permissive")
			}
			web, err := s.assumeWeb(providerToken(t, key, "web-user"), fxOIDCRole, "web", nil)
			ok(t, err, "AssumeRoleWithWebIdentity with the OIDC provider's token")
			cognito, err := s.assumeWeb(token, s.roleARN("Web"), "basic", nil)
			ok(t, err, "AssumeRoleWithWebIdentity with a Cognito token")

			for _, c := range []struct {
				name     string
				creds    awsv2.Credentials
				arn      string
				identity bool
			}{
				{"AssumeRole", fromSTS(t, chained.Credentials), s.assumedARN("Chained", "hop"), false},
				{"AssumeRoleWithWebIdentity", fromSTS(t, web.Credentials), s.assumedARN("OIDCRole", "web"), false},
				{"AssumeRoleWithWebIdentity of a Cognito token", fromSTS(t, cognito.Credentials), s.assumedARN("Web", "basic"), true},
			} {
				t.Run(c.name, func(t *testing.T) {
					s.wantCaller(t, c.creds, c.arn)
					sc := s.syncWith(t, c.creds)
					_, err := sc.ListRecords(&cognitosync.ListRecordsInput{
						IdentityPoolId: aws.String(p.id), IdentityId: aws.String(victim.id), DatasetName: aws.String("profile"),
					})
					switch {
					case c.identity:
						wantSyncError(t, err, codeNotAuthorized, http.StatusForbidden, msgSyncForbidden)
						_, err = sc.ListDatasets(&cognitosync.ListDatasetsInput{IdentityPoolId: aws.String(p.id), IdentityId: aws.String(guestID)})
						ok(t, err, "ListDatasets of the token's own identity")
						return
					case !strict:
						ok(t, err, "ListRecords of another identity in permissive mode")
						return
					}
					wantSyncError(t, err, codeDenied, http.StatusForbidden,
						msgDenied(c.arn, "cognito-sync:ListRecords", s.syncARN(p.id, victim.id, "profile")))
					_, err = sc.ListDatasets(&cognitosync.ListDatasetsInput{IdentityPoolId: aws.String(p.id), IdentityId: aws.String(victim.id)})
					wantSyncError(t, err, codeDenied, http.StatusForbidden,
						msgDenied(c.arn, "cognito-sync:ListDatasets", s.syncARN(p.id, victim.id, "null")))
					_, err = s.identityWith(c.creds).DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: awsv2.String(p.id)})
					wantAPIError(t, err, codeDenied, msgDenied(c.arn, "cognito-identity:DescribeIdentityPool", s.poolARN(p.id)))
				})
			}
		})
	}
}

func modeName(strict bool) string {
	if strict {
		return "strict"
	}
	return "permissive"
}

// signedRequest is a request signed with the SDK's own signer, for a
// service and region of the test's choosing, that a test then alters as an
// attacker would.
func signedRequest(t *testing.T, req *http.Request, body []byte, c awsv2.Credentials, service, signRegion string) *http.Request {
	t.Helper()
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), c, req, hex.EncodeToString(sum[:]), service, signRegion, time.Now()); err != nil {
		t.Fatalf("sign: %v", err)
	}
	return req
}

// identityRequest is a Cognito Identity request with body and X-Amz-Target
// target (none when "").
func (s *server) identityRequest(t *testing.T, target string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.endpoint+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	return req
}

// wantRefused fails t unless res is the error code with status and an
// error message equal to msg, in the protocol's error body (JSON, or STS's
// XML).
func wantRefused(t *testing.T, res rawResponse, status int, code, msg string) {
	t.Helper()
	if res.status != status {
		t.Errorf("got status %d (%s), want %d", res.status, res.body, status)
	}
	body := string(res.body)
	if !strings.Contains(body, code) {
		t.Errorf("got %s, want code %s", body, code)
	}
	var doc struct{ Message, Msg string }
	var xdoc struct {
		Error struct{ Message string }
	}
	got := ""
	switch {
	case json.Unmarshal(res.body, &doc) == nil:
		got = doc.Message + doc.Msg
	case xml.Unmarshal(res.body, &xdoc) == nil:
		got = xdoc.Error.Message
	}
	if got != msg {
		t.Errorf("got message %q, want %q", got, msg)
	}
}

// TestSigV4AsAWSChecksIt replays and re-scopes signatures that only an
// attacker would send: the issued credentials' in both modes, the
// developer's keys in strict mode. Permissive mode keeps accepting any
// well-formed signature by an unknown key.
func TestSigV4AsAWSChecksIt(t *testing.T) {
	for _, strict := range []bool{true, false} {
		t.Run(modeName(strict), func(t *testing.T) {
			s, _ := strictServer(t, strict)
			p := newSyncPool(t, s)
			guest := p.guest(t)
			v, err := guest.creds.Get()
			ok(t, err, "guest credentials")
			issued := awsv2.Credentials{AccessKeyID: v.AccessKeyID, SecretAccessKey: v.SecretAccessKey, SessionToken: v.SessionToken}
			// A fixture's developer key is verified in both modes.
			keys := map[string]awsv2.Credentials{"issued": issued, "developer": developerKeys()}
			describe := []byte(`{"IdentityPoolId":"` + p.id + `"}`)
			for who, c := range keys {
				t.Run(who, func(t *testing.T) {
					// A DescribeIdentityPool signed over host;x-amz-date only,
					// replayed as GetIdentityPoolRoles.
					req := signedRequest(t, s.identityRequest(t, "", describe), describe, c, "cognito-identity", region)
					req.Header.Set("X-Amz-Target", "AWSCognitoIdentityService.GetIdentityPoolRoles")
					wantRefused(t, s.do(t, req), http.StatusBadRequest, "InvalidSignatureException",
						"'x-amz-target' must be a 'SignedHeader' in the AWS Authorization.")

					// The host must be signed too.
					req = signedRequest(t, s.identityRequest(t, "AWSCognitoIdentityService.DescribeIdentityPool", describe), describe, c, "cognito-identity", region)
					req.Header.Set("Authorization", strings.Replace(req.Header.Get("Authorization"), ";host;", ";", 1))
					wantRefused(t, s.do(t, req), http.StatusBadRequest, "InvalidSignatureException",
						"'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")

					req = signedRequest(t, s.identityRequest(t, "AWSCognitoIdentityService.DescribeIdentityPool", describe), describe, c, "sts", region)
					wantRefused(t, s.do(t, req), http.StatusBadRequest, "InvalidSignatureException",
						"Credential should be scoped to correct service: 'cognito-identity'. ")
					// A scope of another region is that region's endpoint, which
					// does not know the pool (see TestRegionsEndpoint).
					list := []byte(`{"MaxResults":10}`)
					req = signedRequest(t, s.identityRequest(t, "AWSCognitoIdentityService.ListIdentityPools", list), list, c, "cognito-identity", "moon")
					wantRefused(t, s.do(t, req), http.StatusBadRequest, "InvalidSignatureException",
						"Credential should be scoped to a valid region, not 'moon'. ")

					// Cognito Sync and STS check the scope the same way.
					req, err := http.NewRequest(http.MethodGet, s.endpoint+"/identitypools/"+strings.ReplaceAll(p.id, ":", "%3A")+
						"/identities/"+strings.ReplaceAll(guest.id, ":", "%3A")+"/datasets", nil)
					ok(t, err, "new request")
					req = signedRequest(t, req, nil, c, "cognito-identity", region)
					wantRefused(t, s.do(t, req), http.StatusForbidden, "InvalidSignatureException",
						"Credential should be scoped to correct service: 'cognito-sync'. ")
					form := []byte("Action=GetCallerIdentity&Version=2011-06-15")
					req, err = http.NewRequest(http.MethodPost, s.endpoint+"/", bytes.NewReader(form))
					ok(t, err, "new request")
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req = signedRequest(t, req, form, c, "cognito-identity", region)
					wantRefused(t, s.do(t, req), http.StatusForbidden, "SignatureDoesNotMatch",
						"Credential should be scoped to correct service: 'sts'. ")
				})
			}

			// A session token added after signing is not covered by the
			// signature.
			form := []byte("Action=GetCallerIdentity&Version=2011-06-15")
			req, err := http.NewRequest(http.MethodPost, s.endpoint+"/", bytes.NewReader(form))
			ok(t, err, "new request")
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req = signedRequest(t, req, form, awsv2.Credentials{AccessKeyID: issued.AccessKeyID, SecretAccessKey: issued.SecretAccessKey}, "sts", region)
			req.Header.Set("X-Amz-Security-Token", issued.SessionToken)
			wantRefused(t, s.do(t, req), http.StatusForbidden, "SignatureDoesNotMatch",
				"'x-amz-security-token' must be a 'SignedHeader' in the AWS Authorization.")

			if !strict {
				// An unknown key is not verified in permissive mode: a scope
				// of another service passes. (Its region is still the
				// endpoint its client calls, which must be the pool's: see
				// TestRegionsUnknownKey.)
				unknown := awsv2.Credentials{AccessKeyID: "AKIDUNKNOWN", SecretAccessKey: "anything"}
				req = signedRequest(t, s.identityRequest(t, "AWSCognitoIdentityService.DescribeIdentityPool", describe), describe, unknown, "sts", region)
				if res := s.do(t, req); res.status != http.StatusOK {
					t.Errorf("unknown key in permissive mode: got %d %s, want 200", res.status, res.body)
				}
			}
		})
	}
}

// TestStrictUnheldRole: STS assumes only roles that exist. In strict mode
// a pool's role IAM does not hold gets Cognito's answer for a role STS
// refuses, and STS refuses it to a web identity and to an IAM user as it
// refuses a role whose trust policy does not allow them (AWS does not say
// which). Permissive mode keeps trusting such a role, so that quick
// starts without IAM set-up work.
func TestStrictUnheldRole(t *testing.T) {
	for _, strict := range []bool{false, true} {
		t.Run("strict="+strconv.FormatBool(strict), func(t *testing.T) {
			s, _ := strictServer(t, strict)
			ctx := context.Background()
			pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
			missing := s.roleARN("Missing")
			_, err := s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
				IdentityPoolId: awsv2.String(pool), Roles: map[string]string{"unauthenticated": missing},
			})
			ok(t, err, "SetIdentityPoolRoles")
			id := s.guestID(t, pool)

			_, err = s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: awsv2.String(id)})
			tok, terr := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: awsv2.String(id)})
			ok(t, terr, "GetOpenIdToken")
			_, werr := s.assumeWeb(awsv2.ToString(tok.Token), missing, "basic", nil)
			_, aerr := s.stsWith(assumerKeys()).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: awsv2.String(missing), RoleSessionName: awsv2.String("user")})
			if !strict {
				ok(t, err, "GetCredentialsForIdentity with a role IAM does not hold, permissive")
				ok(t, werr, "AssumeRoleWithWebIdentity of a role IAM does not hold, permissive")
				ok(t, aerr, "AssumeRole of a role IAM does not hold, permissive")
				return
			}
			wantAPIError(t, err, "InvalidIdentityPoolConfigurationException", "Invalid identity pool configuration. Check assigned IAM roles for this pool.")
			wantAPIError(t, werr, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
			wantAPIError(t, aerr, "AccessDenied", msgDenied("arn:aws:iam::"+s.accountID+":user/"+assumerName, "sts:AssumeRole", missing))
		})
	}
}
