package emulator

import (
	"strconv"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/protocol"
)

// sessionKeys returns the role session of issued credentials c, which p
// signed with, as IAM sees it: its Keys are the condition keys AWS gives
// the session's requests.
func sessionKeys(c *creds.Credentials, p *protocol.Principal) *policy.Session {
	sess := &c.Session
	who := &policy.Session{
		Account: p.Account, RoleARN: sess.RoleARN, Name: sess.SessionName,
		Provider: sess.Provider, Subject: sess.Subject, Audience: sess.Audience,
		AMR: sess.AMR, Tags: sess.PrincipalTags, IssuedAt: c.Issued, SourceIdentity: sess.SourceIdentity,
	}
	// A role session's user id is "<role id>:<session name>".
	who.RoleID, _, _ = strings.Cut(p.UserID, ":")
	return who
}

// timeKeys returns aws:CurrentTime and aws:EpochTime, the condition keys
// of a request made at now.
func timeKeys(now time.Time) map[string][]string {
	return map[string][]string{
		"aws:CurrentTime": {now.UTC().Format(time.RFC3339)},
		"aws:EpochTime":   {strconv.FormatInt(now.Unix(), 10)},
	}
}
