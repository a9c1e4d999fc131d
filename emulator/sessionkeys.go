package emulator

import (
	"context"
	"errors"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/arn"
	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// sessionKeys returns the role session of issued credentials c, which p
// signed with, as IAM sees it, with tags its principal tags (see
// sessionTags): its Keys are the condition keys AWS gives the session's
// requests.
func sessionKeys(c *creds.Credentials, p *protocol.Principal, tags map[string]string) *policy.Session {
	sess := &c.Session
	who := &policy.Session{
		Account: p.Account, RoleARN: sess.RoleARN, Name: sess.SessionName,
		Provider: sess.Provider, Subject: sess.Subject, Audience: sess.Audience,
		AMR: sess.AMR, Tags: tags, IssuedAt: c.Issued, SourceIdentity: sess.SourceIdentity,
	}
	if sess.Provider != "" && sess.Provider != policy.Cognito {
		// The session remembers what STS reported as its Provider: the
		// IAM OIDC provider's ARN, or a built-in provider's host. Its keys
		// are named after the provider's name (token.example.com:sub, as
		// in its role's trust policy), and aws:FederatedProvider is that
		// ARN or host.
		who.Provider, who.ProviderARN = policy.ProviderKey(sess.Provider), sess.Provider
	}
	// A role session's user id is "<role id>:<session name>".
	who.RoleID, _, _ = strings.Cut(p.UserID, ":")
	return who
}

// sessionRole returns the role IAM holds now under the name of the role of
// the role session sess (the zero Role when it holds none), and whether
// that role is the session's own: of the session's account and path, and
// of its RoleId. A role deleted and created again under its name is
// another role (another RoleId), as on AWS: own is false for it, as for a
// role created after a session was issued for a role IAM did not hold,
// which has no RoleId (AWS issues no session of a role that does not
// exist).
func sessionRole(ctx context.Context, store storage.Reader, sess *creds.Session) (r storage.Role, own bool, err error) {
	r, err = store.GetRole(ctx, roleName(sess.RoleARN))
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return storage.Role{}, false, nil
	case err != nil:
		return storage.Role{}, false, err
	}
	held, _ := arn.Held(r.ARN, sess.RoleARN)
	return r, held != "" && r.ID == sess.RoleID, nil
}

// sessionTags returns the principal tags of a role session whose own role
// IAM holds as role (own: see sessionRole) and whose session tags (those it
// was given and those passed on to it in a role chain) are session: the
// role's tags, as IAM holds them at the time of the request, overlaid by
// the session tags. As STS's AssumeRole reference says, "session tags
// override a role tag with the same key", and tag keys are compared
// whatever their case: a session tag department=engineering replaces the
// role's Department=Marketing. A role that is not the session's own
// (deleted, or created again under another RoleId) gives no tags.
//
// This is what a role session's aws:PrincipalTag/<key> are, to its
// permission policies, to the trust policies of the roles it assumes,
// and the principal_tags of its GetWebIdentityToken tokens. The result
// is a new map, nil when there is no tag.
func sessionTags(role storage.Role, own bool, session map[string]string) map[string]string {
	if !own {
		return overlay(nil, session)
	}
	return overlay(role.Tags, session)
}

// overlay returns the tags of an IAM entity (a role, a federated user's
// IAM user) overlaid by the session tags session: a session tag replaces
// the entity's tag of the same key, whatever its case. The result is a
// new map, nil when there is no tag.
func overlay(tags []storage.Tag, session map[string]string) map[string]string {
	if len(tags) == 0 {
		return maps.Clone(session)
	}
	out := make(map[string]string, len(tags)+len(session))
	for _, t := range tags {
		out[t.Key] = t.Value
	}
	for k, v := range session {
		for have := range out {
			if strings.EqualFold(have, k) {
				delete(out, have)
			}
		}
		out[k] = v
	}
	return out
}

// heldSessionTags returns the principal tags of the role session sess
// as IAM holds its role now (see sessionRole and sessionTags), for what
// decides on its requests without reading its role otherwise.
func heldSessionTags(ctx context.Context, store storage.Reader, sess *creds.Session) (map[string]string, error) {
	r, own, err := sessionRole(ctx, store, sess)
	if err != nil {
		return nil, err
	}
	return sessionTags(r, own, sess.PrincipalTags), nil
}

// timeKeys returns aws:CurrentTime and aws:EpochTime, the condition keys
// of a request made at now.
func timeKeys(now time.Time) map[string][]string {
	return map[string][]string{
		"aws:CurrentTime": {now.UTC().Format(time.RFC3339)},
		"aws:EpochTime":   {strconv.FormatInt(now.Unix(), 10)},
	}
}
