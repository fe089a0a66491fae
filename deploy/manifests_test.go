package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/aws-port-sync/aws-port-sync/internal/config"
)

// objects are the rendered manifests decoded strictly into the k8s.io/api
// types: an unknown field, a duplicate key or a wrong type fails the test, as
// it would fail `kubectl apply --validate=strict` (and a real API server
// keeps only one of two duplicate keys, silently).
type objects struct {
	namespace       string
	deployments     map[string]*appsv1.Deployment
	jobs            map[string]*batchv1.Job
	secrets         map[string]*corev1.Secret
	configMaps      map[string]*corev1.ConfigMap
	serviceAccounts map[string]*corev1.ServiceAccount
	hooks           map[string]bool // "Kind/name" of hook objects
}

func decodeStrict(t *testing.T, r *rendered) *objects {
	t.Helper()
	o := &objects{
		namespace:   r.install.namespace,
		deployments: map[string]*appsv1.Deployment{}, jobs: map[string]*batchv1.Job{},
		secrets: map[string]*corev1.Secret{}, configMaps: map[string]*corev1.ConfigMap{},
		serviceAccounts: map[string]*corev1.ServiceAccount{}, hooks: map[string]bool{},
	}
	seen := map[string]bool{}
	for _, d := range r.docs() {
		var head metav1.TypeMeta
		if err := yaml.Unmarshal([]byte(d.text), &head); err != nil {
			t.Fatalf("%s is not YAML: %v\n%s", d.source, err, d.text)
		}
		var target any
		var meta *metav1.ObjectMeta
		switch head.APIVersion + "/" + head.Kind {
		case "apps/v1/Deployment":
			x := &appsv1.Deployment{}
			target, meta = x, &x.ObjectMeta
		case "batch/v1/Job":
			x := &batchv1.Job{}
			target, meta = x, &x.ObjectMeta
		case "v1/Secret":
			x := &corev1.Secret{}
			target, meta = x, &x.ObjectMeta
		case "v1/ConfigMap":
			x := &corev1.ConfigMap{}
			target, meta = x, &x.ObjectMeta
		case "v1/ServiceAccount":
			x := &corev1.ServiceAccount{}
			target, meta = x, &x.ObjectMeta
		default:
			t.Fatalf("%s renders %s %s, which the tests do not know", d.source, head.APIVersion, head.Kind)
		}
		if err := yaml.UnmarshalStrict([]byte(d.text), target); err != nil {
			t.Fatalf("%s does not decode strictly into %s: %v\n%s", d.source, head.Kind, err, d.text)
		}
		key := head.Kind + "/" + meta.Name
		if seen[key] {
			t.Fatalf("%s rendered twice", key)
		}
		seen[key] = true
		if d.hook {
			o.hooks[key] = true
		}
		withNS := meta.DeepCopy()
		withNS.Namespace = o.namespace
		check(t, key, apivalidation.ValidateObjectMeta(withNS, true, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata")))
		switch x := target.(type) {
		case *appsv1.Deployment:
			o.deployments[meta.Name] = x
			sel, err := metav1.LabelSelectorAsSelector(x.Spec.Selector)
			if err != nil || sel.Empty() || !sel.Matches(labels.Set(x.Spec.Template.Labels)) {
				t.Errorf("%s: selector %v does not select its pod template's labels %v (%v)", key, x.Spec.Selector, x.Spec.Template.Labels, err)
			}
			checkPod(t, key, &x.Spec.Template, nil)
		case *batchv1.Job:
			o.jobs[meta.Name] = x
			// The Job controller labels its pods with the Job's name: a name that
			// is no label value is rejected by the API server.
			checkPod(t, key, &x.Spec.Template, map[string]string{
				"batch.kubernetes.io/job-name": meta.Name, "job-name": meta.Name,
				"batch.kubernetes.io/controller-uid": "8f7b3c1e-2d4a-4b6c-9e0f-1a2b3c4d5e6f",
			})
		case *corev1.Secret:
			o.secrets[meta.Name] = x
			for k := range x.Data {
				checkMsgs(t, key+" key "+k, validation.IsConfigMapKey(k))
			}
		case *corev1.ConfigMap:
			o.configMaps[meta.Name] = x
			for k := range x.Data {
				checkMsgs(t, key+" key "+k, validation.IsConfigMapKey(k))
			}
		case *corev1.ServiceAccount:
			o.serviceAccounts[meta.Name] = x
		}
	}
	return o
}

// checkPod applies the rules the API server checks on names and labels.
func checkPod(t *testing.T, owner string, tpl *corev1.PodTemplateSpec, controllerLabels map[string]string) {
	t.Helper()
	lbls := map[string]string{}
	for k, v := range tpl.Labels {
		lbls[k] = v
	}
	for k, v := range controllerLabels {
		lbls[k] = v
	}
	path := field.NewPath("spec", "template", "metadata")
	check(t, owner, metavalidation.ValidateLabels(lbls, path.Child("labels")))
	check(t, owner, apivalidation.ValidateAnnotations(tpl.Annotations, path.Child("annotations")))
	spec := tpl.Spec
	if spec.ServiceAccountName != "" {
		checkMsgs(t, owner+" serviceAccountName", validation.IsDNS1123Subdomain(spec.ServiceAccountName))
	}
	volumes := map[string]bool{}
	for _, v := range spec.Volumes {
		checkMsgs(t, owner+" volume "+v.Name, validation.IsDNS1123Label(v.Name))
		volumes[v.Name] = true
	}
	for _, c := range spec.Containers {
		checkMsgs(t, owner+" container "+c.Name, validation.IsDNS1123Label(c.Name))
		names := map[string]bool{}
		for _, e := range c.Env {
			checkMsgs(t, owner+" env "+e.Name, validation.IsEnvVarName(e.Name))
			if names[e.Name] {
				t.Errorf("%s: env %s set twice", owner, e.Name)
			}
			names[e.Name] = true
			if e.Value != "" && e.ValueFrom != nil {
				t.Errorf("%s: env %s has both value and valueFrom", owner, e.Name)
			}
		}
		for _, m := range c.VolumeMounts {
			if !volumes[m.Name] {
				t.Errorf("%s: mount %s names no volume", owner, m.Name)
			}
		}
	}
}

func check(t *testing.T, what string, errs field.ErrorList) {
	t.Helper()
	for _, err := range errs {
		t.Errorf("%s: the API server would reject it: %v", what, err)
	}
}

func checkMsgs(t *testing.T, what string, msgs []string) {
	t.Helper()
	for _, m := range msgs {
		t.Errorf("%s: the API server would reject it: %s", what, m)
	}
}

// deployment is the worker Deployment (the chart has one).
func (o *objects) deployment(t *testing.T) *appsv1.Deployment {
	t.Helper()
	if len(o.deployments) != 1 {
		t.Fatalf("want one Deployment, got %d", len(o.deployments))
	}
	for _, d := range o.deployments {
		return d
	}
	return nil
}

// scheduleJob is the hook Job that runs `starter ensure`.
func (o *objects) scheduleJob(t *testing.T) *batchv1.Job {
	t.Helper()
	if len(o.jobs) != 1 {
		t.Fatalf("want one Job, got %d", len(o.jobs))
	}
	for _, j := range o.jobs {
		return j
	}
	return nil
}

// container is what one container sees: its environment, with secretKeyRefs,
// fieldRefs and $(VAR) references resolved as the kubelet does, and the files
// mounted from the rendered Secrets and ConfigMaps.
type container struct {
	env   map[string]string
	refs  map[string]*corev1.EnvVarSource // variables that come from a Secret
	files map[string]string               // mount path → content
}

func (o *objects) container(t *testing.T, spec corev1.PodSpec, podName string) container {
	t.Helper()
	c := spec.Containers[0]
	out := container{env: map[string]string{}, refs: map[string]*corev1.EnvVarSource{}, files: map[string]string{}}
	ref := regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			out.env[e.Name] = ref.ReplaceAllStringFunc(e.Value, func(m string) string {
				if v, ok := out.env[m[2:len(m)-1]]; ok {
					return v
				}
				return m
			})
		case e.ValueFrom.SecretKeyRef != nil:
			out.refs[e.Name] = e.ValueFrom
			s, ok := o.secrets[e.ValueFrom.SecretKeyRef.Name]
			if !ok {
				continue // an existing Secret, not rendered by the chart
			}
			v, ok := s.Data[e.ValueFrom.SecretKeyRef.Key]
			if !ok {
				t.Errorf("env %s: Secret %s has no key %s", e.Name, s.Name, e.ValueFrom.SecretKeyRef.Key)
			}
			out.env[e.Name] = string(v)
		case e.ValueFrom.FieldRef != nil:
			switch e.ValueFrom.FieldRef.FieldPath {
			case "metadata.name":
				out.env[e.Name] = podName
			case "metadata.namespace":
				out.env[e.Name] = o.namespace
			default:
				t.Errorf("env %s: field %s", e.Name, e.ValueFrom.FieldRef.FieldPath)
			}
		default:
			t.Errorf("env %s: unexpected source %v", e.Name, e.ValueFrom)
		}
	}
	volumes := map[string]corev1.Volume{}
	for _, v := range spec.Volumes {
		volumes[v.Name] = v
	}
	for _, m := range c.VolumeMounts {
		v := volumes[m.Name]
		data := map[string]string{}
		var items []corev1.KeyToPath
		switch {
		case v.Secret != nil:
			s, ok := o.secrets[v.Secret.SecretName]
			if !ok {
				continue
			}
			for k, b := range s.Data {
				data[k] = string(b)
			}
			items = v.Secret.Items
		case v.ConfigMap != nil:
			cm, ok := o.configMaps[v.ConfigMap.Name]
			if !ok {
				t.Errorf("volume %s: ConfigMap %s is not rendered", v.Name, v.ConfigMap.Name)
				continue
			}
			data = cm.Data
			items = v.ConfigMap.Items
		default:
			continue
		}
		if items == nil {
			for k, s := range data {
				out.files[m.MountPath+"/"+k] = s
			}
			continue
		}
		for _, it := range items {
			content, ok := data[it.Key]
			if !ok {
				t.Errorf("volume %s: item key %s is not in its source", v.Name, it.Key)
			}
			out.files[m.MountPath+"/"+it.Path] = content
		}
	}
	return out
}

// workerConfig loads the container's environment with the worker's own
// configuration loader and validator, mounted files written under a
// temporary root: what the pod would start with, or why it would not.
func (c container) workerConfig(t *testing.T) (*config.Config, error) {
	t.Helper()
	root := t.TempDir()
	moved := map[string]string{}
	for p, content := range c.files {
		dst := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		moved[p] = dst
	}
	env := map[string]string{}
	for k, v := range c.env {
		if dst, ok := moved[v]; ok {
			v = dst
		}
		env[k] = v
	}
	cfg, err := config.Load(func(k string) string { return env[k] }, "")
	if err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

// secretEnv are the variables that may only come from a Secret.
func secretEnv() []string {
	names := []string{"OCEAN__PORT__CLIENT_ID", "OCEAN__PORT__CLIENT_SECRET", "TEMPORAL_API_KEY", "OTEL_EXPORTER_OTLP_HEADERS"}
	for _, s := range config.IntegrationSettings {
		if s.Secret {
			names = append(names, s.Env())
		}
	}
	return names
}

// checkSecretsOnlyInSecrets: secret variables come through secretKeyRef, and
// no secret value appears anywhere in plain text (env values, ConfigMaps, notes).
func checkSecretsOnlyInSecrets(t *testing.T, r *rendered, o *objects, secretValues []string) {
	t.Helper()
	for _, spec := range o.podSpecs() {
		for _, e := range spec.Containers[0].Env {
			for _, name := range secretEnv() {
				if e.Name == name && (e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil) {
					t.Errorf("%s must come from a secretKeyRef, not %+v", name, e)
				}
			}
		}
	}
	text := r.all()
	for _, s := range secretValues {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("secret value %q appears in plain text in the rendered chart", s)
		}
	}
	for name, cm := range o.configMaps {
		for k, v := range cm.Data {
			for _, s := range secretValues {
				if s != "" && strings.Contains(v, s) {
					t.Errorf("ConfigMap %s key %s holds a secret", name, k)
				}
			}
		}
	}
}

func (o *objects) podSpecs() map[string]corev1.PodSpec {
	out := map[string]corev1.PodSpec{}
	for n, d := range o.deployments {
		out["Deployment/"+n] = d.Spec.Template.Spec
	}
	for n, j := range o.jobs {
		out["Job/"+n] = j.Spec.Template.Spec
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func describe(o *objects) string {
	var parts []string
	for _, k := range sortedKeys(o.deployments) {
		parts = append(parts, "Deployment/"+k)
	}
	for _, k := range sortedKeys(o.jobs) {
		parts = append(parts, "Job/"+k)
	}
	for _, k := range sortedKeys(o.secrets) {
		parts = append(parts, "Secret/"+k)
	}
	for _, k := range sortedKeys(o.configMaps) {
		parts = append(parts, "ConfigMap/"+k)
	}
	for _, k := range sortedKeys(o.serviceAccounts) {
		parts = append(parts, "ServiceAccount/"+k)
	}
	return fmt.Sprint(parts)
}
