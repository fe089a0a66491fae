package awsemu

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"strings"
	"sync"
	"time"
)

// Credentials are AWS credentials the emulator issued; SessionToken is set for
// temporary credentials only.
type Credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	Expiration                                 time.Time
}

// issuedKey binds one access key to exactly one account and principal, so a
// request signed with account A's key is served A's data.
type issuedKey struct {
	Credentials
	AccountID string
	Principal string
	Temporary bool
}

// keyStore has its own lock so STS can issue credentials while serving under
// the org read lock.
type keyStore struct {
	mu   sync.Mutex
	keys map[string]*issuedKey
	seq  uint64
}

func newKeyStore() *keyStore { return &keyStore{keys: map[string]*issuedKey{}} }

// keyAlphabet is the base32 alphabet real access key ids use (A-Z, 2-7).
var keyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// issue mints a new key pair. Keys are derived from a counter and the owner, so
// a run is reproducible, yet every key is unique within the store.
func (k *keyStore) issue(accountID, principal string, temporary bool, expiration time.Time) *issuedKey {
	k.mu.Lock()
	defer k.mu.Unlock()
	prefix := "AKIA"
	if temporary {
		prefix = "ASIA"
	}
	var id string
	for {
		k.seq++
		h := sha256.New()
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], k.seq)
		h.Write(n[:])
		h.Write([]byte(accountID + "|" + principal))
		sum := h.Sum(nil)
		id = prefix + keyEncoding.EncodeToString(sum)[:16]
		if _, taken := k.keys[id]; !taken {
			break
		}
	}
	secretSum := sha256.Sum256([]byte("secret|" + id))
	ik := &issuedKey{
		Credentials: Credentials{
			AccessKeyID:     id,
			SecretAccessKey: base64.RawStdEncoding.EncodeToString(secretSum[:])[:40],
		},
		AccountID: accountID,
		Principal: principal,
		Temporary: temporary,
	}
	if temporary {
		tokSum := sha256.Sum256([]byte("token|" + id))
		tokSum2 := sha256.Sum256(tokSum[:])
		// Real session tokens are long opaque base64 strings starting "IQoJb3JpZ2lu".
		ik.SessionToken = "IQoJb3JpZ2luX2VjEMu" + base64.StdEncoding.EncodeToString(append(tokSum[:], tokSum2[:]...))
		ik.Expiration = expiration.UTC().Truncate(time.Second)
	}
	k.keys[id] = ik
	return ik
}

// register adds an existing key pair (e.g. a User in a hand-built Org).
func (k *keyStore) register(ik *issuedKey) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.keys[ik.AccessKeyID]; !ok {
		k.keys[ik.AccessKeyID] = ik
	}
}

func (k *keyStore) lookup(accessKeyID string) (*issuedKey, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	ik, ok := k.keys[accessKeyID]
	if !ok {
		return nil, false
	}
	cp := *ik
	return &cp, true
}

// DefaultSessionTTL is the lifetime of credentials issued with ttl 0 (AWS's default hour).
const DefaultSessionTTL = time.Hour

// IssueCredentials mints temporary credentials (with a session token) for
// principalARN in accountID, valid for ttl from the server clock (0 = one hour;
// a negative ttl yields already-expired credentials for tests).
func (s *Server) IssueCredentials(accountID, principalARN string, ttl time.Duration) Credentials {
	if ttl == 0 {
		ttl = DefaultSessionTTL
	}
	return s.keys.issue(accountID, principalARN, true, s.now().Add(ttl)).Credentials
}

// StaticCredentials creates (or returns) the long-term access key of IAM user
// userName in accountID and records the user in the account. It takes the org
// write lock: do not call it from inside Update or View.
func (s *Server) StaticCredentials(accountID, userName string) Credentials {
	s.mu.Lock()
	defer s.mu.Unlock()
	partition := s.org.Partition
	if partition == "" {
		partition = "aws"
	}
	principal := "arn:" + partition + ":iam::" + accountID + ":user/" + userName
	acct := s.org.Accounts[accountID]
	if acct != nil {
		for _, u := range acct.Users {
			if u.Name == userName {
				s.keys.register(&issuedKey{
					Credentials: Credentials{AccessKeyID: u.AccessKeyID, SecretAccessKey: u.SecretAccessKey},
					AccountID:   accountID, Principal: principal,
				})
				return Credentials{AccessKeyID: u.AccessKeyID, SecretAccessKey: u.SecretAccessKey}
			}
		}
	}
	ik := s.keys.issue(accountID, principal, false, time.Time{})
	if acct != nil {
		if acct.Users == nil {
			acct.Users = map[string]*User{}
		}
		acct.Users[ik.AccessKeyID] = &User{Name: userName, AccessKeyID: ik.AccessKeyID, SecretAccessKey: ik.SecretAccessKey}
	}
	return ik.Credentials
}

// ManagementCredentials are the static keys of user "admin" in the management account.
func (s *Server) ManagementCredentials() Credentials {
	var mgmt string
	s.View(func(org *Org) { mgmt = org.ManagementAccountID })
	return s.StaticCredentials(mgmt, "admin")
}

// resolveKey finds an issued key, falling back to users present in the org
// (a hand-built Org may carry users with their own keys). Caller must not hold s.mu.
func (s *Server) resolveKey(accessKeyID string) (*issuedKey, bool) {
	if ik, ok := s.keys.lookup(accessKeyID); ok {
		return ik, true
	}
	var found *issuedKey
	s.View(func(org *Org) {
		partition := org.Partition
		if partition == "" {
			partition = "aws"
		}
		for _, id := range sortedAccountIDs(org) {
			acct := org.Accounts[id]
			if u, ok := acct.Users[accessKeyID]; ok {
				found = &issuedKey{
					Credentials: Credentials{AccessKeyID: u.AccessKeyID, SecretAccessKey: u.SecretAccessKey},
					AccountID:   acct.ID,
					Principal:   "arn:" + partition + ":iam::" + acct.ID + ":user/" + u.Name,
				}
				return
			}
		}
	})
	if found == nil {
		return nil, false
	}
	s.keys.register(found)
	return found, true
}

// MintWebIdentityToken returns a JWT such as EKS projects into a pod: claims iss
// (https:// added when missing), sub, aud, iat, nbf and exp. The emulator does not
// check JWT signatures, so the signature part is a fixed placeholder.
func (s *Server) MintWebIdentityToken(issuer, subject, audience string, ttl time.Duration) string {
	if !strings.HasPrefix(issuer, "https://") && !strings.HasPrefix(issuer, "http://") {
		issuer = "https://" + issuer
	}
	if ttl == 0 {
		ttl = 24 * time.Hour
	}
	now := s.now()
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "awsemu", "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{
		"iss": issuer, "sub": subject, "aud": []string{audience},
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(ttl).Unix(),
	})
	enc := base64.RawURLEncoding
	return enc.EncodeToString(header) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString([]byte("awsemu-unsigned"))
}
