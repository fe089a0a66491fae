package awscloud

// WithoutAdaptiveLimits makes p retry as before the adaptive limits (a fresh
// standard retryer per client, nothing shared), for tests that compare.
func (p *Provider) WithoutAdaptiveLimits() { p.limiters = nil }

// AdaptiveLimiters is the number of (account, region, service) limiters held.
func (p *Provider) AdaptiveLimiters() int {
	if p.limiters == nil {
		return 0
	}
	return p.limiters.size()
}
