package s3

import (
	"encoding/xml"
	"net/http"
	"strconv"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// LifecycleConfiguration is a bucket's lifecycle, kept as it was put.
type LifecycleConfiguration struct {
	XMLName xml.Name        `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LifecycleConfiguration" json:"-"`
	Rules   []LifecycleRule `xml:"Rule" json:"rules"`
}

// LifecycleRule is one lifecycle rule.
type LifecycleRule struct {
	ID     string  `xml:"ID,omitempty" json:"id,omitempty"`
	Prefix *string `xml:"Prefix" json:"prefix,omitempty"`
	// Filter is kept as the XML it came in (prefix, tag, size, and).
	Filter                         *rawXML       `xml:"Filter" json:"filter,omitempty"`
	Status                         string        `xml:"Status" json:"status"`
	Expiration                     *expiration   `xml:"Expiration" json:"expiration,omitempty"`
	Transitions                    []transition  `xml:"Transition" json:"transitions,omitempty"`
	NoncurrentVersionExpiration    *noncurrent   `xml:"NoncurrentVersionExpiration" json:"noncurrentVersionExpiration,omitempty"`
	NoncurrentVersionTransitions   []noncurrentT `xml:"NoncurrentVersionTransition" json:"noncurrentVersionTransitions,omitempty"`
	AbortIncompleteMultipartUpload *struct {
		DaysAfterInitiation int `xml:"DaysAfterInitiation" json:"daysAfterInitiation"`
	} `xml:"AbortIncompleteMultipartUpload" json:"abortIncompleteMultipartUpload,omitempty"`
}

type rawXML struct {
	Inner string `xml:",innerxml" json:"xml"`
}

type expiration struct {
	Days                      int    `xml:"Days,omitempty" json:"days,omitempty"`
	Date                      string `xml:"Date,omitempty" json:"date,omitempty"`
	ExpiredObjectDeleteMarker *bool  `xml:"ExpiredObjectDeleteMarker,omitempty" json:"expiredObjectDeleteMarker,omitempty"`
}

type transition struct {
	Days         *int   `xml:"Days,omitempty" json:"days,omitempty"`
	Date         string `xml:"Date,omitempty" json:"date,omitempty"`
	StorageClass string `xml:"StorageClass" json:"storageClass"`
}

type noncurrent struct {
	NoncurrentDays          int  `xml:"NoncurrentDays" json:"noncurrentDays"`
	NewerNoncurrentVersions *int `xml:"NewerNoncurrentVersions,omitempty" json:"newerNoncurrentVersions,omitempty"`
}

type noncurrentT struct {
	NoncurrentDays int    `xml:"NoncurrentDays" json:"noncurrentDays"`
	StorageClass   string `xml:"StorageClass" json:"storageClass"`
}

var storageClasses = map[string]int{"STANDARD_IA": 30, "ONEZONE_IA": 30, "INTELLIGENT_TIERING": 0, "GLACIER": 0,
	"DEEP_ARCHIVE": 0, "GLACIER_IR": 0}

func invalidArgument(msg string) *core.Error {
	return errf(http.StatusBadRequest, "InvalidArgument", msg)
}

// validLifecycle applies S3's checks of a lifecycle configuration.
func validLifecycle(l *LifecycleConfiguration) *core.Error {
	if len(l.Rules) == 0 || len(l.Rules) > 1000 {
		return malformedXML()
	}
	ids := map[string]bool{}
	for _, r := range l.Rules {
		if len(r.ID) > 255 {
			return invalidArgument("ID length should not exceed allowed limit of 255")
		}
		if r.ID != "" {
			if ids[r.ID] {
				return invalidArgument("Rule ID must be unique. Found same ID for more than one rule")
			}
			ids[r.ID] = true
		}
		if r.Status != "Enabled" && r.Status != "Disabled" {
			return malformedXML()
		}
		if r.Prefix != nil && r.Filter != nil {
			return malformedXML()
		}
		if r.Expiration == nil && len(r.Transitions) == 0 && r.NoncurrentVersionExpiration == nil &&
			len(r.NoncurrentVersionTransitions) == 0 && r.AbortIncompleteMultipartUpload == nil {
			return errf(http.StatusBadRequest, "InvalidRequest", "At least one action needs to be specified in a rule")
		}
		if e := r.Expiration; e != nil {
			set := 0
			for _, b := range []bool{e.Days != 0, e.Date != "", e.ExpiredObjectDeleteMarker != nil} {
				if b {
					set++
				}
			}
			if set != 1 {
				return malformedXML()
			}
			if e.Days < 0 {
				return invalidArgument("'Days' for Expiration action must be a positive integer")
			}
		}
		for _, t := range r.Transitions {
			least, ok := storageClasses[t.StorageClass]
			if !ok {
				return malformedXML()
			}
			if t.Days != nil && *t.Days < least {
				return invalidArgument("'Days' in Transition action must be greater than or equal to " + strconv.Itoa(least) +
					" for storageClass '" + t.StorageClass + "'")
			}
			if t.Days != nil && r.Expiration != nil && r.Expiration.Days != 0 && r.Expiration.Days <= *t.Days {
				return invalidArgument("'Days' in the Expiration action for filter must be greater than 'Days' in the Transition action")
			}
		}
		if n := r.NoncurrentVersionExpiration; n != nil && n.NoncurrentDays <= 0 {
			return invalidArgument("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")
		}
		if a := r.AbortIncompleteMultipartUpload; a != nil && a.DaysAfterInitiation <= 0 {
			return invalidArgument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")
		}
	}
	return nil
}

const transitionDefault = "all_storage_classes_128K"

func (s *Service) putLifecycle(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "PutBucketLifecycleConfiguration")
	if err != nil {
		return nil, err
	}
	var l LifecycleConfiguration
	if xml.Unmarshal(k.body, &l) != nil || l.XMLName.Local != "LifecycleConfiguration" {
		return nil, malformedXML()
	}
	if e := validLifecycle(&l); e != nil {
		return nil, e
	}
	b.Lifecycle = &l
	k.res.Changed = true
	k.res.Header.Set("X-Amz-Transition-Default-Minimum-Object-Size", transitionDefault)
	return nil, nil
}

func (s *Service) getLifecycle(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "GetBucketLifecycleConfiguration")
	if err != nil {
		return nil, err
	}
	if b.Lifecycle == nil {
		return nil, errf(http.StatusNotFound, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
	}
	k.res.Header.Set("X-Amz-Transition-Default-Minimum-Object-Size", transitionDefault)
	return b.Lifecycle, nil
}

func (s *Service) deleteLifecycle(k *call) (any, *core.Error) {
	b, err := s.bucketFor(k, "DeleteBucketLifecycle")
	if err != nil {
		return nil, err
	}
	b.Lifecycle = nil
	k.res.Changed, k.res.Status = true, http.StatusNoContent
	return nil, nil
}

// AbortUploadsRule is a lifecycle rule of the whole bucket that only aborts
// multipart uploads left incomplete days after they start: a scenario's
// bucket has it, as many a hand-made one does.
func AbortUploadsRule(id string, days int) LifecycleRule {
	r := LifecycleRule{ID: id, Filter: &rawXML{Inner: "<Prefix></Prefix>"}, Status: "Enabled"}
	r.AbortIncompleteMultipartUpload = &struct {
		DaysAfterInitiation int `xml:"DaysAfterInitiation" json:"daysAfterInitiation"`
	}{days}
	return r
}
