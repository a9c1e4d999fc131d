package conformance

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestSTSRootAssumesNoRole: AWS refuses AssumeRole by the account's root,
// 403 AccessDenied "Roles may not be assumed by root accounts."
// (double-break/spapi-php#44, kubeflow/testing#961), whatever the trust
// policy; strict mode does so for the developer's keys, which sign as the
// root, and for their GetSessionToken session, while an IAM user's key
// assumes the role. Permissive mode, where any key acts as the root, lets
// the root assume roles, an unknown key's included.
func TestSTSRootAssumesNoRole(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{true, false} {
		t.Run(modeName(strict), func(t *testing.T) {
			s, _ := strictServer(t, strict)
			ctx := context.Background()
			role := s.createRole(t, "RootTrust", s.trustRoot("sts:AssumeRole", nil))
			st, err := s.stsWith(developerKeys()).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
			ok(t, err, "GetSessionToken with the developer's keys")
			callers := map[string]aws.Credentials{"the developer's keys": developerKeys(), "their session": fromSTS(t, st.Credentials)}
			if !strict {
				callers["an unknown key"] = aws.Credentials{AccessKeyID: "AKIDANYTHING", SecretAccessKey: "anything"}
			}
			for name, c := range callers {
				_, err := s.assume(c, role, "s-root", sts.AssumeRoleInput{})
				if strict {
					wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, "Roles may not be assumed by root accounts.")
				} else {
					ok(t, err, "AssumeRole with "+name)
				}
			}
			_, err = s.assume(assumerKeys(), role, "s-user", sts.AssumeRoleInput{})
			ok(t, err, "AssumeRole with an IAM user's key")
		})
	}
}
