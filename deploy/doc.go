// Package deploy holds the Helm chart, Dockerfile, IAM templates and compose
// scripts. Its tests keep them honest with the real tools' libraries: Helm's
// engine renders the chart, k8s.io/api and apimachinery check the manifests,
// compose-go loads docker-compose.yml.
package deploy
