package awscloud

import (
	"encoding/base64"
	"encoding/json"
)

// EncodeToken makes a page token of a kind's own cursor v: its JSON in
// unpadded URL-safe base64.
func EncodeToken(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeToken reads a token EncodeToken made into v; "" leaves v as it is.
func DecodeToken(token string, v any) error {
	if token == "" {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
