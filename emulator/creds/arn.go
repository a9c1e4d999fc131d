package creds

import (
	"crypto/sha256"
	"encoding/base32"
	"strings"

	"github.com/idpool/idpool/protocol"
)

// AssumedRole returns the ARN and user id a session of roleARN named
// session acts as: arn:<partition>:sts::<account>:assumed-role/<role
// name>/<session> and <role id>:<session>. The partition is the role's
// (arn:aws-cn:iam::… gives arn:aws-cn:sts::…), and only the role's name
// appears in the ARN, not its path. roleID is the RoleId IAM gave the
// role; for a role IAM does not hold ("") it is RoleID(roleARN).
func AssumedRole(roleARN, roleID, session string) (arn, userID string) {
	if roleID == "" {
		roleID = RoleID(roleARN)
	}
	partition, account, name := "aws", "", roleARN
	// arn:aws:iam::<account>:role/<path/>name: the account is the fifth
	// colon-separated field and the resource all after the fifth colon.
	rest, n := roleARN, 0
	for ; n < 4; n++ {
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			break
		}
		rest = rest[i+1:]
	}
	if i := strings.IndexByte(rest, ':'); n == 4 && i >= 0 {
		partition, account, name = protocol.ARNPartition(roleARN), rest[:i], rest[i+1:]
	}
	name = strings.TrimPrefix(name, "role/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	return "arn:" + partition + ":sts::" + account + ":assumed-role/" + name + "/" + session, roleID + ":" + session
}

// RoleID returns the stable "AROA…" unique id idpool gives a role ARN
// that IAM does not hold: "AROA" and 17 characters derived from the ARN,
// stable as a real role's id is. (Fixture roles are given the same id in
// IAM.)
func RoleID(roleARN string) string {
	sum := sha256.Sum256([]byte(roleARN))
	return "AROA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
}
