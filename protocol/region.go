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
// the request names none (it is unsigned) or names one that is not a
// region name (IsRegion), such as "local" or "aws-global".
func RegionFrom(ctx context.Context, def string) string {
	var region string
	if r := RequestFrom(ctx); r != nil && r.Region != "" {
		region = r.Region
	} else {
		region, _ = ctx.Value(regionKey{}).(string)
	}
	if !IsRegion(region) {
		return def
	}
	return region
}

// Elsewhere reports whether id, a pool or identity id, is out of reach of
// the request ctx carries: the request is Regional and id's region prefix
// is not its region. AWS's endpoint of one region does not know the pools
// of another, so the services answer such an id as one that does not
// exist; Elsewhere records why (SetReason). An unsigned request, or one
// whose scope names no region, reaches every pool by its id.
func Elsewhere(ctx context.Context, id string) bool {
	r := RequestFrom(ctx)
	if r == nil || !r.Regional || IDRegion(id) == r.Region {
		return false
	}
	SetReason(ctx, id+" is not of "+r.Region+", the region the request is signed for, and AWS's endpoint of a region knows only its own pools and identities")
	return true
}

// maxRegion is the longest region name that still makes ids of the
// models' IdentityPoolId and IdentityId shapes: 55 characters, of which
// ":<uuid>" takes 37.
const maxRegion = 55 - 37

// IsRegion reports whether s has the shape of an AWS region name: a
// two-letter geography (or "eusc", the European Sovereign Cloud's), one or
// more lower-case words and a number, joined by '-' (us-east-1,
// us-gov-west-1, eu-isoe-west-1, eusc-de-east-1), in at most maxRegion
// characters. It is the one definition idpool uses for a request's
// region, the --region setting and a fixture's regions, so that every pool
// id idpool makes is one its fixtures load again.
func IsRegion(s string) bool {
	// Scanned in place, without splitting: the edge asks it of every
	// signed request.
	if len(s) > maxRegion {
		return false
	}
	geo, rest, ok := strings.Cut(s, "-")
	if !ok || len(geo) != 2 && geo != "eusc" || !within(geo, 'a', 'z') {
		return false
	}
	for words := 0; ; words++ {
		w, after, more := strings.Cut(rest, "-")
		if !more {
			return words > 0 && within(w, '0', '9')
		}
		if !within(w, 'a', 'z') {
			return false
		}
		rest = after
	}
}

// within reports whether s is not empty and its bytes are all in lo…hi.
func within(s string, lo, hi byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < lo || s[i] > hi {
			return false
		}
	}
	return s != ""
}

// Partition returns the AWS partition of region, as the SDKs' partition
// data (partitions.json) assigns it: "aws-cn" for cn-*, "aws-us-gov" for
// us-gov-*, the isolated partitions for their prefixes, and "aws" for every
// other name, unknown ones included.
func Partition(region string) string {
	return partitionOf(region).id
}

// DNSSuffix returns the domain of the AWS endpoints of region, as the
// SDKs' partition data gives it for the region's partition
// ("amazonaws.com.cn" for cn-north-1).
func DNSSuffix(region string) string {
	return partitionOf(region).dns
}

type partition struct{ prefix, id, dns string }

func partitionOf(region string) partition {
	for _, p := range partitions {
		if strings.HasPrefix(region, p.prefix) {
			return p
		}
	}
	return partition{id: "aws", dns: "amazonaws.com"}
}

// partitions are the region name prefixes of the partitions other than
// "aws", with their ids and endpoint domains.
var partitions = [...]partition{
	{"cn-", "aws-cn", "amazonaws.com.cn"},
	{"us-gov-", "aws-us-gov", "amazonaws.com"},
	{"us-iso-", "aws-iso", "c2s.ic.gov"},
	{"us-isob-", "aws-iso-b", "sc2s.sgov.gov"},
	{"eu-isoe-", "aws-iso-e", "cloud.adc-e.uk"},
	{"us-isof-", "aws-iso-f", "csp.hci.ic.gov"},
	{"eusc-", "aws-eusc", "amazonaws.eu"},
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
