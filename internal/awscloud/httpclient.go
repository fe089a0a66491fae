package awscloud

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// readOnlyBodies hands the HTTP transport request bodies that can only be
// read and closed. smithy-go closes a request body as soon as the response
// headers arrive, and its body's WriteTo then answers io.EOF; net/http's
// writer may still be draining the body at that moment (one more read after
// Content-Length bytes, through io.Copy, which prefers WriteTo), takes the
// EOF for a failed request write and closes the connection while the response
// is being read: "use of closed network connection" on a 200. Against AWS,
// milliseconds away, that almost never happens; against a fast endpoint next
// door (a VPC endpoint, LocalStack, moto, our emulator) it cuts a few percent
// of larger responses, which the retryer then fetches again. Without WriteTo
// the drain goes through Read, whose EOF ends the copy cleanly. Nothing is
// copied or buffered.
type readOnlyBodies struct{ next aws.HTTPClient }

// newReadOnlyBodies wraps the loaded configuration's client; nil (no CA
// bundle, no client given) means the SDK's default one.
func newReadOnlyBodies(next aws.HTTPClient) aws.HTTPClient {
	if next == nil {
		next = awshttp.NewBuildableClient()
	}
	return readOnlyBodies{next: next}
}

func (c readOnlyBodies) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		r = r.WithContext(r.Context()) // shallow copy: the caller's request stays as it was
		r.Body = readCloserOnly{r.Body}
	}
	return c.next.Do(r)
}

// readCloserOnly exposes Read and Close, and nothing else of the body.
type readCloserOnly struct{ io.ReadCloser }
