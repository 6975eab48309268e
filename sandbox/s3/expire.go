package s3

import (
	"encoding/xml"
	"slices"
	"strings"
	"time"
)

const day = 24 * time.Hour

// scope is the key prefix a rule applies to; ok is false for a filter the
// sandbox does not match (tags, sizes, And), whose rule it never applies:
// it keeps an object rather than expire one S3 would keep.
func (r *LifecycleRule) scope() (prefix string, ok bool) {
	if r.Prefix != nil {
		return *r.Prefix, true
	}
	if r.Filter == nil || strings.TrimSpace(r.Filter.Inner) == "" {
		return "", true
	}
	var f struct {
		Prefix *string  `xml:"Prefix"`
		Other  []string `xml:",any"`
	}
	if xml.Unmarshal([]byte("<Filter>"+r.Filter.Inner+"</Filter>"), &f) != nil {
		return "", false
	}
	if len(f.Other) > 0 {
		return "", false
	}
	if f.Prefix == nil {
		return "", true
	}
	return *f.Prefix, true
}

// expire applies b's lifecycle as of now, as S3 runs it in the background:
// Expiration.Days (or Date) expires current objects (in a versioned bucket
// they become noncurrent under a delete marker), NoncurrentDays deletes
// versions noncurrent that long for good, and a delete marker left with no
// version under it goes too (with Expiration.Days, or
// ExpiredObjectDeleteMarker). The sandbox runs it when it writes into the
// bucket, so what a trail keeps delivering stays bounded by the lifecycle.
// S3 rounds each time up to the next midnight UTC; the sandbox does not.
// It reports whether anything changed.
func (b *Bucket) expire(now time.Time) bool {
	if b.Lifecycle == nil {
		return false
	}
	changed := false
	for i := range b.Lifecycle.Rules {
		r := &b.Lifecycle.Rules[i]
		prefix, ok := r.scope()
		if r.Status != "Enabled" || !ok {
			continue
		}
		cleanMarkers := false
		if e := r.Expiration; e != nil {
			var due func(o *Object) bool
			switch {
			case e.Days > 0:
				due = func(o *Object) bool { return !now.Before(o.Modified.Add(time.Duration(e.Days) * day)) }
				cleanMarkers = true
			case e.Date != "":
				if at, err := time.Parse(time.RFC3339, e.Date); err == nil && !now.Before(at) {
					due = func(*Object) bool { return true }
				}
			}
			cleanMarkers = cleanMarkers || (e.ExpiredObjectDeleteMarker != nil && *e.ExpiredObjectDeleteMarker)
			if due != nil {
				var keys []string
				for _, o := range b.Objects {
					if strings.HasPrefix(o.Key, prefix) && due(o) {
						keys = append(keys, o.Key)
					}
				}
				for _, k := range keys {
					b.deleteCurrent(k, now)
					changed = true
				}
			}
		}
		if n := r.NoncurrentVersionExpiration; n != nil && n.NoncurrentDays > 0 {
			// NewerNoncurrentVersions keeps that many of a key's newest
			// noncurrent versions whatever their age.
			keep := map[*Object]bool{}
			if n.NewerNoncurrentVersions != nil {
				count := map[string]int{}
				for i := len(b.Versions) - 1; i >= 0; i-- {
					v := b.Versions[i]
					if !v.NoncurrentSince.IsZero() && count[v.Key] < *n.NewerNoncurrentVersions {
						count[v.Key]++
						keep[v] = true
					}
				}
			}
			before := len(b.Versions)
			b.Versions = slices.DeleteFunc(b.Versions, func(v *Object) bool {
				return strings.HasPrefix(v.Key, prefix) && !v.NoncurrentSince.IsZero() && !keep[v] &&
					!now.Before(v.NoncurrentSince.Add(time.Duration(n.NoncurrentDays)*day))
			})
			changed = changed || len(b.Versions) != before
		}
		if cleanMarkers {
			alone := map[string]int{}
			for _, v := range b.Versions {
				alone[v.Key]++
			}
			before := len(b.Versions)
			b.Versions = slices.DeleteFunc(b.Versions, func(v *Object) bool {
				_, current := b.object(v.Key)
				return strings.HasPrefix(v.Key, prefix) && v.DeleteMarker && v.NoncurrentSince.IsZero() && current == nil && alone[v.Key] == 1
			})
			changed = changed || len(b.Versions) != before
		}
	}
	return changed
}
