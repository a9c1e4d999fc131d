package conformance

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// createAll calls create for 0 to n-1 from 16 goroutines at once, and
// fails t if any call failed.
func createAll(t *testing.T, n int, create func(i int) error) {
	t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		fails int
	)
	work := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range work {
				if err := create(i); err != nil {
					mu.Lock()
					if fails++; first == nil {
						first = fmt.Errorf("%d: %w", i, err)
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	if fails > 0 {
		t.Fatalf("filling the account: got %d errors, the first %v, want none", fails, first)
	}
}

// TestIAMAccountQuotas: an account holds 1,000 roles, 1,500 customer
// managed policies, 100 OpenID Connect providers and 300 groups, IAM's
// defaults; the next is refused with LimitExceeded (409) in IAM's words,
// as AWS answers "LimitExceeded: Cannot exceed quota for RolesPerAccount:
// 1000" (StatusCode: 409), and once one is deleted another can be made.
// It fills an account of its own, and so skips an external server.
func TestIAMAccountQuotas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	trust := policyJSON(t, anyPoolTrust())
	perm := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	tests := []struct {
		name   string
		max    int
		msg    string
		create func(c *iam.Client, i int) (key string, err error)
		delete func(c *iam.Client, key string) error
	}{
		{"roles", 1000, "Cannot exceed quota for RolesPerAccount: 1000", func(c *iam.Client, i int) (string, error) {
			name := fmt.Sprint("qr", i)
			return name, second(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}))
		}, func(c *iam.Client, k string) error {
			return second(c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(k)}))
		}},
		{"customer managed policies", 1500, "Cannot exceed quota for PoliciesPerAccount: 1500", func(c *iam.Client, i int) (string, error) {
			out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(fmt.Sprint("qp", i)), PolicyDocument: aws.String(perm)})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.Policy.Arn), nil
		}, func(c *iam.Client, k string) error {
			return second(c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(k)}))
		}},
		{"OpenID Connect providers", 100, "Cannot exceed quota for OpenIdConnectProvidersPerAccount: 100", func(c *iam.Client, i int) (string, error) {
			out, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(fmt.Sprintf("https://op%d.example.com", i)),
				ClientIDList: []string{"app"}, ThumbprintList: []string{strings.Repeat("a", 40)}})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.OpenIDConnectProviderArn), nil
		}, func(c *iam.Client, k string) error {
			return second(c.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(k)}))
		}},
		{"groups", 300, "Cannot exceed quota for GroupsPerAccount: 300", func(c *iam.Client, i int) (string, error) {
			name := fmt.Sprint("qg", i)
			return name, second(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(name)}))
		}, func(c *iam.Client, k string) error {
			return second(c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String(k)}))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := testServerEnv(t, nil)
			c := s.iamWith(developerKeys())
			start := time.Now()
			keys := make([]string, tt.max)
			createAll(t, tt.max, func(i int) error {
				k, err := tt.create(c, i)
				keys[i] = k
				return err
			})
			t.Logf("%d made in %v", tt.max, time.Since(start))
			for _, i := range []int{tt.max, tt.max + 1} {
				_, err := tt.create(c, i)
				wantIAMError(t, err, "LimitExceeded", http.StatusConflict, new(*iamtypes.LimitExceededException))
				if !strings.Contains(err.Error(), tt.msg) {
					t.Errorf("creating one past the quota: got %v, want the message %q", err, tt.msg)
				}
			}
			ok(t, tt.delete(c, keys[7]), "deleting one")
			_, err := tt.create(c, tt.max)
			ok(t, err, "creating one after a delete")
			_, err = tt.create(c, tt.max+1)
			wantIAMError(t, err, "LimitExceeded", http.StatusConflict, new(*iamtypes.LimitExceededException))
		})
	}
}
