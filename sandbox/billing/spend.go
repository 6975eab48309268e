package billing

import (
	"hash/fnv"
	"math"
	"strings"
	"time"
)

// The spend model: what each account costs a day, in USD, as a pure function
// of the scenario (the seed), the account and the day. Nothing is stored, so
// a view of any past day is the same every time it is asked.
//
//	production  $40 a day    staging  $12    dev  $5 (weekends 60%)
//	foundation  $1.50        other    $8     clean management account $0.04
//	an account running workloads (dirty-management's founder account) $55
//
// Each account has its own size (0.8 to 1.2 times its environment's figure)
// and each day its own noise (0.9 to 1.1), so production stays above staging
// above dev for every account and day. A runaway account (existing-org's
// payments-dev) grows 40% a day from RunawaySince, to at most $300 a day.
const (
	prodDaily       = 40.0
	stagingDaily    = 12.0
	devDaily        = 5.0
	foundationDaily = 1.5
	otherDaily      = 8.0
	cleanMgmtDaily  = 0.04
	workloadsDaily  = 55.0
	runawayGrowth   = 1.4
	runawayCap      = 300.0
)

// Environments the model tells apart.
const (
	EnvProd       = "prod"
	EnvStaging    = "staging"
	EnvDev        = "dev"
	EnvFoundation = "foundation"
	EnvOther      = "other"
)

var envWords = map[string]string{
	"prod": EnvProd, "production": EnvProd, "prd": EnvProd, "live": EnvProd,
	"staging": EnvStaging, "stage": EnvStaging, "stg": EnvStaging, "uat": EnvStaging, "preprod": EnvStaging,
	"dev": EnvDev, "development": EnvDev, "test": EnvDev, "sandbox": EnvDev,
}

var foundationWords = map[string]bool{"security": true, "infrastructure": true, "log-archive": true, "audit": true,
	"security-tooling": true, "network": true, "shared-services": true, "backup": true, "suspended": true}

// Environment is the environment the model gives an account: from its OU
// path (Workloads/prod/eu) first, else from its name (payments-prod-eu).
func Environment(a Account) string {
	for _, seg := range strings.Split(strings.ToLower(a.OUPath), "/") {
		if env, ok := envWords[seg]; ok {
			return env
		}
	}
	if a.OUPath != "" && foundationWords[strings.ToLower(strings.SplitN(a.OUPath, "/", 2)[0])] {
		return EnvFoundation
	}
	name := strings.ToLower(a.Name)
	if foundationWords[name] {
		return EnvFoundation
	}
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		if env, ok := envWords[w]; ok {
			return env
		}
	}
	return EnvOther
}

// unit is a number in [0, 1) drawn from the seed and the parts.
func unit(seed string, parts ...string) float64 {
	h := fnv.New64a()
	h.Write([]byte(seed))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	// FNV's last bytes reach only its low bits; splitmix64's finalizer
	// spreads them over all 64, so two consecutive days differ.
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

// Daily is the account's spend on day (a UTC date), in USD, to the cent.
func Daily(seed string, a Account, day time.Time) float64 {
	return daily(seed, a, Environment(a), day)
}

// daily is Daily with the account's environment worked out once by the caller.
func daily(seed string, a Account, env string, day time.Time) float64 {
	day = day.UTC().Truncate(24 * time.Hour)
	return math.Round(mean(seed, a, env, day)*(0.9+0.2*unit(seed, a.ID, day.Format(time.DateOnly)))*100) / 100
}

// dailyMean is the model's figure before the day's noise: the forecast.
func dailyMean(seed string, a Account, day time.Time) float64 {
	return mean(seed, a, Environment(a), day)
}

func mean(seed string, a Account, env string, day time.Time) float64 {
	base := otherDaily
	switch {
	case a.Workloads:
		base = workloadsDaily
	case a.Management:
		base = cleanMgmtDaily
	case env == EnvProd:
		base = prodDaily
	case env == EnvStaging:
		base = stagingDaily
	case env == EnvDev:
		base = devDaily
	case env == EnvFoundation:
		base = foundationDaily
	}
	v := base * (0.8 + 0.4*unit(seed, a.ID))
	if since := a.RunawaySince.UTC().Truncate(24 * time.Hour); !a.RunawaySince.IsZero() && !day.Before(since) {
		// What runs away runs on weekends too.
		days := day.Sub(since).Hours() / 24
		return math.Min(v*math.Pow(runawayGrowth, days+1), runawayCap)
	}
	if (env == EnvDev || env == EnvStaging) && !a.Management && !a.Workloads {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			v *= 0.6
		}
	}
	return v
}
