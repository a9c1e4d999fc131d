package sqlite

import (
	"slices"
	"sort"
	"sync"

	"github.com/idpool/idpool/storage"
)

// dsKey names one dataset.
type dsKey struct{ identity, name string }

// Bounds of the dataset cache. A dataset whose records weigh more than
// maxCachedRecordBytes, or an identity with more than maxCachedDatasets
// live datasets, is read from the database every time (the cache only
// remembers that it is big); beyond maxCacheBytes or maxCacheSlots (slots
// and lists together) in all, the cache starts over empty. They keep
// memory bounded, nothing more.
const (
	maxCachedRecordBytes = 64 << 10
	maxCachedDatasets    = 1024
	maxCacheBytes        = 8 << 20
	maxCacheSlots        = 1 << 14
)

// syncCache holds datasets and their records as last committed, so that the
// reads a syncing device makes (GetDataset, ListRecords, and ListDatasets
// to find the datasets an identity merge stored beside the one it syncs)
// cost map lookups and copies rather than queries that step through every
// record, or that merely start a read of the database.
//
// It follows the pool cache's protocol (see poolCache) per dataset, and per
// identity for the list of its live datasets: the writer goroutine
// invalidates every dataset a transaction may have written, and the list
// of each identity owning one, after the transaction ends and before anyone
// learns of its commit; a reader that missed records the generation before
// querying and stores what it read only if that dataset (or list) was not
// invalidated since. An invalidated dataset or list keeps its entry, empty,
// holding the generation of its invalidation; when the cache starts over it
// forgets those, so it then refuses every value read before.
//
// A dataset and its records are cached together, read in one snapshot of
// the database, so that the cache never pairs a dataset with records of
// another state (a device would then be told a sync count below that of
// records it gets, or that a live dataset is empty). The protocol alone
// would not prevent it: between a commit and the invalidation that
// follows it, a reader may cache what it read before the commit beside
// what another read after it. A dataset read alone (GetDataset) fills a
// slot only while it holds none.
//
// Only reads outside transactions use it: a transaction's reads must see
// its own uncommitted writes.
type syncCache struct {
	mu    sync.RWMutex
	gen   uint64 // bumped by every invalidation
	floor uint64 // values read before this generation are refused
	bytes int
	slots map[dsKey]*slot
	lists map[string]*list // by identity id
}

// slot is what the cache knows of one dataset. Cached values are never
// modified, only replaced, so readers may copy them outside the lock.
type slot struct {
	inval uint64 // generation of the last invalidation

	hasDataset bool
	dataset    *storage.Dataset // nil: the dataset does not exist

	// hasRecords tells that records (or big) were read in the same
	// snapshot as dataset, which is then set too.
	hasRecords bool
	big        bool             // too big to cache: read from the database
	records    []storage.Record // all of them, in key order
	size       int
}

// list is what the cache knows of the live datasets of one identity. Like
// a slot's values, datasets is never modified, only replaced.
type list struct {
	inval uint64 // generation of the last invalidation

	has      bool
	big      bool              // too many to cache: read from the database
	datasets []storage.Dataset // all of them, in name order
	size     int
}

func newSyncCache() *syncCache {
	return &syncCache{slots: make(map[dsKey]*slot), lists: make(map[string]*list)}
}

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

// snapshot returns the cached dataset of k (nil: it does not exist) with
// its records, read in one snapshot, or big true if the records are too
// big to cache; or ok false and the generation to hand to putSnapshot.
func (c *syncCache) snapshot(k dsKey) (d *storage.Dataset, rs []storage.Record, big bool, gen uint64, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if s := c.slots[k]; s != nil && s.hasRecords {
		return s.dataset, s.records, s.big, 0, true
	}
	return nil, nil, false, c.gen, false
}

// list returns the cached live datasets of an identity, in name order, or
// big true if there are too many to cache, or ok false and the generation
// to hand to putList.
func (c *syncCache) list(identity string) (ds []storage.Dataset, big bool, gen uint64, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if l := c.lists[identity]; l != nil && l.has {
		return l.datasets, l.big, 0, true
	}
	return nil, false, c.gen, false
}

// full reports whether the cache must start over before it takes a new
// entry. c.mu must be held.
func (c *syncCache) full() bool {
	return len(c.slots)+len(c.lists) >= maxCacheSlots || c.bytes >= maxCacheBytes
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
	if c.full() {
		c.reset()
		if gen < c.floor {
			return nil
		}
	}
	s = new(slot)
	c.slots[k] = s
	return s
}

// listFor is slotFor for the list of an identity.
func (c *syncCache) listFor(identity string, gen uint64) *list {
	if gen < c.floor {
		return nil
	}
	l := c.lists[identity]
	if l != nil {
		if l.inval > gen {
			return nil
		}
		return l
	}
	if c.full() {
		c.reset()
		if gen < c.floor {
			return nil
		}
	}
	l = new(list)
	c.lists[identity] = l
	return l
}

// putDataset caches d (nil: k does not exist), read after dataset
// returned gen, unless the slot holds a dataset already: that one may have
// been read with the records cached beside it. d must not be modified
// afterwards.
func (c *syncCache) putDataset(k dsKey, d *storage.Dataset, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.slotFor(k, gen); s != nil && !s.hasDataset {
		s.hasDataset, s.dataset = true, d
	}
}

// putSnapshot caches d (nil: k does not exist) with all its records rs,
// both read in one snapshot after snapshot returned gen; or, when big or
// when rs weigh more than the cache takes, only that the records are big.
// d and rs must not be modified afterwards.
func (c *syncCache) putSnapshot(k dsKey, d *storage.Dataset, rs []storage.Record, big bool, gen uint64) {
	size := recordsSize(rs)
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.slotFor(k, gen)
	if s == nil {
		return
	}
	c.bytes -= s.size
	s.hasDataset, s.dataset = true, d
	s.hasRecords = true
	if big || size > maxCachedRecordBytes {
		s.big, s.records, s.size = true, nil, 0
		return
	}
	s.big, s.records, s.size = false, rs, size
	c.bytes += size
}

// putList caches the live datasets of an identity, all of them in name
// order, read after list returned gen; or only that they are too many,
// when there are more than maxCachedDatasets. ds must not be modified
// afterwards.
func (c *syncCache) putList(identity string, ds []storage.Dataset, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.listFor(identity, gen)
	if l == nil {
		return
	}
	c.bytes -= l.size
	l.has = true
	if len(ds) > maxCachedDatasets {
		l.big, l.datasets, l.size = true, nil, 0
		return
	}
	l.big, l.datasets, l.size = false, ds, datasetsSize(ds)
	c.bytes += l.size
}

// invalidate forgets what the cache holds of keys, and the lists of the
// identities they belong to.
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
		if l := c.lists[k.identity]; l != nil {
			c.bytes -= l.size
			*l = list{inval: c.gen}
		} else {
			c.lists[k.identity] = &list{inval: c.gen}
		}
	}
	if len(c.slots)+len(c.lists) > maxCacheSlots {
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
	clear(c.lists)
	c.bytes = 0
	c.floor = c.gen
}

// recordOverhead is what a record weighs in the cache besides its
// strings, roughly.
const recordOverhead = 96

// recordsSize is what rs weigh in the cache, roughly.
func recordsSize(rs []storage.Record) int {
	n := 0
	for i := range rs {
		n += recordOverhead + len(rs[i].Key) + len(rs[i].LastModifiedBy)
		if rs[i].Value != nil {
			n += len(*rs[i].Value)
		}
	}
	return n
}

// cacheWeight is what the records of d weigh in the cache at least
// (recordsSize), from its totals: its live records' keys and values;
// tombstones and who wrote each record weigh more.
func cacheWeight(d *storage.Dataset) int {
	return int(d.DataStorage) + recordOverhead*int(d.NumRecords)
}

// datasetsSize is what ds weigh in the cache, roughly. Their IdentityID
// is one string, shared.
func datasetsSize(ds []storage.Dataset) int {
	n := 0
	for i := range ds {
		d := &ds[i]
		n += 176 + len(d.Name) + len(d.PoolID) + len(d.MergedFrom) + len(d.MergedFromName) + len(d.LastModifiedBy)
	}
	return n
}

// selectDatasets returns copies of the datasets of all, in name order,
// named after after, at most limit of them (limit ≤ 0: no limit); nil if
// none.
func selectDatasets(all []storage.Dataset, after string, limit int) []storage.Dataset {
	i := sort.Search(len(all), func(i int) bool { return all[i].Name > after })
	n := len(all) - i
	if limit > 0 {
		n = min(n, limit)
	}
	if n <= 0 {
		return nil
	}
	return slices.Clone(all[i : i+n])
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
// o selects: the cache's records stay its own, whatever the caller does
// with the page.
func selectRecords(all []storage.Record, o storage.ListRecordsOptions) []storage.Record {
	i := 0
	if o.After != "" {
		i = sort.Search(len(all), func(i int) bool { return all[i].Key > o.After })
	}
	n := len(all) - i
	if o.Limit > 0 {
		n = min(n, o.Limit)
	}
	rs := make([]storage.Record, 0, max(n, 0))
	for ; i < len(all) && (o.Limit <= 0 || len(rs) < o.Limit); i++ {
		if r := &all[i]; o.SinceSyncCount <= 0 || r.SyncCount > o.SinceSyncCount {
			rs = append(rs, copyRecord(r))
		}
	}
	return rs
}
