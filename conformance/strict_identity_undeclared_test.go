package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/idpool/idpool/protocol/shape"
)

// identityRaw sends the Cognito Identity operation op with the JSON body
// in, signed with c by the SDK's own signer, and reads the whole answer:
// for members an SDK never sends.
func (s *server) identityRaw(t *testing.T, op string, in map[string]string, c aws.Credentials) rawResponse {
	t.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	req := s.identityRequest(t, "AWSCognitoIdentityService."+op, body)
	return s.do(t, signedRequest(t, req, body, c, "cognito-identity", region))
}

// TestStrictIdentityUndeclaredMembers: a Cognito Identity request is
// authorized on the pool its operation acts on, read from the members its
// input declares, never from a member the codec drops unread. An IAM user
// or a role session allowed cognito-identity:* on pool A only may not
// describe, update, list or delete pool B by adding ResourceArn=<A's ARN>
// to a request naming B (IdentityPoolId is all those operations declare).
// And for every signed operation idpool serves, adding a ResourceArn,
// IdentityPoolId or IdentityId its input does not declare, naming pool A
// or an identity of A, never changes the answer.
func TestStrictIdentityUndeclaredMembers(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	a := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	b := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	idA := s.guestID(t, a)
	allowA := map[string]any{"Effect": "Allow", "Action": "cognito-identity:*", "Resource": s.poolARN(a)}

	user, userKeys := s.federationUser(t, allowA)
	role, sess := s.policySession(t, "PoolA", "sess", allowA)
	callers := []struct {
		name string
		arn  string
		keys aws.Credentials
	}{
		{"IAM user", user, userKeys},
		{"role session", s.assumedARN(role, "sess"), sess},
	}

	t.Run("escalations", func(t *testing.T) {
		for _, c := range callers {
			for _, op := range []string{"DescribeIdentityPool", "GetIdentityPoolRoles", "ListIdentities", "UpdateIdentityPool", "DeleteIdentityPool"} {
				t.Run(c.name+" "+op, func(t *testing.T) {
					in := map[string]string{"IdentityPoolId": b, "ResourceArn": s.poolARN(a)}
					wantRefused(t, s.identityRaw(t, op, in, c.keys), http.StatusBadRequest, "AccessDeniedException",
						msgDenied(c.arn, "cognito-identity:"+op, s.poolARN(b)))
				})
			}
		}
		if _, err := s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(b)}); err != nil {
			t.Errorf("DescribeIdentityPool %s: got %v, want the pool: a refused DeleteIdentityPool ran", b, err)
		}
	})

	t.Run("every operation", func(t *testing.T) {
		model := shape.CognitoIdentity()
		// Each request names pool B (or an identity of none) where its
		// input declares a member; the undeclared members name pool A,
		// which the callers may act on.
		declaredValue := map[string]string{"IdentityPoolId": b, "ResourceArn": s.poolARN(b), "IdentityId": "us-east-1:00000000-0000-4000-8000-000000000000"}
		undeclared := map[string]string{"IdentityPoolId": a, "ResourceArn": s.poolARN(a), "IdentityId": idA}
		served := 0
		for _, op := range model.Operations() {
			if op.Unsigned {
				continue // no authorization to redirect
			}
			members, _ := model.Bindings(op.InputShape)
			declared := map[string]bool{}
			base := map[string]string{}
			for _, m := range members {
				declared[m.Member] = true
				if v, ok := declaredValue[m.Member]; ok {
					base[m.Member] = v
				}
			}
			for _, c := range callers {
				want := s.identityRaw(t, op.Name, base, c.keys)
				if bytes.Contains(want.body, []byte("UnknownOperationException")) {
					break // not served
				}
				if c.name == callers[0].name {
					served++
				}
				for name, value := range undeclared {
					if declared[name] {
						continue
					}
					in := map[string]string{name: value}
					for k, v := range base {
						in[k] = v
					}
					got := s.identityRaw(t, op.Name, in, c.keys)
					if got.status != want.status || !bytes.Equal(got.body, want.body) {
						t.Errorf("%s of %s with %s=%s, which its input does not declare: got %d %s, want %d %s as without it",
							c.name, op.Name, name, value, got.status, got.body, want.status, want.body)
					}
				}
			}
		}
		if served < 19 {
			t.Errorf("got %d signed Cognito Identity operations served, want every one idpool serves (19 or more)", served)
		}
	})
}

// TestIdentityTagsOtherAccount: a pool ARN of another account than
// idpool's names no pool the caller's account holds, and Cognito Identity
// has no resource policy to open one to it: UntagResource and
// ListTagsForResource are refused AccessDeniedException naming the ARN as
// written, as a ResourceArn that is no ARN is (aws-sdk-ruby#2173), never
// applied to idpool's pool of the same id. In strict mode that is what
// keeps a Deny on the pool's own ARN from being bypassed by the other
// account's ARN; the developer's own keys are refused as well.
func TestIdentityTagsOtherAccount(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{false, true} {
		t.Run(modeName(strict), func(t *testing.T) {
			s, _ := strictServer(t, strict)
			ctx := context.Background()
			pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{IdentityPoolTags: map[string]string{"keep": "yes"}})
			own := s.poolARN(pool)
			other := "arn:aws:cognito-identity:" + region + ":999999999999:identitypool/" + pool

			user, keys := s.federationUser(t,
				map[string]any{"Effect": "Allow", "Action": "cognito-identity:*", "Resource": "*"},
				map[string]any{"Effect": "Deny", "Action": "cognito-identity:*", "Resource": own})
			callers := []struct {
				name string
				arn  string
				c    *cognitoidentity.Client
			}{
				{"developer", s.rootARN(), s.signed},
				{"user denied the pool", user, s.identityWith(keys)},
			}
			for _, c := range callers {
				t.Run(c.name, func(t *testing.T) {
					_, err := c.c.UntagResource(ctx, &cognitoidentity.UntagResourceInput{ResourceArn: aws.String(other), TagKeys: []string{"keep"}})
					wantAPIError(t, err, "AccessDeniedException", msgDenied(c.arn, "cognito-identity:UntagResource", other))
					_, err = c.c.ListTagsForResource(ctx, &cognitoidentity.ListTagsForResourceInput{ResourceArn: aws.String(other)})
					wantAPIError(t, err, "AccessDeniedException", msgDenied(c.arn, "cognito-identity:ListTagsForResource", other))
				})
			}
			out, err := s.signed.ListTagsForResource(ctx, &cognitoidentity.ListTagsForResourceInput{ResourceArn: aws.String(own)})
			ok(t, err, "ListTagsForResource")
			if out.Tags["keep"] != "yes" {
				t.Errorf("got tags %v, want keep=yes: an UntagResource of another account's ARN ran", out.Tags)
			}
		})
	}
}
