package cognitosync

import (
	"context"
	"fmt"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// ListIdentityPoolUsage returns the usage of every pool of the request's
// region (its signature's scope, or the default region), in pool id order.
func (s *Service) ListIdentityPoolUsage(ctx context.Context, in *ListIdentityPoolUsageInput) (*ListIdentityPoolUsageOutput, error) {
	if _, err := authorize(ctx, "ListIdentityPoolUsage", "", ""); err != nil {
		return nil, err
	}
	region := protocol.RegionFrom(ctx, s.cfg.Region)
	after, err := decodePage(in.NextToken, pagePools, region)
	if err != nil {
		return nil, err
	}
	n := pageSize(in.MaxResults, maxPoolsPage)
	pools, err := storage.ListRegionPools(ctx, s.store, region, after, n+1)
	if err != nil {
		return nil, fmt.Errorf("list pools of %s: %w", region, err)
	}
	out := &ListIdentityPoolUsageOutput{MaxResults: int32(n)}
	if len(pools) > n {
		pools = pools[:n]
		out.NextToken = protocol.EncodePageToken(pagePools, region, pools[n-1].ID)
	}
	out.IdentityPoolUsages = make([]IdentityPoolUsage, len(pools))
	for i := range pools {
		if out.IdentityPoolUsages[i], err = s.poolUsage(ctx, pools[i].ID); err != nil {
			return nil, err
		}
	}
	out.Count = int32(len(pools))
	return out, nil
}

// DescribeIdentityPoolUsage returns the usage of one pool.
func (s *Service) DescribeIdentityPoolUsage(ctx context.Context, in *DescribeIdentityPoolUsageInput) (*DescribeIdentityPoolUsageOutput, error) {
	if _, err := authorize(ctx, "DescribeIdentityPoolUsage", in.IdentityPoolId, ""); err != nil {
		return nil, err
	}
	if _, err := getPool(ctx, s.store, in.IdentityPoolId); err != nil {
		return nil, err
	}
	u, err := s.poolUsage(ctx, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	return &DescribeIdentityPoolUsageOutput{IdentityPoolUsage: u}, nil
}

// poolUsage is the usage of a pool: bytes stored and last change from the
// store, sync sessions from the in-memory count.
func (s *Service) poolUsage(ctx context.Context, pool string) (IdentityPoolUsage, error) {
	u, err := s.store.PoolUsage(ctx, pool)
	if err != nil {
		return IdentityPoolUsage{}, fmt.Errorf("usage of pool %s: %w", pool, err)
	}
	return IdentityPoolUsage{
		IdentityPoolId:    pool,
		SyncSessionsCount: s.sessionCount(pool),
		DataStorage:       u.DataStorage,
		LastModifiedDate:  timePtr(u.LastModifiedAt),
	}, nil
}

// DescribeIdentityUsage returns the usage of one identity.
func (s *Service) DescribeIdentityUsage(ctx context.Context, in *DescribeIdentityUsageInput) (*DescribeIdentityUsageOutput, error) {
	if _, err := authorize(ctx, "DescribeIdentityUsage", in.IdentityPoolId, in.IdentityId); err != nil {
		return nil, err
	}
	if _, err := identityIn(ctx, s.store, in.IdentityPoolId, in.IdentityId); err != nil {
		return nil, err
	}
	u, err := s.store.IdentityUsage(ctx, in.IdentityId)
	if err != nil {
		return nil, fmt.Errorf("usage of %s: %w", in.IdentityId, err)
	}
	return &DescribeIdentityUsageOutput{IdentityUsage: IdentityUsage{
		IdentityId:       in.IdentityId,
		IdentityPoolId:   in.IdentityPoolId,
		LastModifiedDate: timePtr(u.LastModifiedAt),
		DatasetCount:     int32(u.DatasetCount),
		DataStorage:      u.DataStorage,
	}}, nil
}
