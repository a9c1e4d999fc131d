package sqlite

import (
	"sort"
	"sync"

	"github.com/idpool/idpool/storage"
)

// dsKey names one dataset.
type dsKey struct{ identity, name string }

// Bounds of the dataset cache. A dataset whose records weigh more than
// maxCachedRecordBytes is read from the database every time (the cache
// only remembers that it is big); beyond maxCacheBytes or maxCacheSlots in
// all, the cache starts over empty. They keep memory bounded, nothing more.
const (
	maxCachedRecordBytes = 64 << 10
	maxCacheBytes        = 64 << 20
	maxCacheSlots        = 1 << 16
)

// syncCache holds datasets and their records as last committed, so that the
// reads a syncing device makes (GetDataset, ListRecords) cost map lookups
// and copies rather than queries that step through every record.
//
// It follows the pool cache's protocol (see poolCache) per dataset: the
// writer goroutine invalidates every dataset a transaction may have
// written, after the transaction ends and before anyone learns of its
// commit; a reader that missed records the generation before querying and
// stores what it read only if that dataset was not invalidated since. An
// invalidated dataset keeps its slot, empty, holding the generation of its
// invalidation; when the cache starts over it forgets those, so it then
// refuses every value read before.
//
// Only reads outside transactions use it: a transaction's reads must see
// its own uncommitted writes.
type syncCache struct {
	mu    sync.RWMutex
	gen   uint64 // bumped by every invalidation
	floor uint64 // values read before this generation are refused
	bytes int
	slots map[dsKey]*slot
}

// slot is what the cache knows of one dataset. Cached values are never
// modified, only replaced, so readers may copy them outside the lock.
type slot struct {
	inval uint64 // generation of the last invalidation

	hasDataset bool
	dataset    *storage.Dataset // nil: the dataset does not exist

	hasRecords bool
	big        bool             // too big to cache: read from the database
	records    []storage.Record // all of them, in key order
	size       int
}

func newSyncCache() *syncCache { return &syncCache{slots: make(map[dsKey]*slot)} }

// dataset returns the cached dataset of k (nil: known not to exist) and
// ok, or ok false and the generation to hand to putDataset.
func (c *syncCache) dataset(k dsKey) (d *storage.Dataset, gen uint64, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if s := c.slots[k]; s != nil && s.hasDataset {
		return s.dataset, 0, true
	}
	return nil, c.gen, false
}

// records returns the cached records of k, or big true if they are too
// big to cache, or ok false and the generation to hand to putRecords.
func (c *syncCache) records(k dsKey) (rs []storage.Record, big bool, gen uint64, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if s := c.slots[k]; s != nil && s.hasRecords {
		return s.records, s.big, 0, true
	}
	return nil, false, c.gen, false
}

// slotFor returns the slot a value of k read at generation gen may go
// into, or nil if k was invalidated since. c.mu must be held.
func (c *syncCache) slotFor(k dsKey, gen uint64) *slot {
	if gen < c.floor {
		return nil
	}
	s := c.slots[k]
	if s != nil {
		if s.inval > gen {
			return nil
		}
		return s
	}
	if len(c.slots) >= maxCacheSlots || c.bytes >= maxCacheBytes {
		c.reset()
		if gen < c.floor {
			return nil
		}
	}
	s = new(slot)
	c.slots[k] = s
	return s
}

// putDataset caches d (nil: k does not exist), read after dataset
// returned gen. d must not be modified afterwards.
func (c *syncCache) putDataset(k dsKey, d *storage.Dataset, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.slotFor(k, gen); s != nil {
		s.hasDataset, s.dataset = true, d
	}
}

// putRecords caches all the records of k, read after records returned gen,
// or only that they are big. rs must not be modified afterwards.
func (c *syncCache) putRecords(k dsKey, rs []storage.Record, size int, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.slotFor(k, gen)
	if s == nil {
		return
	}
	c.bytes -= s.size
	s.hasRecords = true
	if size > maxCachedRecordBytes {
		s.big, s.records, s.size = true, nil, 0
		return
	}
	s.big, s.records, s.size = false, rs, size
	c.bytes += size
}

// invalidate forgets what the cache holds of keys.
func (c *syncCache) invalidate(keys []dsKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, k := range keys {
		if s := c.slots[k]; s != nil {
			c.bytes -= s.size
			*s = slot{inval: c.gen}
		} else {
			c.slots[k] = &slot{inval: c.gen}
		}
	}
	if len(c.slots) > maxCacheSlots {
		c.reset()
	}
}

// invalidateAll forgets everything.
func (c *syncCache) invalidateAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.reset()
}

// reset empties the cache; values read before now are refused from then
// on, since the slots that would have told were dropped. c.mu must be held.
func (c *syncCache) reset() {
	clear(c.slots)
	c.bytes = 0
	c.floor = c.gen
}

// recordsSize is what rs weigh in the cache, roughly.
func recordsSize(rs []storage.Record) int {
	n := 0
	for i := range rs {
		n += 96 + len(rs[i].Key) + len(rs[i].LastModifiedBy)
		if rs[i].Value != nil {
			n += len(*rs[i].Value)
		}
	}
	return n
}

// copyRecord returns r with a Value of its own.
func copyRecord(r *storage.Record) storage.Record {
	c := *r
	if r.Value != nil {
		v := *r.Value
		c.Value = &v
	}
	return c
}

// selectRecords returns copies of the records of all, in key order, that
// o selects.
func selectRecords(all []storage.Record, o storage.ListRecordsOptions) []storage.Record {
	i := 0
	if o.After != "" {
		i = sort.Search(len(all), func(i int) bool { return all[i].Key > o.After })
	}
	var rs []storage.Record
	for ; i < len(all) && (o.Limit <= 0 || len(rs) < o.Limit); i++ {
		r := &all[i]
		if o.SinceSyncCount > 0 && r.SyncCount <= o.SinceSyncCount {
			continue
		}
		if rs == nil {
			n := len(all) - i
			if o.Limit > 0 {
				n = min(n, o.Limit)
			}
			rs = make([]storage.Record, 0, n)
		}
		rs = append(rs, copyRecord(r))
	}
	return rs
}
