package awscloud

import (
	"testing"
	"time"
)

// Limiters are kept per (account, region, service) and dropped once idle, so
// memory follows the scopes recently called, not every scope ever called.
func TestAdaptiveLimitersKeyedAndDroppedWhenIdle(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	l := newAdaptiveLimiters()
	l.now = func() time.Time { return now }
	a := l.get(limiterKey{"111111111111", "us-east-1", "EC2"})
	if l.get(limiterKey{"111111111111", "us-east-1", "EC2"}) != a {
		t.Fatal("same scope, different limiter")
	}
	for _, k := range []limiterKey{{"111111111111", "eu-west-1", "EC2"}, {"111111111111", "us-east-1", "S3"}, {"222222222222", "us-east-1", "EC2"}} {
		if l.get(k) == a {
			t.Fatalf("%v shares the limiter of another scope", k)
		}
	}
	now = now.Add(limiterIdle / 2)
	l.get(limiterKey{"111111111111", "us-east-1", "EC2"}) // keeps this one in use
	now = now.Add(limiterIdle/2 + time.Minute)
	l.get(limiterKey{"333333333333", "us-east-1", "EC2"})
	if n := l.size(); n != 2 {
		t.Fatalf("%d limiters after the idle ones expired, want 2 (the one in use and the new one)", n)
	}
	if l.get(limiterKey{"111111111111", "us-east-1", "EC2"}) != a {
		t.Fatal("a limiter in use was dropped")
	}
}
