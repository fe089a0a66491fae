// Package temporalx builds Temporal client options shared by the worker, the
// starter and the tests: address, namespace, API key, TLS, logging, and the data
// converter whose codec compresses mapped batches in history.
package temporalx

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	tlog "go.temporal.io/sdk/log"

	"github.com/aws-port-sync/aws-port-sync/internal/config"
)

// DataConverter is the JSON converter with zlib compression: entity batches are
// repetitive JSON and shrink several times, keeping payloads far from the limits.
// Every client and worker of a namespace must use the same one.
func DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), Codec())
}

// Codec is the payload codec, exposed for the codec server the Web UI and the
// CLI use to show compressed payloads.
func Codec() converter.PayloadCodec {
	return sizeThresholdCodec{inner: converter.NewZlibCodec(converter.ZlibCodecOptions{}), minBytes: compressFrom}
}

// ClientOptions turns Temporal's standard settings (TEMPORAL_* env) into client
// options; TLS is on when any TLS file or an API key is given (API keys require
// TLS on Temporal Cloud).
func ClientOptions(s config.Temporal, logger *slog.Logger) (client.Options, error) {
	opts := client.Options{
		HostPort:      s.Address,
		Namespace:     s.Namespace,
		DataConverter: DataConverter(),
	}
	if logger != nil {
		opts.Logger = tlog.NewStructuredLogger(logger)
	}
	if s.APIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(s.APIKey)
	}
	tlsConfig, err := tlsConfig(s)
	if err != nil {
		return opts, err
	}
	opts.ConnectionOptions.TLS = tlsConfig
	return opts, nil
}

func tlsConfig(s config.Temporal) (*tls.Config, error) {
	if s.TLSCertPath == "" && s.TLSKeyPath == "" && s.TLSCAPath == "" && s.APIKey == "" {
		return nil, nil
	}
	cfg := &tls.Config{ServerName: s.TLSServerName, MinVersion: tls.VersionTLS12}
	if s.TLSCertPath != "" || s.TLSKeyPath != "" {
		if s.TLSCertPath == "" || s.TLSKeyPath == "" {
			return nil, fmt.Errorf("TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together")
		}
		cert, err := tls.LoadX509KeyPair(s.TLSCertPath, s.TLSKeyPath)
		if err != nil {
			return nil, fmt.Errorf("load Temporal client certificate (TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY): %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if s.TLSCAPath != "" {
		pem, err := os.ReadFile(s.TLSCAPath)
		if err != nil {
			return nil, fmt.Errorf("read Temporal CA (TEMPORAL_TLS_CA): %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TEMPORAL_TLS_CA %s holds no PEM certificate", s.TLSCAPath)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}
