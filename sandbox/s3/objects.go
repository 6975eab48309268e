package s3

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

const maxKeyLength = 1024

// decodeChunked reads an aws-chunked body (the SDK's streaming uploads with
// a trailing checksum): hex size;extensions CRLF data CRLF ..., 0, trailers.
func decodeChunked(body []byte) ([]byte, bool) {
	r := bufio.NewReader(bytes.NewReader(body))
	var out []byte
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, false
		}
		sizeHex, _, _ := strings.Cut(strings.TrimSpace(line), ";")
		n, err := strconv.ParseInt(sizeHex, 16, 64)
		if err != nil || n < 0 {
			return nil, false
		}
		if n == 0 {
			return out, true
		}
		chunk := make([]byte, n)
		if _, err := io.ReadFull(r, chunk); err != nil {
			return nil, false
		}
		out = append(out, chunk...)
		if _, err := r.ReadString('\n'); err != nil {
			return nil, false
		}
	}
}

// payload is the object's bytes as the client meant them.
func payload(r *http.Request, body []byte) ([]byte, *core.Error) {
	if strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") ||
		strings.HasPrefix(r.Header.Get("X-Amz-Content-Sha256"), "STREAMING-") {
		data, ok := decodeChunked(body)
		if !ok {
			return nil, errf(http.StatusBadRequest, "IncompleteBody", "The request body terminated unexpectedly")
		}
		return data, nil
	}
	return body, nil
}

func etag(data []byte) string {
	sum := md5.Sum(data)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// put keeps an object in b as key's current version; the one it replaces
// is gone, or, in a versioned bucket, kept as a noncurrent version.
func (b *Bucket) put(key string, data []byte, now time.Time) *Object {
	o := &Object{Key: key, Size: len(data), ETag: etag(data), Modified: now.UTC()}
	if b.versioned() {
		o.VersionID = b.newVersionID()
	}
	b.supersede(key, o.VersionID, now)
	i, _ := slices.BinarySearchFunc(b.Objects, key, func(x *Object, k string) int { return strings.Compare(x.Key, k) })
	b.Objects = slices.Insert(b.Objects, i, o)
	return o
}

func (b *Bucket) object(key string) (int, *Object) {
	i, found := slices.BinarySearchFunc(b.Objects, key, func(x *Object, k string) int { return strings.Compare(x.Key, k) })
	if !found {
		return -1, nil
	}
	return i, b.Objects[i]
}

func (s *Service) putObject(k *call) (any, *core.Error) {
	if len(k.key) > maxKeyLength {
		return nil, errf(http.StatusBadRequest, "KeyTooLongError", "Your key is too long")
	}
	b, err := s.bucketFor(k, "PutObject")
	if err != nil {
		return nil, err
	}
	data, err := payload(k.r, k.body)
	if err != nil {
		return nil, err
	}
	o := b.put(k.key, data, k.now)
	b.expire(k.now)
	k.res.Changed = true
	k.res.Header.Set("ETag", o.ETag)
	if o.VersionID != "" {
		k.res.Header.Set("X-Amz-Version-Id", o.VersionID)
	}
	k.res.Header.Set("X-Amz-Server-Side-Encryption", "AES256")
	return nil, nil
}

func (s *Service) headObject(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "HeadObject")
	if err != nil {
		return nil, err
	}
	_, o := b.object(k.key)
	if o == nil {
		return nil, errf(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
	}
	k.res.Header.Set("ETag", o.ETag)
	k.res.Header.Set("Content-Length", strconv.Itoa(o.Size))
	k.res.Header.Set("Last-Modified", o.Modified.Format(http.TimeFormat))
	return nil, nil
}

func (s *Service) deleteObject(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "DeleteObject")
	if err != nil {
		return nil, err
	}
	// S3 answers 204 whether or not the key was there. In a versioned
	// bucket the object stays as a noncurrent version, under a new delete
	// marker (even when there was none to delete), as at AWS.
	_, o := b.object(k.key)
	if m := b.deleteCurrent(k.key, k.now); m != nil {
		k.res.Changed = true
		k.res.Header.Set("X-Amz-Version-Id", m.VersionID)
		k.res.Header.Set("X-Amz-Delete-Marker", "true")
	} else if o != nil {
		k.res.Changed = true
	}
	k.res.Status = http.StatusNoContent
	return nil, nil
}

type objectOut struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int    `xml:"Size"`
	StorageClass string `xml:"StorageClass"`
	Owner        *owner `xml:"Owner,omitempty"`
}

type prefixOut struct {
	Prefix string `xml:"Prefix"`
}

// maxKeysOf is a listing's page size: its max-keys parameter, 1000 when
// absent, and never more than 1000 (S3 returns at most that many, whatever
// it was asked).
func maxKeysOf(q url.Values) (int, *core.Error) {
	v := q.Get("max-keys")
	if v == "" {
		return 1000, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, invalidArgument("Provided max-keys not an integer or within integer range")
	}
	return min(n, 1000), nil
}

func (s *Service) listObjectsV2(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "ListObjectsV2")
	if err != nil {
		return nil, err
	}
	q := k.r.URL.Query()
	prefix, delimiter, startAfter := q.Get("prefix"), q.Get("delimiter"), q.Get("start-after")
	encode := q.Get("encoding-type")
	if encode != "" && encode != "url" {
		return nil, invalidArgument("Invalid Encoding Method specified in Request")
	}
	maxKeys, err := maxKeysOf(q)
	if err != nil {
		return nil, err
	}
	// Entries are keys and common prefixes, in key order, each once.
	type entry struct {
		name   string
		object *Object
	}
	var entries []entry
	seen := map[string]bool{}
	for _, o := range b.Objects {
		if !strings.HasPrefix(o.Key, prefix) || (startAfter != "" && o.Key <= startAfter) {
			continue
		}
		if delimiter != "" {
			if i := strings.Index(o.Key[len(prefix):], delimiter); i >= 0 {
				cp := o.Key[:len(prefix)+i+len(delimiter)]
				if !seen[cp] {
					seen[cp] = true
					entries = append(entries, entry{name: cp})
				}
				continue
			}
		}
		entries = append(entries, entry{name: o.Key, object: o})
	}
	scope := "ListObjectsV2/" + b.Name + "/" + prefix + "/" + delimiter + "/" + startAfter
	start := 0
	token := q.Get("continuation-token")
	if token != "" {
		off, err := core.DecodePageToken(scope, token, len(entries))
		if err != nil {
			return nil, invalidArgument("The continuation token provided is incorrect")
		}
		start = off
	}
	end := min(start+maxKeys, len(entries))
	esc := func(s string) string {
		if encode == "url" {
			return strings.ReplaceAll(url.QueryEscape(s), "%2F", "/")
		}
		return s
	}
	out := struct {
		XMLName               xml.Name    `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
		Name                  string      `xml:"Name"`
		Prefix                string      `xml:"Prefix"`
		Delimiter             string      `xml:"Delimiter,omitempty"`
		StartAfter            string      `xml:"StartAfter,omitempty"`
		EncodingType          string      `xml:"EncodingType,omitempty"`
		KeyCount              int         `xml:"KeyCount"`
		MaxKeys               int         `xml:"MaxKeys"`
		IsTruncated           bool        `xml:"IsTruncated"`
		ContinuationToken     string      `xml:"ContinuationToken,omitempty"`
		NextContinuationToken string      `xml:"NextContinuationToken,omitempty"`
		Contents              []objectOut `xml:"Contents"`
		CommonPrefixes        []prefixOut `xml:"CommonPrefixes"`
	}{Name: b.Name, Prefix: esc(prefix), Delimiter: esc(delimiter), StartAfter: esc(startAfter), EncodingType: encode,
		KeyCount: end - start, MaxKeys: maxKeys, ContinuationToken: token}
	if end < len(entries) {
		out.IsTruncated, out.NextContinuationToken = true, core.EncodePageToken(scope, end)
	}
	fetchOwner := q.Get("fetch-owner") == "true"
	for _, e := range entries[start:end] {
		if e.object == nil {
			out.CommonPrefixes = append(out.CommonPrefixes, prefixOut{esc(e.name)})
			continue
		}
		o := objectOut{Key: esc(e.name), LastModified: isoTime(e.object.Modified), ETag: e.object.ETag, Size: e.object.Size, StorageClass: "STANDARD"}
		if fetchOwner {
			o.Owner = &owner{canonicalUserID(b.Account)}
		}
		out.Contents = append(out.Contents, o)
	}
	return out, nil
}
