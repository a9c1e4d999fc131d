package protocol

import (
	"context"
	"strings"
)

// One endpoint serves every region: the region of a signed request is the
// one its SigV4 credential scope names, and the region of a pool or an
// identity is the prefix of its id ("<region>:<uuid>"). ARNs name the
// partition of their region.

type regionKey struct{}

// WithRegion returns a context carrying region as the request's region.
// When ctx carries a Request, region is recorded in it and ctx itself is
// returned, as WithPrincipal does.
func WithRegion(ctx context.Context, region string) context.Context {
	if r := RequestFrom(ctx); r != nil {
		r.Region = region
		return ctx
	}
	return context.WithValue(ctx, regionKey{}, region)
}

// RegionFrom returns the region of the request ctx carries, or def when
// the request names none (it is unsigned) or names one that cannot prefix
// an id (a region is lower-case letters, digits and hyphens).
func RegionFrom(ctx context.Context, def string) string {
	var region string
	if r := RequestFrom(ctx); r != nil && r.Region != "" {
		region = r.Region
	} else {
		region, _ = ctx.Value(regionKey{}).(string)
	}
	if !isRegion(region) {
		return def
	}
	return region
}

// isRegion reports whether s has the shape of a region name.
func isRegion(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// Partition returns the AWS partition of region, as the SDKs' partition
// data (partitions.json) assigns it: "aws-cn" for cn-*, "aws-us-gov" for
// us-gov-*, the isolated partitions for their prefixes, and "aws" for every
// other name, unknown ones included.
func Partition(region string) string {
	for _, p := range partitions {
		if strings.HasPrefix(region, p.prefix) {
			return p.id
		}
	}
	return "aws"
}

// partitions are the region name prefixes of the partitions other than
// "aws".
var partitions = [...]struct{ prefix, id string }{
	{"cn-", "aws-cn"},
	{"us-gov-", "aws-us-gov"},
	{"us-iso-", "aws-iso"},
	{"us-isob-", "aws-iso-b"},
	{"eu-isoe-", "aws-iso-e"},
	{"us-isof-", "aws-iso-f"},
	{"eusc-", "aws-eusc"},
}

// IDRegion returns the region prefix of a pool or identity id
// "<region>:<uuid>", or "" when id has none.
func IDRegion(id string) string {
	region, _, ok := strings.Cut(id, ":")
	if !ok {
		return ""
	}
	return region
}

// ARNPartition returns the partition field of an ARN
// (arn:<partition>:<service>:…), or "aws" when arn has none.
func ARNPartition(arn string) string {
	rest, ok := strings.CutPrefix(arn, "arn:")
	if !ok {
		return "aws"
	}
	p, _, ok := strings.Cut(rest, ":")
	if !ok || p == "" {
		return "aws"
	}
	return p
}
