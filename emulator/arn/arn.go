package arn

import "strings"

// ARN is an Amazon Resource Name:
// arn:<Partition>:<Service>:<Region>:<Account>:<Resource>.
type ARN struct {
	Partition, Service, Region, Account, Resource string
}

// Parse splits s into the fields of an ARN. It checks only the form: s
// starts with "arn:" and has the five colons that separate six fields.
// Any field may be empty, and the resource keeps every colon after the
// fifth (arn:aws:sts::1:assumed-role/r/s:x has resource
// assumed-role/r/s:x); what each field holds is the caller's to check.
// When s is not of that form, ok is false and a is the zero ARN.
func Parse(s string) (a ARN, ok bool) {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return ARN{}, false
	}
	f := strings.SplitN(rest, ":", 5)
	if len(f) != 5 {
		return ARN{}, false
	}
	return ARN{Partition: f[0], Service: f[1], Region: f[2], Account: f[3], Resource: f[4]}, true
}

// String returns the ARN as written: the inverse of Parse.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// IsAccount reports whether s is an AWS account id: 12 decimal digits.
func IsAccount(s string) bool {
	return len(s) == 12 && strings.Trim(s, "0123456789") == ""
}

// IsPartition reports whether p is shaped like a partition: aws, or aws-
// and lower-case letters and hyphens (aws-cn, aws-us-gov, aws-iso-b).
func IsPartition(p string) bool {
	rest, ok := strings.CutPrefix(p, "aws")
	return ok && (rest == "" || rest[0] == '-' && strings.Trim(rest, "abcdefghijklmnopqrstuvwxyz-") == "")
}

// IsRoot reports whether s is the ARN of an account's root user,
// arn:<partition>:iam::<account>:root.
func IsRoot(s string) bool {
	a, ok := Parse(s)
	return ok && a.Service == "iam" && a.Resource == "root"
}

// Held compares stored, the ARN of an IAM entity IAM holds under the name
// asked ends with, to asked, an ARN that names an entity of that kind
// (role, user, group). ok is false when asked is of another service,
// region or account: another entity, which IAM does not hold. Otherwise
// held is stored in asked's partition (IAM is global: an entity created
// through one partition's endpoint is the same entity), or "" when
// asked's path is not the stored entity's. The name is compared whatever
// its case, as IAM compares entity names.
func Held(stored, asked string) (held string, ok bool) {
	h, okS := Parse(stored)
	a, okA := Parse(asked)
	if !okS || !okA || a.Service != h.Service || a.Region != h.Region || a.Account != h.Account {
		return "", false
	}
	i, j := strings.LastIndexByte(h.Resource, '/'), strings.LastIndexByte(a.Resource, '/')
	if i < 0 || j < 0 || h.Resource[:i+1] != a.Resource[:j+1] || !strings.EqualFold(h.Resource[i+1:], a.Resource[j+1:]) {
		return "", true
	}
	h.Partition = a.Partition
	return h.String(), true
}
