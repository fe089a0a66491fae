package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretsNeverPrint(t *testing.T) {
	cfg := loadValid(t, map[string]string{
		"OCEAN__PORT__CLIENT_SECRET":                        "port-client-secret-value",
		"OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID":     "AKIAABCDEFGHWXYZ",
		"OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY": "aws-secret-key-value",
		"OCEAN__INTEGRATION__CONFIG__AWS_SESSION_TOKEN":     "aws-session-token-value",
		"TEMPORAL_API_KEY":                                  "temporal-api-key-value",
		"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN":      "arn:aws:iam::123456789012:role/Org",
	})
	secrets := []string{"port-client-secret-value", "AKIAABCDEFGHWXYZ", "aws-secret-key-value", "aws-session-token-value", "temporal-api-key-value"}

	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	logger.Info("config", "config", cfg, "value", *cfg, "port", cfg.Port, "aws", cfg.AWS, "temporal", cfg.Temporal)
	var text bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("config", "config", cfg)
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	portJS, _ := json.Marshal(cfg.Port)
	awsJS, _ := json.Marshal(cfg.AWS)
	temporalJS, _ := json.Marshal(cfg.Temporal)
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", cfg), "%+v": fmt.Sprintf("%+v", *cfg), "%#v": fmt.Sprintf("%#v", *cfg),
		"%s": fmt.Sprint(cfg), "port %+v": fmt.Sprintf("%+v %#v", cfg.Port, cfg.Port),
		"aws %+v": fmt.Sprintf("%+v %#v", cfg.AWS, cfg.AWS), "temporal %+v": fmt.Sprintf("%+v %#v", cfg.Temporal, cfg.Temporal),
		"slog json": logs.String(), "slog text": text.String(), "json": string(js),
		"json parts": string(portJS) + string(awsJS) + string(temporalJS),
	}
	for name, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s leaks %q:\n%s", name, s, out)
			}
		}
		if !strings.Contains(out, "[REDACTED]") {
			t.Errorf("%s shows no redaction marker:\n%s", name, out)
		}
	}
	// Non-secret settings stay visible, and the key id keeps its last 4 characters.
	for _, want := range []string{"arn:aws:iam::123456789012:role/Org", "my-aws-v3-integration", "WXYZ"} {
		if !strings.Contains(logs.String(), want) || !strings.Contains(outputs["%v"], want) {
			t.Errorf("%q missing from the redacted output", want)
		}
	}
	// Redaction works on copies: the config itself keeps its secrets.
	if cfg.Port.ClientSecret != "port-client-secret-value" || cfg.AWS.SecretAccessKey != "aws-secret-key-value" {
		t.Error("redaction changed the original")
	}
}
