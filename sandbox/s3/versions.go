package s3

import (
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// Versioned buckets, as S3 keeps them: Bucket.Objects holds each key's
// current object (what ListObjectsV2 and HeadObject see); Bucket.Versions
// holds every other version of a versioned bucket, noncurrent objects and
// delete markers, each key's in the order they were made. A delete marker
// with no NoncurrentSince is its key's current version: the key is deleted
// to a plain read, and its older versions stay for the owner to restore.

// versioned says whether b keeps versions (versioning Enabled or Suspended
// once set: a suspended bucket keeps the versions it has).
func (b *Bucket) versioned() bool { return b.Versioning != "" }

// newVersionID is the id of a version made now: S3's opaque id while
// versioning is Enabled, "null" while it is Suspended.
func (b *Bucket) newVersionID() string {
	if b.Versioning == "Enabled" {
		return core.RandomHex(32)
	}
	return "null"
}

// supersede makes key's current version, object or delete marker,
// noncurrent as of now, before a new version of key becomes current. A
// version with the id the new one takes ("null" while suspended) is
// replaced, as S3 replaces it.
func (b *Bucket) supersede(key, newID string, now time.Time) {
	if i, o := b.object(key); o != nil {
		b.Objects = slices.Delete(b.Objects, i, i+1)
		if b.versioned() {
			o.NoncurrentSince = now.UTC()
			b.Versions = append(b.Versions, o)
		}
	}
	for _, v := range b.Versions {
		if v.Key == key && v.NoncurrentSince.IsZero() {
			v.NoncurrentSince = now.UTC()
		}
	}
	if newID == "null" {
		b.Versions = slices.DeleteFunc(b.Versions, func(v *Object) bool { return v.Key == key && versionOf(v) == "null" })
	}
}

// deleteCurrent deletes key as DeleteObject without a version id does: in a
// versioned bucket the object becomes noncurrent under a new delete marker,
// which it returns; elsewhere it is gone, and the answer is nil.
func (b *Bucket) deleteCurrent(key string, now time.Time) *Object {
	if !b.versioned() {
		if i, o := b.object(key); o != nil {
			b.Objects = slices.Delete(b.Objects, i, i+1)
		}
		return nil
	}
	id := b.newVersionID()
	b.supersede(key, id, now)
	m := &Object{Key: key, VersionID: id, DeleteMarker: true, Modified: now.UTC()}
	b.Versions = append(b.Versions, m)
	return m
}

// deleteVersion removes one version of key for good, as DeleteObject with a
// version id does; when it was the current one, the newest left becomes
// current (removing a delete marker so restores the object under it). It
// returns the version removed, nil when there is none of that id.
func (b *Bucket) deleteVersion(key, id string) *Object {
	if _, o := b.object(key); o != nil && (o.VersionID == id || (id == "null" && o.VersionID == "")) {
		b.Objects = slices.DeleteFunc(b.Objects, func(x *Object) bool { return x == o })
		b.promote(key)
		return o
	}
	i := slices.IndexFunc(b.Versions, func(v *Object) bool { return v.Key == key && v.VersionID == id })
	if i < 0 {
		return nil
	}
	v := b.Versions[i]
	b.Versions = slices.Delete(b.Versions, i, i+1)
	if v.NoncurrentSince.IsZero() {
		b.promote(key)
	}
	return v
}

// promote makes the newest remaining version of key current, when key has
// no current version.
func (b *Bucket) promote(key string) {
	if _, o := b.object(key); o != nil {
		return
	}
	for i := len(b.Versions) - 1; i >= 0; i-- {
		v := b.Versions[i]
		if v.Key != key {
			continue
		}
		if !v.NoncurrentSince.IsZero() && !v.DeleteMarker {
			b.Versions = slices.Delete(b.Versions, i, i+1)
			v.NoncurrentSince = time.Time{}
			j, _ := slices.BinarySearchFunc(b.Objects, key, func(x *Object, k string) int { return strings.Compare(x.Key, k) })
			b.Objects = slices.Insert(b.Objects, j, v)
			return
		}
		v.NoncurrentSince = time.Time{}
		return
	}
}

// empty says whether b holds no object and no version, as DeleteBucket needs.
func (b *Bucket) empty() bool { return len(b.Objects) == 0 && len(b.Versions) == 0 }

func (s *Service) deleteObjectVersion(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "DeleteObjectVersion")
	if err != nil {
		return nil, err
	}
	id := k.r.URL.Query().Get("versionId")
	if id == "" {
		return nil, invalidArgument("Version id cannot be the empty string")
	}
	// S3 answers 204 whether or not the version was there.
	if v := b.deleteVersion(k.key, id); v != nil {
		k.res.Changed = true
		k.res.Header.Set("X-Amz-Version-Id", id)
		if v.DeleteMarker {
			k.res.Header.Set("X-Amz-Delete-Marker", "true")
		}
	}
	k.res.Status = http.StatusNoContent
	return nil, nil
}

type versionOut struct {
	Key          string `xml:"Key"`
	VersionID    string `xml:"VersionId"`
	IsLatest     bool   `xml:"IsLatest"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int    `xml:"Size"`
	StorageClass string `xml:"StorageClass"`
	Owner        owner  `xml:"Owner"`
}

type markerOut struct {
	Key          string `xml:"Key"`
	VersionID    string `xml:"VersionId"`
	IsLatest     bool   `xml:"IsLatest"`
	LastModified string `xml:"LastModified"`
	Owner        owner  `xml:"Owner"`
}

// listObjectVersions lists every version of the keys under prefix, keys in
// order and each key's newest first, a page of max-keys (at most 1000)
// from key-marker and version-id-marker.
func (s *Service) listObjectVersions(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "ListObjectVersions")
	if err != nil {
		return nil, err
	}
	q := k.r.URL.Query()
	prefix, keyMarker, idMarker := q.Get("prefix"), q.Get("key-marker"), q.Get("version-id-marker")
	if q.Get("delimiter") != "" {
		return nil, errf(http.StatusNotImplemented, "NotImplemented", "The sandbox does not serve ListObjectVersions with a delimiter; list with a prefix instead.")
	}
	if idMarker != "" && keyMarker == "" {
		return nil, invalidArgument("A version-id marker cannot be specified without a key marker.")
	}
	maxKeys, err := maxKeysOf(q)
	if err != nil {
		return nil, err
	}
	var all []*Object
	for _, o := range b.Objects {
		if strings.HasPrefix(o.Key, prefix) {
			all = append(all, o)
		}
	}
	for _, v := range b.Versions {
		if strings.HasPrefix(v.Key, prefix) {
			all = append(all, v)
		}
	}
	// Keys in order; within a key the current version first, then the
	// others newest first (Versions keeps each key's in the order made).
	order := map[*Object]int{}
	for i, v := range b.Versions {
		order[v] = i
	}
	slices.SortStableFunc(all, func(x, y *Object) int {
		if c := strings.Compare(x.Key, y.Key); c != 0 {
			return c
		}
		if x.NoncurrentSince.IsZero() != y.NoncurrentSince.IsZero() {
			if x.NoncurrentSince.IsZero() {
				return -1
			}
			return 1
		}
		return order[y] - order[x]
	})
	start := 0
	if keyMarker != "" {
		start = len(all)
		for i, o := range all {
			if o.Key > keyMarker {
				start = i
				break
			}
			if o.Key == keyMarker && idMarker != "" && versionOf(o) == idMarker {
				start = i + 1
				break
			}
		}
	}
	end := min(start+maxKeys, len(all))
	out := struct {
		XMLName             xml.Name     `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListVersionsResult"`
		Name                string       `xml:"Name"`
		Prefix              string       `xml:"Prefix"`
		KeyMarker           string       `xml:"KeyMarker"`
		VersionIDMarker     string       `xml:"VersionIdMarker"`
		NextKeyMarker       string       `xml:"NextKeyMarker,omitempty"`
		NextVersionIDMarker string       `xml:"NextVersionIdMarker,omitempty"`
		MaxKeys             int          `xml:"MaxKeys"`
		IsTruncated         bool         `xml:"IsTruncated"`
		Versions            []versionOut `xml:"Version"`
		DeleteMarkers       []markerOut  `xml:"DeleteMarker"`
	}{Name: b.Name, Prefix: prefix, KeyMarker: keyMarker, VersionIDMarker: idMarker, MaxKeys: maxKeys}
	if end < len(all) && end > start {
		last := all[end-1]
		out.IsTruncated, out.NextKeyMarker, out.NextVersionIDMarker = true, last.Key, versionOf(last)
	}
	own := owner{canonicalUserID(b.Account)}
	for _, o := range all[start:end] {
		latest := o.NoncurrentSince.IsZero()
		if o.DeleteMarker {
			out.DeleteMarkers = append(out.DeleteMarkers, markerOut{o.Key, o.VersionID, latest, isoTime(o.Modified), own})
			continue
		}
		out.Versions = append(out.Versions, versionOut{o.Key, versionOf(o), latest, isoTime(o.Modified), o.ETag, o.Size, "STANDARD", own})
	}
	return out, nil
}

// versionOf is o's version id as S3 names it: "null" for an object written
// before versioning was turned on.
func versionOf(o *Object) string {
	if o.VersionID == "" {
		return "null"
	}
	return o.VersionID
}
