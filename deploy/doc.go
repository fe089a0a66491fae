// Package deploy holds the Helm chart, Dockerfile and IAM templates; its tests keep them honest without helm.
package deploy
