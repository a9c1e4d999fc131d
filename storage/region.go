package storage

import (
	"context"
	"strings"
)

// ListRegionPools returns up to limit pools of region (those whose id is
// "<region>:…") with id > after, in ascending id order. It reads one range
// of ids (see Reader.ListPools), so its cost does not grow with the pools
// of other regions.
func ListRegionPools(ctx context.Context, r Reader, region, after string, limit int) ([]Pool, error) {
	prefix := region + ":"
	pools, err := r.ListPools(ctx, max(after, prefix), limit)
	if err != nil {
		return nil, err
	}
	for i, p := range pools {
		if !strings.HasPrefix(p.ID, prefix) {
			return pools[:i], nil
		}
	}
	return pools, nil
}
