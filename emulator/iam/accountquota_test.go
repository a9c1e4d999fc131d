package iam

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// fill makes n entities with create, from 8 goroutines at once so that
// the store commits them in batches, and fails t if any failed.
func fill(t *testing.T, n int, create func(i int) error) {
	t.Helper()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	work := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range work {
				if err := create(i); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("entity %d: %w", i, err))
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
	if len(errs) > 0 {
		t.Fatalf("filling the account: got %d errors, the first %v, want none", len(errs), errs[0])
	}
}

// TestAccountQuotas: an account holds IAM's default quota of roles,
// managed policies, OpenID Connect providers, users and groups; one more
// is LimitExceeded (409) in IAM's words and leaves nothing behind, a name
// already taken is still EntityAlreadyExists, and once one is deleted
// another can be made.
func TestAccountQuotas(t *testing.T) {
	ctx := t.Context()
	tests := []struct {
		name   string
		quota  accountQuota
		create func(s *Service, i int) (key string, err error)
		delete func(s *Service, key string) error
		taken  string // the text of EntityAlreadyExists for entity 0
	}{
		{"roles", rolesQuota, func(s *Service, i int) (string, error) {
			out, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: fmt.Sprint("qr", i), AssumeRolePolicyDocument: trust})
			return key(out, err, func(o *CreateRoleOutput) string { return o.Role.RoleName })
		}, func(s *Service, k string) error {
			_, err := s.DeleteRole(ctx, &DeleteRoleInput{RoleName: k})
			return err
		}, "Role with name qr0 already exists."},
		{"managed policies", policiesQuota, func(s *Service, i int) (string, error) {
			out, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: fmt.Sprint("qp", i), PolicyDocument: perm})
			return key(out, err, func(o *CreatePolicyOutput) string { return o.Policy.Arn })
		}, func(s *Service, k string) error {
			_, err := s.DeletePolicy(ctx, &DeletePolicyInput{PolicyArn: k})
			return err
		}, "A policy called qp0 already exists. Duplicate names are not allowed."},
		{"OpenID Connect providers", providersQuota, func(s *Service, i int) (string, error) {
			out, err := s.CreateOpenIDConnectProvider(ctx, &CreateOpenIDConnectProviderInput{Url: fmt.Sprintf("https://op%d.example.com", i)})
			return key(out, err, func(o *CreateOpenIDConnectProviderOutput) string { return o.OpenIDConnectProviderArn })
		}, func(s *Service, k string) error {
			_, err := s.DeleteOpenIDConnectProvider(ctx, &ProviderInput{OpenIDConnectProviderArn: k})
			return err
		}, "Provider with url https://op0.example.com already exists."},
		{"users", usersQuota, func(s *Service, i int) (string, error) {
			out, err := s.CreateUser(ctx, &CreateUserInput{UserName: fmt.Sprint("qu", i)})
			return key(out, err, func(o *CreateUserOutput) string { return o.User.UserName })
		}, func(s *Service, k string) error {
			_, err := s.DeleteUser(ctx, &DeleteUserInput{UserName: k})
			return err
		}, "User with name qu0 already exists."},
		{"groups", groupsQuota, func(s *Service, i int) (string, error) {
			out, err := s.CreateGroup(ctx, &CreateGroupInput{GroupName: fmt.Sprint("qg", i)})
			return key(out, err, func(o *CreateGroupOutput) string { return o.Group.GroupName })
		}, func(s *Service, k string) error {
			_, err := s.DeleteGroup(ctx, &DeleteGroupInput{GroupName: k})
			return err
		}, "Group with name qg0 already exists."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newService(t)
			start := time.Now()
			var first string
			fill(t, tt.quota.max, func(i int) error {
				k, err := tt.create(s, i)
				if i == 0 {
					first = k
				}
				return err
			})
			t.Logf("%d created in %v", tt.quota.max, time.Since(start))
			full := fmt.Sprintf("Cannot exceed quota for %s: %d", tt.quota.name, tt.quota.max)
			_, err := tt.create(s, tt.quota.max)
			wantError(t, err, CodeLimitExceeded, http.StatusConflict, full)
			_, err = tt.create(s, 0)
			wantError(t, err, CodeEntityAlreadyExists, http.StatusConflict, tt.taken)
			if n, err := s.store.CountIAM(ctx, tt.quota.kind); err != nil || n != tt.quota.max {
				t.Errorf("CountIAM after the refusals: got %d, %v, want %d, nil", n, err, tt.quota.max)
			}
			if err := tt.delete(s, first); err != nil {
				t.Fatalf("deleting one: got %v, want success", err)
			}
			if _, err := tt.create(s, tt.quota.max); err != nil {
				t.Errorf("creating one after a delete: got %v, want success", err)
			}
			_, err = tt.create(s, tt.quota.max+1)
			wantError(t, err, CodeLimitExceeded, http.StatusConflict, full)
		})
	}
}

// key is the key of what a create answered, "" when it failed.
func key[O any](out *O, err error, of func(*O) string) (string, error) {
	if err != nil {
		return "", err
	}
	return of(out), nil
}
