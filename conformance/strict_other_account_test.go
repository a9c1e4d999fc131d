package conformance

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// The world of the other-account tests: idpool plays account A, and the
// fixtures declare roles of account B too, whose sessions STS issues.
const (
	acctA = "111111111111"
	acctB = "222222222222"
)

// The IAM users of otherAccountServer, all of account A: bob has no
// policy; erin may assume any role; carol may assume any role but one of
// another account (a Deny on aws:ResourceAccount, the "data perimeter"
// pattern); dave may get and assume roles of account A alone (an Allow on
// aws:ResourceAccount).
var xacctUsers = map[string]string{
	"bob": "AKIAXACCTBOB00000001", "erin": "AKIAXACCTERIN0000001",
	"carol": "AKIAXACCTCAROL000001", "dave": "AKIAXACCTDAVE0000001",
}

// xacctKeys are the access keys of the user name of otherAccountServer.
func xacctKeys(name string) aws.Credentials {
	return aws.Credentials{AccessKeyID: xacctUsers[name], SecretAccessKey: secretKey}
}

// xacctRole is the ARN of the role name of account.
func xacctRole(account, name string) string { return "arn:aws:iam::" + account + ":role/" + name }

// otherAccountServer starts a server (strict or permissive) of account A
// with the users of xacctUsers and these roles:
//   - A's ASource and ANoPerm, which trust account A (ANoPerm has no
//     permission policy) and AOwnBob, which trusts bob by his ARN;
//   - B's BTarget, which trusts A's role ANoPerm and the users bob and
//     erin by their ARNs, and allows everything ("*" on "*"), and
//     BTrustsA, which trusts account A;
//   - B's BGuest, which Cognito Identity may assume for any pool's
//     identities (cognitoRole), and allows cognito-sync:* and
//     cognito-identity:*.
func otherAccountServer(t *testing.T, strict bool) *server {
	t.Helper()
	allow := func(actions any, cond map[string]any) map[string]any {
		st := map[string]any{"Effect": "Allow", "Action": actions, "Resource": "*"}
		if cond != nil {
			st["Condition"] = cond
		}
		return st
	}
	inline := func(name string, statements ...map[string]any) []any {
		return []any{map[string]any{"PolicyName": name, "PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": statements}}}
	}
	user := func(name string, policies []any) map[string]any {
		u := map[string]any{"UserName": name, "AccessKeys": []any{map[string]string{"AccessKeyId": xacctUsers[name], "SecretAccessKey": secretKey}}}
		if policies != nil {
			u["Policies"] = policies
		}
		return u
	}
	role := func(account, name string, trusted []string, policies []any) map[string]any {
		r := map[string]any{"Arn": xacctRole(account, name), "AssumeRolePolicyDocument": map[string]any{"Version": "2012-10-17",
			"Statement": []any{map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": map[string]any{"AWS": trusted}}}}}
		if policies != nil {
			r["Policies"] = policies
		}
		return r
	}
	inA := func(account string) map[string]any {
		return map[string]any{"StringEquals": map[string]any{"aws:ResourceAccount": account}}
	}
	bGuest := cognitoRole(acctB, "BGuest")
	bGuest["Policies"] = inline("cognito", allow([]string{"cognito-sync:*", "cognito-identity:*"}, nil))
	fx := map[string]any{
		"AccountId":            acctA,
		"DeveloperCredentials": []any{map[string]string{"AccessKeyId": accessKey, "SecretAccessKey": secretKey}},
		"Users": []any{
			user("bob", nil),
			user("erin", inline("assume", allow("sts:AssumeRole", nil))),
			user("carol", inline("perimeter", allow("sts:AssumeRole", nil), map[string]any{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*",
				"Condition": map[string]any{"StringNotEquals": map[string]any{"aws:ResourceAccount": acctA}}})),
			user("dave", inline("own-account", allow([]string{"sts:AssumeRole", "iam:GetRole"}, inA(acctA)))),
		},
		"Roles": []any{
			role(acctA, "ASource", []string{"arn:aws:iam::" + acctA + ":root"}, nil),
			role(acctA, "ANoPerm", []string{"arn:aws:iam::" + acctA + ":root"}, nil),
			role(acctA, "AOwnBob", []string{"arn:aws:iam::" + acctA + ":user/bob"}, nil),
			role(acctB, "BTarget", []string{xacctRole(acctA, "ANoPerm"), "arn:aws:iam::" + acctA + ":user/bob", "arn:aws:iam::" + acctA + ":user/erin"},
				inline("everything", allow("*", nil))),
			role(acctB, "BTrustsA", []string{"arn:aws:iam::" + acctA + ":root"}, nil),
			bGuest,
		},
	}
	b, err := json.Marshal(fx)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "accounts.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path, "IDPOOL_STRICT": strconv.FormatBool(strict)})
	s.accountID = acctA
	return s
}

// assumeAs assumes role with the credentials c, naming the session
// session.
func (s *server) assumeAs(c aws.Credentials, role, session string) (aws.Credentials, error) {
	out, err := s.stsWith(c).AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String(session)})
	if err != nil {
		return aws.Credentials{}, err
	}
	return aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
		SessionToken: aws.ToString(out.Credentials.SessionToken)}, nil
}

// TestStrictCrossAccountAssumeRole: in strict mode a principal of account A
// assumes a role of account B only when B's trust policy allows it and A's
// own policies do too, as STS's AssumeRole reference says of a principal
// in a different account; within account A a trust policy naming the
// caller grants alone, as before. The caller's policies see
// aws:ResourceAccount, the role's account: a Deny or an Allow on it decides
// AssumeRole as it decides iam:GetRole, and /_idpool/authorize agrees.
func TestStrictCrossAccountAssumeRole(t *testing.T) {
	t.Parallel()
	s := otherAccountServer(t, true)
	noPerm, err := s.assumeAs(xacctKeys("erin"), xacctRole(acctA, "ANoPerm"), "noperm")
	ok(t, err, "AssumeRole ANoPerm")
	denied := func(caller, role string) string {
		return "User: " + caller + " is not authorized to perform: sts:AssumeRole on resource: " + role
	}
	userARN := func(name string) string { return "arn:aws:iam::" + acctA + ":user/" + name }
	tests := []struct {
		name   string
		caller aws.Credentials
		role   string
		want   string // the refusal's message; "" for success
	}{
		{"a user without policies into B's role that names him", xacctKeys("bob"), xacctRole(acctB, "BTarget"),
			denied(userARN("bob"), xacctRole(acctB, "BTarget"))},
		{"a session of a role without policies into B's role that names the role", noPerm, xacctRole(acctB, "BTarget"),
			denied("arn:aws:sts::"+acctA+":assumed-role/ANoPerm/noperm", xacctRole(acctB, "BTarget"))},
		{"a user allowed sts:AssumeRole into B's role that names him", xacctKeys("erin"), xacctRole(acctB, "BTarget"), ""},
		{"a user allowed sts:AssumeRole into B's role that trusts account A", xacctKeys("erin"), xacctRole(acctB, "BTrustsA"), ""},
		{"a user without policies into B's role that trusts account A", xacctKeys("bob"), xacctRole(acctB, "BTrustsA"),
			denied(userARN("bob"), xacctRole(acctB, "BTrustsA"))},
		{"a user without policies into A's role that names him", xacctKeys("bob"), xacctRole(acctA, "AOwnBob"), ""},
		{"a Deny unless aws:ResourceAccount is A, into A's role", xacctKeys("carol"), xacctRole(acctA, "ASource"), ""},
		{"a Deny unless aws:ResourceAccount is A, into B's role", xacctKeys("carol"), xacctRole(acctB, "BTrustsA"),
			denied(userARN("carol"), xacctRole(acctB, "BTrustsA"))},
		{"an Allow if aws:ResourceAccount is A, into A's role", xacctKeys("dave"), xacctRole(acctA, "ASource"), ""},
		{"an Allow if aws:ResourceAccount is A, into B's role", xacctKeys("dave"), xacctRole(acctB, "BTrustsA"),
			denied(userARN("dave"), xacctRole(acctB, "BTrustsA"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.assumeAs(tt.caller, tt.role, "xs")
			if tt.want == "" {
				ok(t, err, "AssumeRole "+tt.role)
				return
			}
			wantSTSError(t, err, "AccessDenied", http.StatusForbidden, tt.want)
		})
	}

	// dave's policy allows iam:GetRole on A's roles as it allows
	// sts:AssumeRole: the same condition decides both.
	_, err = s.iamWith(xacctKeys("dave")).GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String("ASource")})
	ok(t, err, "dave's GetRole ASource")

	// /_idpool/authorize decides sts:AssumeRole for carol's and dave's
	// GetSessionToken sessions as the calls are decided.
	for _, name := range []string{"carol", "dave"} {
		out, err := s.stsWith(xacctKeys(name)).GetSessionToken(context.Background(), &sts.GetSessionTokenInput{})
		ok(t, err, "GetSessionToken "+name)
		token := aws.ToString(out.Credentials.SessionToken)
		for role, want := range map[string]string{xacctRole(acctA, "ASource"): "allowed", xacctRole(acctB, "BTrustsA"): map[string]string{"carol": "explicitDeny", "dave": "implicitDeny"}[name]} {
			if got := s.authorizeDecision(t, token, "sts:AssumeRole", role, nil); got != want {
				t.Errorf("%s: /_idpool/authorize sts:AssumeRole on %s: got %s, want %s", name, role, got, want)
			}
		}
	}
}

// TestStrictOtherAccountSession: a session of account B's role, whose own
// policy allows everything, is B's (GetCallerIdentity, GetAccessKeyInfo),
// and in strict mode is refused every Cognito Identity, Cognito Sync and
// IAM call, as AWS would act for it in account B, which idpool does not
// hold: AccessDeniedException, and IAM's AccessDenied "because no
// resource-based policy allows" the action. /_idpool/authorize answers
// implicitDeny for the same actions on account A's resources, and decides
// by the role's policies on B's own. Permissive mode lets the session
// through.
func TestStrictOtherAccountSession(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{true, false} {
		t.Run(modeName(strict), func(t *testing.T) {
			t.Parallel()
			s := otherAccountServer(t, strict)
			ctx := context.Background()
			pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
			b, err := s.assumeAs(xacctKeys("erin"), xacctRole(acctB, "BTarget"), "bs")
			ok(t, err, "AssumeRole BTarget")
			who, err := s.stsWith(b).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			ok(t, err, "GetCallerIdentity")
			if got := aws.ToString(who.Account); got != acctB {
				t.Errorf("GetCallerIdentity: got Account %s, want %s", got, acctB)
			}
			info, err := s.stsWith(b).GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(b.AccessKeyID)})
			ok(t, err, "GetAccessKeyInfo")
			if got := aws.ToString(info.Account); got != acctB {
				t.Errorf("GetAccessKeyInfo of the session's key: got Account %s, want %s", got, acctB)
			}
			sessionARN := "arn:aws:sts::" + acctB + ":assumed-role/BTarget/bs"
			poolARN := "arn:aws:cognito-identity:" + region + ":" + acctA + ":identitypool/"
			iamDenied := func(action, resource string) string {
				return msgDenied(sessionARN, action, resource) + " because no resource-based policy allows the " + action + " action"
			}
			ci, im := s.identityWith(b), s.iamWith(b)
			tests := []struct {
				name string
				call func() error
				want func(t *testing.T, err error)
			}{
				{"DescribeIdentityPool", func() error {
					_, err := ci.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(pool)})
					return err
				}, func(t *testing.T, err error) {
					wantAPIError(t, err, codeDenied, msgDenied(sessionARN, "cognito-identity:DescribeIdentityPool", poolARN+pool))
				}},
				{"ListIdentityPools", func() error {
					_, err := ci.ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(10)})
					return err
				}, func(t *testing.T, err error) {
					wantAPIError(t, err, codeDenied, msgDenied(sessionARN, "cognito-identity:ListIdentityPools", poolARN))
				}},
				{"DescribeIdentityPoolUsage", func() error {
					_, err := s.syncWith(t, b).DescribeIdentityPoolUsage(&cognitosync.DescribeIdentityPoolUsageInput{IdentityPoolId: &pool})
					return err
				}, func(t *testing.T, err error) {
					wantSyncError(t, err, codeDenied, http.StatusForbidden, msgDenied(sessionARN, "cognito-sync:DescribeIdentityPoolUsage",
						"arn:aws:cognito-sync:"+region+":"+acctA+":identitypool/"+pool+"/identity/null/dataset/null"))
				}},
				{"GetRole", func() error {
					_, err := im.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("ASource")})
					return err
				}, func(t *testing.T, err error) {
					wantIAMRefusal(t, "GetRole", err, "AccessDenied", http.StatusForbidden, iamDenied("iam:GetRole", "role ASource"))
				}},
				{"CreateRole", func() error {
					_, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("FromB"),
						AssumeRolePolicyDocument: aws.String(policyJSON(t, s.trustRoot("sts:AssumeRole", nil)))})
					return err
				}, func(t *testing.T, err error) {
					wantIAMRefusal(t, "CreateRole", err, "AccessDenied", http.StatusForbidden, iamDenied("iam:CreateRole", xacctRole(acctA, "FromB")))
					_, err = s.iamWith(developerKeys()).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("FromB")})
					wantIAMError(t, err, "NoSuchEntity", http.StatusNotFound, nil)
				}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					err := tt.call()
					if !strict {
						ok(t, err, tt.name+" in permissive mode")
						return
					}
					tt.want(t, err)
				})
			}
			// The console says why strict mode refused, and what
			// permissive mode let through.
			activity := html.UnescapeString(string(s.get(t, "/_idpool/console/activity").body))
			want := "the caller " + sessionARN + " is of account " + acctB + ", and idpool holds one account, " + acctA +
				": permissive mode lets it act there; AWS and --strict refuse it"
			if strict {
				want = "idpool holds one account, " + acctA + ", and the caller " + sessionARN + " is of account " + acctB +
					": on AWS this call would act in account " + acctB
			}
			if !strings.Contains(activity, want) {
				t.Errorf("console activity: got no %q", want)
			}

			// /_idpool/authorize decides as the calls are decided, in
			// either mode (it answers as strict mode would).
			for _, tt := range []struct{ action, resource, want string }{
				{"cognito-identity:DescribeIdentityPool", poolARN + pool, "implicitDeny"},
				{"cognito-identity:ListIdentityPools", "*", "implicitDeny"},
				{"iam:GetRole", xacctRole(acctA, "ASource"), "implicitDeny"},
				{"cognito-identity:DescribeIdentityPool", "arn:aws:cognito-identity:" + region + ":" + acctB + ":identitypool/" + region + ":b", "allowed"},
				{"iam:GetRole", xacctRole(acctB, "BTrustsA"), "allowed"},
				{"s3:GetObject", "arn:aws:s3:::bucket/key", "allowed"},
			} {
				if got := s.authorizeDecision(t, b.SessionToken, tt.action, tt.resource, nil); got != tt.want {
					t.Errorf("/_idpool/authorize %s on %s: got %s, want %s", tt.action, tt.resource, got, tt.want)
				}
			}
		})
	}
}

// TestStrictOtherAccountPoolRole: a pool of account A whose guest role is
// account B's (AWS supports identity-pool roles of other accounts) gives
// its identities credentials of B, by the enhanced flow and the basic one
// (AssumeRoleWithWebIdentity with the pool's OpenID token); in strict mode
// they reach their own identity's Cognito Sync data and their own
// identity and pool in Cognito Identity, as the role's policies allow,
// and are refused what is not theirs as any caller of account B is.
// /_idpool/authorize decides alike.
func TestStrictOtherAccountPoolRole(t *testing.T) {
	t.Parallel()
	s := otherAccountServer(t, true)
	ctx := context.Background()
	guestRole := xacctRole(acctB, "BGuest")
	pool := s.rolePool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true}, map[string]string{"unauthenticated": guestRole})
	otherPool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	stranger := s.guestID(t, pool)

	enhancedID := s.guestID(t, pool)
	enhanced, _ := s.enhancedCreds(t, enhancedID, nil)
	basicID, token := s.guestToken(t, pool)
	out, err := s.assumeWeb(token, guestRole, "basic", nil)
	ok(t, err, "AssumeRoleWithWebIdentity of BGuest with the pool's token")
	basic := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
		SessionToken: aws.ToString(out.Credentials.SessionToken)}

	poolARN := func(id string) string {
		return "arn:aws:cognito-identity:" + region + ":" + acctA + ":identitypool/" + id
	}
	for _, flow := range []struct {
		name, id, session string
		creds             aws.Credentials
	}{
		{"enhanced", enhancedID, "CognitoIdentityCredentials", enhanced},
		{"basic", basicID, "basic", basic},
	} {
		t.Run(flow.name, func(t *testing.T) {
			sessionARN := "arn:aws:sts::" + acctB + ":assumed-role/BGuest/" + flow.session
			ci, sy := s.identityWith(flow.creds), s.syncWith(t, flow.creds)
			tests := []struct {
				name string
				call func(t *testing.T) error
				want string // the AccessDeniedException's message; "" for success
			}{
				{"ListDatasets of its own identity", func(t *testing.T) error {
					_, err := sy.ListDatasets(&cognitosync.ListDatasetsInput{IdentityPoolId: &pool, IdentityId: aws.String(flow.id)})
					return err
				}, ""},
				{"UpdateRecords and ListRecords of its own dataset", func(t *testing.T) error {
					u := &syncUser{c: sy, pool: pool, id: flow.id}
					u.write(t, "notes", replacePatch("k", "v", 0))
					_, err := u.list("notes", 0)
					return err
				}, ""},
				{"DescribeIdentity of its own identity", func(t *testing.T) error {
					_, err := ci.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(flow.id)})
					return err
				}, ""},
				{"DescribeIdentityPool of its own pool", func(t *testing.T) error {
					_, err := ci.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: &pool})
					return err
				}, ""},
				{"ListDatasets of another identity", func(t *testing.T) error {
					_, err := sy.ListDatasets(&cognitosync.ListDatasetsInput{IdentityPoolId: &pool, IdentityId: &stranger})
					return err
				}, msgDenied(sessionARN, "cognito-sync:ListDatasets", s.syncARN(pool, stranger, "null"))},
				{"DescribeIdentity of another identity", func(t *testing.T) error {
					_, err := ci.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: &stranger})
					return err
				}, msgDenied(sessionARN, "cognito-identity:DescribeIdentity", poolARN(""))},
				{"DescribeIdentityPool of another pool", func(t *testing.T) error {
					_, err := ci.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: &otherPool})
					return err
				}, msgDenied(sessionARN, "cognito-identity:DescribeIdentityPool", poolARN(otherPool))},
				{"ListIdentityPools", func(t *testing.T) error {
					_, err := ci.ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(10)})
					return err
				}, msgDenied(sessionARN, "cognito-identity:ListIdentityPools", poolARN(""))},
				// Its own pool's administration is the pool account's.
				{"ListIdentities of its own pool", func(t *testing.T) error {
					_, err := ci.ListIdentities(ctx, &cognitoidentity.ListIdentitiesInput{IdentityPoolId: &pool, MaxResults: aws.Int32(10)})
					return err
				}, msgDenied(sessionARN, "cognito-identity:ListIdentities", poolARN(pool))},
				{"UpdateIdentityPool of its own pool", func(t *testing.T) error {
					_, err := ci.UpdateIdentityPool(ctx, &cognitoidentity.UpdateIdentityPoolInput{IdentityPoolId: &pool,
						IdentityPoolName: aws.String("taken"), AllowUnauthenticatedIdentities: true})
					return err
				}, msgDenied(sessionARN, "cognito-identity:UpdateIdentityPool", poolARN(pool))},
				{"DeleteIdentityPool of its own pool", func(t *testing.T) error {
					_, err := ci.DeleteIdentityPool(ctx, &cognitoidentity.DeleteIdentityPoolInput{IdentityPoolId: &pool})
					return err
				}, msgDenied(sessionARN, "cognito-identity:DeleteIdentityPool", poolARN(pool))},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					err := tt.call(t)
					switch {
					case tt.want == "":
						ok(t, err, tt.name)
					case strings.Contains(tt.want, "perform: cognito-sync:"):
						wantSyncError(t, err, codeDenied, http.StatusForbidden, tt.want)
					default:
						wantAPIError(t, err, codeDenied, tt.want)
					}
				})
			}
			for _, tt := range []struct{ action, resource, want string }{
				{"cognito-sync:ListRecords", s.syncARN(pool, flow.id, "notes"), "allowed"},
				{"cognito-sync:ListRecords", s.syncARN(pool, stranger, "notes"), "implicitDeny"},
				{"cognito-identity:DescribeIdentityPool", poolARN(pool), "allowed"},
				{"cognito-identity:DescribeIdentityPool", poolARN(otherPool), "implicitDeny"},
				{"cognito-identity:DeleteIdentityPool", poolARN(pool), "implicitDeny"},
			} {
				if got := s.authorizeDecision(t, flow.creds.SessionToken, tt.action, tt.resource, nil); got != tt.want {
					t.Errorf("/_idpool/authorize %s on %s: got %s, want %s", tt.action, tt.resource, got, tt.want)
				}
			}
		})
	}
}

// TestOtherAccountAWSManagedPolicy: an AWS managed policy is every
// account's to read, so a session of another account's role reads one as
// idpool's own callers do, in either mode: idpool holds no AWS managed
// policy's document (NoSuchEntity), and /_idpool/authorize decides
// iam:GetPolicy on it by the role's policies.
func TestOtherAccountAWSManagedPolicy(t *testing.T) {
	t.Parallel()
	const readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	for _, strict := range []bool{true, false} {
		t.Run(modeName(strict), func(t *testing.T) {
			t.Parallel()
			s := otherAccountServer(t, strict)
			b, err := s.assumeAs(xacctKeys("erin"), xacctRole(acctB, "BTarget"), "bs")
			ok(t, err, "AssumeRole BTarget")
			for _, tt := range []struct {
				name string
				call func() error
			}{
				{"GetPolicy", func() error {
					_, err := s.iamWith(b).GetPolicy(context.Background(), &iam.GetPolicyInput{PolicyArn: aws.String(readOnly)})
					return err
				}},
				{"GetPolicyVersion", func() error {
					_, err := s.iamWith(b).GetPolicyVersion(context.Background(), &iam.GetPolicyVersionInput{PolicyArn: aws.String(readOnly), VersionId: aws.String("v1")})
					return err
				}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					wantIAMError(t, tt.call(), "NoSuchEntity", http.StatusNotFound, nil)
				})
			}
			if got := s.authorizeDecision(t, b.SessionToken, "iam:GetPolicy", readOnly, nil); got != "allowed" {
				t.Errorf("/_idpool/authorize iam:GetPolicy on %s: got %s, want allowed", readOnly, got)
			}
		})
	}
}
