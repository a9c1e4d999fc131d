package storagetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
)

// Run runs the conformance suite. newStore must return a new, empty store
// each time it is called; Run closes every store it gets.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s storage.Store)
	}{
		{"Pool/RoundTrip", testPoolRoundTrip},
		{"Pool/AllowClassicFlow", testPoolAllowClassicFlow},
		{"Pool/EmptyCollections", testPoolEmptyCollections},
		{"Pool/CreateDuplicate", testPoolCreateDuplicate},
		{"Pool/GetMissing", testPoolGetMissing},
		{"Pool/Update", testPoolUpdate},
		{"Pool/Delete", testPoolDelete},
		{"Pool/ListAndCount", testPoolListAndCount},
		{"Pool/ListRegion", testPoolListRegion},
		{"Pool/DeleteCascades", testPoolDeleteCascades},
		{"Pool/DeleteBig", testDeleteBigPool},
		{"Pool/RecreateInOneUpdate", testPoolRecreateInOneUpdate},

		{"Identity/RoundTrip", testIdentityRoundTrip},
		{"Identity/CreateErrors", testIdentityCreateErrors},
		{"Identity/GetMissing", testIdentityGetMissing},
		{"Identity/LoginTakenOnCreate", testLoginTakenOnCreate},
		{"Identity/LoginTakenOnUpdate", testLoginTakenOnUpdate},
		{"Identity/LoginScope", testLoginScope},
		{"Identity/Update", testIdentityUpdate},
		{"Identity/UpdateReleasesLogins", testUpdateReleasesLogins},
		{"Identity/ByLogin", testIdentityByLogin},
		{"Identity/Delete", testIdentityDelete},
		{"Identity/DeleteSurvivor", testDeleteSurvivor},
		{"Identity/List", testIdentityList},
		{"Identity/ListMerged", testIdentityListMerged},
		{"Identity/Count", testIdentityCount},
		{"Identity/IDOfDeletedPool", testIdentityIDOfDeletedPool},
		{"Identity/DeleteIdentitiesStep", testDeleteIdentitiesStep},
		{"Store/ResetPending", testResetPending},
		{"Identity/DeleteIdentitiesStepMany", testDeleteIdentitiesStepMany},

		{"SigningKey/Keys", testSigningKeys},
		{"SigningKey/Duplicate", testSigningKeyDuplicate},
		{"SigningKey/Retire", testSigningKeyRetire},
		{"SigningKey/Delete", testSigningKeyDelete},
		{"Secret/CreateOnce", testSecrets},
		{"Revocations", testRevocations},

		{"IAM/Roles", testIAMRoles},
		{"IAM/Policies", testIAMPolicies},
		{"IAM/Providers", testIAMProviders},
		{"IAM/Users", testIAMUsers},
		{"IAM/Rollback", testIAMRollback},
		{"IAM/AccountAlias", testIAMAccountAlias},
		{"IAM/MFADevices", testIAMMFADevices},
		{"IAM/Groups", testIAMGroups},
		{"IAM/PolicyUses", testIAMPolicyUses},
		{"IAM/Pages", testIAMPages},
		{"IAM/Counts", testIAMCounts},
		{"Outbound", testOutbound},

		{"Update/Rollback", testUpdateRollback},
		{"Update/ReadsOwnWrites", testUpdateReadsOwnWrites},
		{"View/Snapshot", testView},
		{"Values/Copies", testCopies},
		{"Values/Timestamps", testTimestamps},

		{"Dataset/RoundTrip", testDatasetRoundTrip},
		{"Dataset/GetMissing", testDatasetGetMissing},
		{"Dataset/CompareAndSwap", testDatasetCompareAndSwap},
		{"Dataset/List", testListDatasets},
		{"Dataset/ListSeesWrites", testListDatasetsSeesWrites},
		{"Dataset/Rename", testRenameDataset},
		{"Dataset/Usage", testUsage},
		{"Dataset/UsageTotals", testUsageTotals},
		{"Record/RoundTrip", testRecordsRoundTrip},
		{"Record/MissingDataset", testRecordsMissingDataset},
		{"Record/List", testListRecords},
		{"Record/Get", testGetRecords},
		{"Record/DatasetRecords", testDatasetRecords},
		{"Record/DatasetRecordsSeesWrites", testDatasetRecordsSeesWrites},
		{"Record/Delete", testDeleteRecords},
		{"SyncConfig/RoundTrip", testSyncConfig},
		{"Device/PutAndFind", testDevices},
		{"Device/Subscriptions", testSubscriptions},
		{"Sync/DeleteIdentityCascades", testDeleteIdentitySync},
		{"Sync/DeletePoolCascades", testDeletePoolSync},
		{"Sync/Rollback", testSyncRollback},
		{"Values/RecordCopies", testRecordCopies},

		{"Race/WritesAfterPoolDeleted", testWritesAfterPoolDeleted},
		{"Race/WritesAfterBigPoolDeleted", testWritesAfterBigPoolDeleted},

		{"Concurrent/SameLogin", testConcurrentSameLogin},
		{"Concurrent/IndependentCreates", testConcurrentCreates},
		{"Concurrent/MixedOutcomes", testConcurrentMixed},
		{"Concurrent/SyncCount", testConcurrentSyncCount},
		{"Concurrent/DatasetRecords", testDatasetRecordsConsistent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: got error %v, want nil", err)
				}
			})
			tc.run(t, s)
		})
	}
}

// at returns a fixed instant n seconds after the suite's epoch. It carries
// nanoseconds so that millisecond truncation is exercised everywhere.
func at(n int) time.Time {
	return time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC).Add(time.Duration(n) * time.Second)
}

func ptr[T any](v T) *T { return &v }

func login(provider, user string) storage.Login {
	return storage.Login{Provider: provider, UserID: user}
}

// pool returns a pool with only its id, name and timestamps.
func pool(id string) storage.Pool {
	return storage.Pool{ID: id, Name: "name-" + id, CreatedAt: at(0), ModifiedAt: at(1)}
}

// fullPool returns a pool with every member set.
func fullPool(id string) storage.Pool {
	p := pool(id)
	p.AllowUnauthenticated = true
	p.AllowClassicFlow = ptr(true)
	p.SupportedLoginProviders = map[string]string{"graph.facebook.com": "fb-app", "accounts.google.com": "g-client"}
	p.DeveloperProviderName = "login.example.dev"
	p.OpenIDConnectProviderARNs = []string{"arn:aws:iam::123456789012:oidc-provider/oidc.example.com"}
	p.CognitoIdentityProviders = []storage.CognitoProvider{
		{ProviderName: "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc", ClientID: "client1", ServerSideTokenCheck: true},
		{ProviderName: "cognito-idp.us-east-1.amazonaws.com/us-east-1_def", ClientID: "client2"},
	}
	p.SAMLProviderARNs = []string{"arn:aws:iam::123456789012:saml-provider/corp"}
	p.Tags = map[string]string{"team": "id", "env": "test"}
	p.Roles = map[string]string{
		"authenticated":   "arn:aws:iam::123456789012:role/auth",
		"unauthenticated": "arn:aws:iam::123456789012:role/unauth",
	}
	p.RoleMappings = map[string]storage.RoleMapping{
		"graph.facebook.com": {Type: "Token", AmbiguousRoleResolution: "AuthenticatedRole"},
		"accounts.google.com": {Type: "Rules", AmbiguousRoleResolution: "Deny", Rules: []storage.MappingRule{
			{Claim: "hd", MatchType: "Equals", Value: "example.com", RoleARN: "arn:aws:iam::123456789012:role/corp"},
			{Claim: "email", MatchType: "Contains", Value: "@", RoleARN: "arn:aws:iam::123456789012:role/any"},
		}},
	}
	p.PrincipalTags = map[string]storage.PrincipalTagMap{
		"accounts.google.com": {UseDefaults: false, Tags: map[string]string{"dept": "hd"}},
		"graph.facebook.com":  {UseDefaults: true},
	}
	return p
}

// identity returns an identity of poolID with logins, in link order.
func identity(id, poolID string, logins ...storage.Login) storage.Identity {
	return storage.Identity{ID: id, PoolID: poolID, Logins: logins, CreatedAt: at(10), ModifiedAt: at(11)}
}

func key(kid string, created time.Time, active bool) storage.SigningKey {
	return storage.SigningKey{ID: kid, PrivateKey: []byte("der:" + kid), CreatedAt: created, Active: active}
}

// update runs fn in s.Update and fails the test if Update fails.
func update(t *testing.T, s storage.Store, fn func(tx storage.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: got error %v, want nil", err)
	}
}

// seed commits the given pools and then identities.
func seed(t *testing.T, s storage.Store, pools []storage.Pool, ids ...storage.Identity) {
	t.Helper()
	update(t, s, func(tx storage.Tx) error {
		for _, p := range pools {
			if err := tx.CreatePool(t.Context(), p); err != nil {
				return err
			}
		}
		for _, i := range ids {
			if err := tx.CreateIdentity(t.Context(), i); err != nil {
				return err
			}
		}
		return nil
	})
}

// wantErr reports whether err matches target (nil: no error), failing the
// test if not.
func wantErr(t *testing.T, what string, err, target error) bool {
	t.Helper()
	if target == nil {
		if err != nil {
			t.Errorf("%s: got error %v, want nil", what, err)
			return false
		}
		return true
	}
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want %v", what, err, target)
		return false
	}
	return true
}

// ms normalizes a timestamp for comparison: millisecond precision, UTC.
func ms(t time.Time) time.Time { return t.Truncate(time.Millisecond).UTC() }

func nilIfEmptyMap[M ~map[K]V, K comparable, V any](m M) M {
	if len(m) == 0 {
		return nil
	}
	return m
}

func nilIfEmpty[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}

// normPool returns p with empty collections as nil and timestamps at
// millisecond precision, without modifying p.
func normPool(p storage.Pool) storage.Pool {
	p.SupportedLoginProviders = nilIfEmptyMap(p.SupportedLoginProviders)
	p.OpenIDConnectProviderARNs = nilIfEmpty(p.OpenIDConnectProviderARNs)
	p.CognitoIdentityProviders = nilIfEmpty(p.CognitoIdentityProviders)
	p.SAMLProviderARNs = nilIfEmpty(p.SAMLProviderARNs)
	p.Tags = nilIfEmptyMap(p.Tags)
	p.Roles = nilIfEmptyMap(p.Roles)
	if len(p.RoleMappings) == 0 {
		p.RoleMappings = nil
	} else {
		rm := make(map[string]storage.RoleMapping, len(p.RoleMappings))
		for k, m := range p.RoleMappings {
			m.Rules = nilIfEmpty(m.Rules)
			rm[k] = m
		}
		p.RoleMappings = rm
	}
	if len(p.PrincipalTags) == 0 {
		p.PrincipalTags = nil
	} else {
		pt := make(map[string]storage.PrincipalTagMap, len(p.PrincipalTags))
		for k, m := range p.PrincipalTags {
			m.Tags = nilIfEmptyMap(m.Tags)
			pt[k] = m
		}
		p.PrincipalTags = pt
	}
	p.CreatedAt, p.ModifiedAt = ms(p.CreatedAt), ms(p.ModifiedAt)
	return p
}

func normIdentity(i storage.Identity) storage.Identity {
	i.Logins = nilIfEmpty(i.Logins)
	i.CreatedAt, i.ModifiedAt = ms(i.CreatedAt), ms(i.ModifiedAt)
	return i
}

func normKey(k storage.SigningKey) storage.SigningKey {
	k.PrivateKey = nilIfEmpty(k.PrivateKey)
	k.CreatedAt, k.RetiredAt = ms(k.CreatedAt), ms(k.RetiredAt)
	return k
}

func normAll[T any](vs []T, norm func(T) T) []T {
	if len(vs) == 0 {
		return nil
	}
	out := make([]T, len(vs))
	for i, v := range vs {
		out[i] = norm(v)
	}
	return out
}

func checkPool(t *testing.T, what string, got, want storage.Pool) {
	t.Helper()
	if g, w := normPool(got), normPool(want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s: got %s, want %s", what, fmtPool(g), fmtPool(w))
	}
}

func checkPools(t *testing.T, what string, got, want []storage.Pool) {
	t.Helper()
	if g, w := normAll(got, normPool), normAll(want, normPool); !reflect.DeepEqual(g, w) {
		t.Errorf("%s: got pools %v, want %v", what, poolIDs(got), poolIDs(want))
		for i := range min(len(g), len(w)) {
			if !reflect.DeepEqual(g[i], w[i]) {
				t.Errorf("%s: pool %d: got %s, want %s", what, i, fmtPool(g[i]), fmtPool(w[i]))
			}
		}
	}
}

func checkIdentity(t *testing.T, what string, got, want storage.Identity) {
	t.Helper()
	if g, w := normIdentity(got), normIdentity(want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s: got %+v, want %+v", what, g, w)
	}
}

func checkIdentities(t *testing.T, what string, got, want []storage.Identity) {
	t.Helper()
	if g, w := normAll(got, normIdentity), normAll(want, normIdentity); !reflect.DeepEqual(g, w) {
		t.Errorf("%s: got %+v, want %+v", what, g, w)
	}
}

func checkKeys(t *testing.T, what string, got, want []storage.SigningKey) {
	t.Helper()
	if g, w := normAll(got, normKey), normAll(want, normKey); !reflect.DeepEqual(g, w) {
		t.Errorf("%s: got %s, want %s", what, fmtKeys(g), fmtKeys(w))
	}
}

// fmtPool prints a pool with pointers followed.
func fmtPool(p storage.Pool) string {
	flow := "nil"
	if p.AllowClassicFlow != nil {
		flow = fmt.Sprint(*p.AllowClassicFlow)
	}
	p.AllowClassicFlow = nil
	return fmt.Sprintf("%+v (AllowClassicFlow=%s)", p, flow)
}

func fmtKeys(ks []storage.SigningKey) string {
	s := "["
	for i, k := range ks {
		if i > 0 {
			s += " "
		}
		retired := "never"
		if !k.RetiredAt.IsZero() {
			retired = k.RetiredAt.Format(time.RFC3339Nano)
		}
		s += fmt.Sprintf("{%s %q %s active=%v retired=%s}", k.ID, k.PrivateKey, k.CreatedAt.Format(time.RFC3339Nano), k.Active, retired)
	}
	return s + "]"
}

func poolIDs(ps []storage.Pool) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}

func identityIDs(is []storage.Identity) []string {
	ids := make([]string, len(is))
	for i, id := range is {
		ids[i] = id.ID
	}
	return ids
}
