package storage

import (
	"context"
	"slices"
	"strings"
	"time"
)

// IAM entities. IAM is global: one account, one namespace for each kind of
// entity. Names of roles and users are unique regardless of case, as in
// IAM; the name keeps the case it was created with.

// Tag is an IAM tag; tags are kept in the order they were added.
type Tag struct {
	Key   string
	Value string
}

// Role is an IAM role with its inline policies and attached managed
// policies.
type Role struct {
	Name string
	Path string
	ID   string // AROA…
	ARN  string
	// AssumeRolePolicy is the trust policy document, as JSON text.
	AssumeRolePolicy   string
	Description        string
	MaxSessionDuration int32 // seconds
	Tags               []Tag
	// Policies maps inline policy names to their JSON documents.
	Policies map[string]string
	// Attached lists the ARNs of the attached managed policies, in the
	// order they were attached.
	Attached []string
	// Boundary is the ARN of the managed policy that is the role's
	// permissions boundary, "" when it has none. A role stored before
	// roles had boundaries reads with none.
	Boundary  string `json:",omitempty"`
	CreatedAt time.Time
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	ID        string // v1, v2…
	Document  string
	CreatedAt time.Time
}

// ManagedPolicy is a customer managed policy with its versions.
type ManagedPolicy struct {
	ARN            string
	Name           string
	Path           string
	ID             string // ANPA…
	Description    string
	DefaultVersion string
	// Versions, oldest first.
	Versions []PolicyVersion
	// LastVersion is n of the highest version id v<n> ever issued, kept
	// so that a deleted version's id is never issued again, as IAM never
	// reuses one. Zero in a policy stored before it was kept: the highest
	// of Versions then stands for it.
	LastVersion int
	Tags        []Tag
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// OIDCProvider is an IAM OpenID Connect provider.
type OIDCProvider struct {
	ARN string
	// URL is the issuer URL as created, with its scheme.
	URL         string
	ClientIDs   []string
	Thumbprints []string
	Tags        []Tag
	CreatedAt   time.Time
}

// User is an IAM user with its inline policies and attached managed
// policies, kept as a role keeps its own. A user stored before users had
// policies reads with none.
type User struct {
	Name string
	Path string
	ID   string // AIDA…
	ARN  string
	Tags []Tag
	// Policies maps inline policy names to their JSON documents.
	Policies map[string]string `json:",omitempty"`
	// Attached lists the ARNs of the attached managed policies, in the
	// order they were attached.
	Attached []string `json:",omitempty"`
	// Boundary is the ARN of the managed policy that is the user's
	// permissions boundary, "" when it has none. A user stored before
	// users had boundaries reads with none.
	Boundary  string `json:",omitempty"`
	CreatedAt time.Time
}

// AccessKey is a long-term access key of a user.
type AccessKey struct {
	ID        string // AKIA…
	Secret    string
	UserName  string
	Status    string // Active or Inactive
	CreatedAt time.Time
}

// MFADevice is an IAM virtual MFA device: its TOTP secret, and the user
// it is assigned to once EnableMFADevice has verified two of its codes.
type MFADevice struct {
	// SerialNumber is the device's ARN, arn:aws:iam::<account>:mfa<path><name>.
	SerialNumber string
	Name         string
	Path         string
	// Secret is the device's TOTP key (RFC 6238), 20 random bytes.
	Secret []byte
	Tags   []Tag `json:",omitempty"`
	// UserName is the name of the user the device is assigned to, ""
	// while it is unassigned; EnableDate is when it was assigned.
	UserName   string    `json:",omitempty"`
	EnableDate time.Time `json:",omitzero"`
	CreatedAt  time.Time
}

// Group is an IAM group: the users in it, and its inline policies and
// attached managed policies, which apply to each of its users as the
// user's own do.
type Group struct {
	Name string
	Path string
	ID   string // AGPA…
	ARN  string
	// Users names the users in the group (as stored), in the order they
	// were added.
	Users []string `json:",omitempty"`
	// Policies maps inline policy names to their JSON documents.
	Policies map[string]string `json:",omitempty"`
	// Attached lists the ARNs of the attached managed policies, in the
	// order they were attached.
	Attached  []string `json:",omitempty"`
	CreatedAt time.Time
}

// IAMReader is the read half of the IAM entities.
type IAMReader interface {
	// GetRole returns the role named name (any case), or ErrNotFound.
	GetRole(ctx context.Context, name string) (Role, error)
	// ListRoles returns every role, by name.
	ListRoles(ctx context.Context) ([]Role, error)
	// GetManagedPolicy returns the policy with that ARN, or ErrNotFound.
	GetManagedPolicy(ctx context.Context, arn string) (ManagedPolicy, error)
	// ListManagedPolicies returns every managed policy, by ARN.
	ListManagedPolicies(ctx context.Context) ([]ManagedPolicy, error)
	// GetOIDCProvider returns the provider with that ARN, or ErrNotFound.
	GetOIDCProvider(ctx context.Context, arn string) (OIDCProvider, error)
	// ListOIDCProviders returns every OpenID Connect provider, by ARN.
	ListOIDCProviders(ctx context.Context) ([]OIDCProvider, error)
	// GetUser returns the user named name (any case), or ErrNotFound.
	GetUser(ctx context.Context, name string) (User, error)
	// ListUsers returns every user, by name.
	ListUsers(ctx context.Context) ([]User, error)
	// GetAccessKey returns the access key with that id, or ErrNotFound.
	GetAccessKey(ctx context.Context, id string) (AccessKey, error)
	// ListAccessKeys returns the keys of the user named userName, oldest
	// first (none for an unknown user).
	ListAccessKeys(ctx context.Context, userName string) ([]AccessKey, error)
	// GetMFADevice returns the virtual MFA device of that serial number
	// (its ARN), or ErrNotFound.
	GetMFADevice(ctx context.Context, serial string) (MFADevice, error)
	// ListMFADevices returns every virtual MFA device, by serial number.
	ListMFADevices(ctx context.Context) ([]MFADevice, error)
	// GetGroup returns the group named name (any case), or ErrNotFound.
	GetGroup(ctx context.Context, name string) (Group, error)
	// ListGroups returns every group, by name.
	ListGroups(ctx context.Context) ([]Group, error)
	// AccountAlias returns the account's alias, "" when it has none. An
	// account has one alias at most, as in IAM.
	AccountAlias(ctx context.Context) (string, error)

	// PageRoles, PageUsers and PageGroups return a page of the roles,
	// users or groups as p asks, by name (byte by byte), reading those of
	// the page and the ones p's path prefix leaves out, not every one.
	PageRoles(ctx context.Context, p NamePage) ([]Role, error)
	PageUsers(ctx context.Context, p NamePage) ([]User, error)
	PageGroups(ctx context.Context, p NamePage) ([]Group, error)
	// PageManagedPolicies returns a page of the managed policies as p
	// asks, by name (byte by byte) then ARN, those used as use says. A
	// policy's name is the account's whatever its path (CreatePolicy), so
	// p.After places a page by the name alone.
	PageManagedPolicies(ctx context.Context, p NamePage, use PolicyUse) ([]ManagedPolicy, error)
	// ManagedPolicyNamed returns a managed policy whose name is name in
	// any case (ASCII letters), whatever its path, or ErrNotFound.
	ManagedPolicyNamed(ctx context.Context, name string) (ManagedPolicy, error)
	// PolicyUsage returns how many roles, users and groups have the
	// managed policy of ARN arn attached (IAM's AttachmentCount) and how
	// many roles and users it is the permissions boundary of
	// (PermissionsBoundaryUsageCount). The policy need not exist.
	PolicyUsage(ctx context.Context, arn string) (attached, boundary int, err error)
	// PolicyEntities returns the roles, users and groups that have the
	// managed policy of ARN arn attached or as their permissions
	// boundary, by kind (group, role, user) then name (byte by byte).
	PolicyEntities(ctx context.Context, arn string) ([]PolicyEntity, error)
	// CountIAM returns how many entities of kind (KindGroup, KindRole,
	// KindUser, KindPolicy or KindOIDCProvider) the account holds: what
	// IAM's quotas on an account's entities count. Any other kind is an
	// error.
	CountIAM(ctx context.Context, kind string) (int, error)
}

// NamePage asks for one page of a listing by name.
type NamePage struct {
	// After leaves out the entities whose name is not greater (byte by
	// byte): "" leaves none out.
	After string
	// PathPrefix leaves out the entities whose path does not start with
	// it ("" leaves none out).
	PathPrefix string
	// Limit is the most entities answered; 0 or less answers them all.
	Limit int
}

// PolicyUse selects the managed policies PageManagedPolicies answers by
// how they are used.
type PolicyUse int

const (
	// AnyUse answers every policy.
	AnyUse PolicyUse = iota
	// UsedAttached answers the policies attached to a role, user or
	// group.
	UsedAttached
	// UsedBoundary answers the policies that are the permissions boundary
	// of a role or user.
	UsedBoundary
)

// Kinds of IAM entities: PolicyEntities answers groups, roles and users,
// and CountIAM counts these and customer managed policies and OpenID
// Connect providers.
const (
	KindGroup        = "group"
	KindRole         = "role"
	KindUser         = "user"
	KindPolicy       = "policy"
	KindOIDCProvider = "oidc-provider"
)

// PolicyEntity is a role, user or group that uses a managed policy.
type PolicyEntity struct {
	Kind string // KindGroup, KindRole or KindUser
	Name string
	Path string
	ID   string
	// Attached is whether the policy is attached to it, Boundary whether
	// it is its permissions boundary.
	Attached, Boundary bool
}

// IAMWriter is the write half, used inside Store.Update. Create returns
// ErrAlreadyExists when the key (a role's or user's name in any case, an
// ARN, an access key id) is taken; Update replaces the stored entity of
// the same key and Delete removes it, both ErrNotFound when it is absent.
type IAMWriter interface {
	CreateRole(ctx context.Context, r Role) error
	UpdateRole(ctx context.Context, r Role) error
	DeleteRole(ctx context.Context, name string) error

	CreateManagedPolicy(ctx context.Context, p ManagedPolicy) error
	UpdateManagedPolicy(ctx context.Context, p ManagedPolicy) error
	DeleteManagedPolicy(ctx context.Context, arn string) error

	CreateOIDCProvider(ctx context.Context, p OIDCProvider) error
	UpdateOIDCProvider(ctx context.Context, p OIDCProvider) error
	DeleteOIDCProvider(ctx context.Context, arn string) error

	CreateUser(ctx context.Context, u User) error
	// UpdateUser replaces the stored user of u's name; its access keys
	// stay.
	UpdateUser(ctx context.Context, u User) error
	// DeleteUser deletes the user with its access keys.
	DeleteUser(ctx context.Context, name string) error

	// CreateAccessKey returns ErrNotFound when k.UserName names no user.
	CreateAccessKey(ctx context.Context, k AccessKey) error
	// UpdateAccessKey replaces the stored key of k's id (its status); its
	// user stays the one it was created for.
	UpdateAccessKey(ctx context.Context, k AccessKey) error
	DeleteAccessKey(ctx context.Context, id string) error

	// CreateMFADevice, UpdateMFADevice and DeleteMFADevice are keyed by
	// the device's serial number. A device names its user by name, which
	// the store does not check: IAM refuses to delete a user holding one,
	// and ReplaceUser moves a renamed user's devices to its new name.
	CreateMFADevice(ctx context.Context, d MFADevice) error
	UpdateMFADevice(ctx context.Context, d MFADevice) error
	DeleteMFADevice(ctx context.Context, serial string) error

	// CreateGroup, UpdateGroup and DeleteGroup are keyed by the group's
	// name (any case). A group names its users by name, which the store
	// does not check: IAM refuses to delete a user in a group, and
	// ReplaceUser renames a renamed user in its groups.
	CreateGroup(ctx context.Context, g Group) error
	UpdateGroup(ctx context.Context, g Group) error
	DeleteGroup(ctx context.Context, name string) error

	// SetAccountAlias makes alias the account's alias, in place of the
	// one it had; "" leaves the account without one.
	SetAccountAlias(ctx context.Context, alias string) error
}

// UserByID returns the user r holds of IAM's unique id (UserId), whatever
// its name now, or ErrNotFound. A user keeps its id when UpdateUser renames
// it, and a user created again under a name has another.
func UserByID(ctx context.Context, r Reader, id string) (User, error) {
	users, err := r.ListUsers(ctx)
	if err != nil {
		return User{}, err
	}
	for _, u := range users {
		if u.ID == id {
			return u, nil
		}
	}
	return User{}, ErrNotFound
}

// ReplaceUser replaces, in tx, the stored user named name (any case) by u,
// whose name or path may differ: its access keys for which keep reports
// true follow it to u's name (nil keeps them all), the others go with the
// old user, and its MFA devices and group memberships follow it. It is how a user is renamed (IAM's UpdateUser) or given
// another path, since a user's keys are stored under its name; the caller
// has checked that u's name is free or the user's own.
func ReplaceUser(ctx context.Context, tx Tx, name string, u User, keep func(AccessKey) bool) error {
	keys, err := tx.ListAccessKeys(ctx, name)
	if err != nil {
		return err
	}
	if err := tx.DeleteUser(ctx, name); err != nil { // with its keys
		return err
	}
	if err := tx.CreateUser(ctx, u); err != nil {
		return err
	}
	for _, k := range keys {
		if keep != nil && !keep(k) {
			continue
		}
		k.UserName = u.Name
		if err := tx.CreateAccessKey(ctx, k); err != nil {
			return err
		}
	}
	if err := moveMFADevices(ctx, tx, name, u.Name); err != nil {
		return err
	}
	return moveMemberships(ctx, tx, name, u.Name)
}

// moveMemberships names the user named to in place of the user named from
// (any case) in every group from is in, as a renamed user stays in its
// groups.
func moveMemberships(ctx context.Context, tx Tx, from, to string) error {
	if from == to {
		return nil
	}
	gs, err := tx.ListGroups(ctx)
	if err != nil {
		return err
	}
	for _, g := range gs {
		i := slices.IndexFunc(g.Users, func(n string) bool { return strings.EqualFold(n, from) })
		if i < 0 {
			continue
		}
		g.Users[i] = to
		if err := tx.UpdateGroup(ctx, g); err != nil {
			return err
		}
	}
	return nil
}

// moveMFADevices assigns to the user named to the MFA devices assigned to
// the user named from (any case), as a renamed user keeps its devices.
func moveMFADevices(ctx context.Context, tx Tx, from, to string) error {
	if from == to {
		return nil
	}
	ds, err := tx.ListMFADevices(ctx)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.UserName == "" || !strings.EqualFold(d.UserName, from) {
			continue
		}
		d.UserName = to
		if err := tx.UpdateMFADevice(ctx, d); err != nil {
			return err
		}
	}
	return nil
}
