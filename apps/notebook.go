package apps

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/apps/squonkv2"
)

// The Squonk2 operator's defaults for a notebook (operator/handlers.py).
const (
	DefaultNotebookImage     = "jupyter/minimal-notebook:notebook-6.3.0"
	DefaultIngressClass      = "nginx"
	DefaultProxyBodySize     = "500m"
	DefaultServiceAccount    = "default"
	DefaultNotebookInterface = "lab"
	// ClassicInterface is the other interface: Jupyter's classic notebook.
	ClassicInterface = "classic"
	// NotebookPort is the port Jupyter listens on.
	NotebookPort = 8888
	// notebookFSGroup is the pod's fsGroup, whatever the spec says, as
	// the operator sets it.
	notebookFSGroup = int64(100)
	// notebookHome is where the project's claim is mounted.
	notebookHome = "/home/jovyan"
	// tokenLength is how many characters a notebook's token has.
	tokenLength = 16
	// configFile is the notebook's Jupyter configuration in its ConfigMap.
	configFile = "jupyter_notebook_config.json"
)

// The defaults of the security context, resources and node selection.
var (
	defaultRunAsUser  = int64(1000)
	defaultRunAsGroup = int64(100)
	defaultLimits     = squonkv2.ResourceList{CPU: "1", Memory: "1Gi"}
	defaultRequests   = squonkv2.ResourceList{CPU: "10m", Memory: "256Mi"}
	// DefaultNotebookNodeSelector is where the operator runs notebooks.
	DefaultNotebookNodeSelector = map[string]string{"informaticsmatters.com/purpose-application": markYes}
)

// NotebookSettings are the operator's settings that are not in a
// notebook's spec (the operator's environment: INGRESS_DOMAIN,
// INGRESS_TLS_SECRET, its ingress class and node selector).
type NotebookSettings struct {
	// IngressDomain is the host notebooks are reached at.
	IngressDomain string
	// IngressTLSSecret, when set, serves the host over HTTPS.
	IngressTLSSecret string
	// IngressClass is the Ingress class (DefaultIngressClass when empty).
	IngressClass string
	// NodeSelector selects the nodes notebooks run on
	// (DefaultNotebookNodeSelector when nil; empty for any node).
	NodeSelector map[string]string
}

// The names of a notebook's objects, as the operator names them.
func notebookConfigName(name string) string  { return "config-" + name }
func notebookProfileName(name string) string { return "bp-" + name }
func notebookStartupName(name string) string { return "startup-" + name }

// NewNotebookToken makes a token: 16 random letters and digits.
func NewNotebookToken() (string, error) {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	out := make([]byte, tokenLength)
	for i := range out {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", fmt.Errorf("making a notebook token: %w", err)
		}
		out[i] = alphabet[n.Int64()]
	}
	return string(out), nil
}

// notebookConfig is the Jupyter configuration of the notebook called
// name: its token, its base URL (its name, the Ingress's path) and every
// address.
type notebookConfig struct {
	ServerApp struct {
		Token   string `json:"token"`
		BaseURL string `json:"base_url"` //nolint:tagliatelle // Jupyter's setting
		IP      string `json:"ip"`
	} `json:"ServerApp"` //nolint:tagliatelle // Jupyter's section
}

// TokenOf reads the token from a notebook's configuration ConfigMap: the
// token is made once and reused when the notebook is rendered again.
func TokenOf(cm *corev1.ConfigMap) (string, bool) {
	var c notebookConfig
	if cm == nil || json.Unmarshal([]byte(cm.Data[configFile]), &c) != nil || c.ServerApp.Token == "" {
		return "", false
	}
	return c.ServerApp.Token, true
}

// NotebookURL is where the notebook called name is reached, with its
// token: http(s)://<domain>/<name>?token=<token>.
func NotebookURL(settings NotebookSettings, name, token string) string {
	scheme := "http"
	if settings.IngressTLSSecret != "" {
		scheme = "https"
	}
	return scheme + "://" + settings.IngressDomain + "/" + name + "?token=" + token
}

// dataManagerOf is the notebook's spec.imDataManager with the operator's
// defaults filled in.
func dataManagerOf(nb *squonkv2.JupyterNotebook) squonkv2.DataManager {
	dm := squonkv2.DataManager{}
	if nb.Spec.DataManager != nil {
		dm = *nb.Spec.DataManager.DeepCopy()
	}
	if dm.Image == "" {
		dm.Image = DefaultNotebookImage
	}
	if dm.IngressProxyBodySize == "" {
		dm.IngressProxyBodySize = DefaultProxyBodySize
	}
	if dm.ServiceAccountName == "" {
		dm.ServiceAccountName = DefaultServiceAccount
	}
	if dm.Notebook == nil || dm.Notebook.Interface == "" {
		dm.Notebook = &squonkv2.Notebook{Interface: DefaultNotebookInterface}
	}
	if dm.SecurityContext == nil {
		dm.SecurityContext = &squonkv2.SecurityContext{}
	}
	if dm.SecurityContext.RunAsUser == nil {
		dm.SecurityContext.RunAsUser = &defaultRunAsUser
	}
	if dm.SecurityContext.RunAsGroup == nil {
		dm.SecurityContext.RunAsGroup = &defaultRunAsGroup
	}
	if dm.Resources == nil {
		dm.Resources = &squonkv2.Resources{}
	}
	dm.Resources.Limits = withDefaults(dm.Resources.Limits, defaultLimits)
	dm.Resources.Requests = withDefaults(dm.Resources.Requests, defaultRequests)
	if dm.Project == nil {
		dm.Project = &squonkv2.Project{}
	}
	return dm
}

func withDefaults(r *squonkv2.ResourceList, defaults squonkv2.ResourceList) *squonkv2.ResourceList {
	out := defaults
	if r != nil {
		if r.CPU != "" {
			out.CPU = r.CPU
		}
		if r.Memory != "" {
			out.Memory = r.Memory
		}
		out.Storage = r.Storage
	}
	return &out
}

// pullPolicyOf is Always for an image whose tag is latest, stable or
// missing, as the operator does; IfNotPresent otherwise.
func pullPolicyOf(image string) corev1.PullPolicy {
	name := image[strings.LastIndex(image, "/")+1:]
	_, tag, tagged := strings.Cut(name, ":")
	if !tagged || tag == "latest" || tag == "stable" {
		return corev1.PullAlways
	}
	return corev1.PullIfNotPresent
}

// podLabelsOf are the labels "key=value" of spec.imDataManager.labels;
// malformed ones are left out.
func podLabelsOf(labels []string) map[string]string {
	out := map[string]string{}
	for _, l := range labels {
		if k, v, ok := strings.Cut(l, "="); ok && k != "" {
			out[k] = v
		}
	}
	return out
}

func quantities(r *squonkv2.ResourceList) corev1.ResourceList {
	out := corev1.ResourceList{}
	for name, v := range map[corev1.ResourceName]string{corev1.ResourceCPU: r.CPU, corev1.ResourceMemory: r.Memory} {
		if q, err := resource.ParseQuantity(v); err == nil && v != "" {
			out[name] = q
		}
	}
	return out
}

// NotebookObjects are what the Squonk2 operator renders for the notebook
// nb with token: the ConfigMaps config-<name> (the Jupyter configuration
// with the token), bp-<name> (.bash_profile) and startup-<name>
// (start.sh); the Deployment <name> (one replica, Recreate, the notebook
// container on port 8888 with the security context, the project's claim
// at /home/jovyan with the project id as sub path); the Service <name>;
// and the Ingress <name> on the path /<name>. Every object is labelled
// app=<name>.
func NotebookObjects(nb *squonkv2.JupyterNotebook, settings NotebookSettings, token string) ([]client.Object, error) {
	name, ns := nb.Name, nb.Namespace
	dm := dataManagerOf(nb)
	labels := map[string]string{"app": name}
	meta := func(objName string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: objName, Namespace: ns, Labels: maps.Clone(labels)}
	}
	var config notebookConfig
	config.ServerApp.Token, config.ServerApp.BaseURL, config.ServerApp.IP = token, name, "0.0.0.0"
	configJSON, err := json.MarshalIndent(config, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("the notebook's configuration: %w", err)
	}
	command := "jupyter lab"
	if dm.Notebook.Interface == ClassicInterface {
		command = "jupyter notebook"
	}
	configMap := func(objName, file, content string) client.Object {
		return &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: meta(objName),
			Data: map[string]string{file: content}}
	}
	out := make([]client.Object, 0, 6)
	out = append(out,
		configMap(notebookConfigName(name), configFile, string(configJSON)),
		configMap(notebookProfileName(name), ".bash_profile", "# Written by the notebook operator.\nif [ -f ~/.bashrc ]; then . ~/.bashrc; fi\n"),
		configMap(notebookStartupName(name), "start.sh", "#!/bin/bash\n# Written by the notebook operator.\nif [ -d /home/code/copy-to-startup ]; then cp -r /home/code/copy-to-startup/. \"$HOME/..\"; fi\nexec "+command+" --config=/etc/jupyter/"+configFile+"\n"),
	)

	podLabels := podLabelsOf(dm.Labels)
	podLabels["app"], podLabels["deployment"] = name, name
	env := []corev1.EnvVar{{Name: "HOME", Value: notebookHome + "/." + name}, {Name: "DM_PROJECT_ID", Value: dm.Project.ID}}
	if dm.Notebook.Interface != ClassicInterface {
		env = append(env, corev1.EnvVar{Name: "JUPYTER_ENABLE_LAB", Value: "true"})
	}
	for _, key := range slices.Sorted(maps.Keys(podLabels)) {
		switch {
		case strings.HasSuffix(key, "/owner"):
			env = append(env, corev1.EnvVar{Name: "DM_INSTANCE_OWNER", Value: podLabels[key]})
		case strings.HasSuffix(key, "/instance-id"):
			env = append(env, corev1.EnvVar{Name: "DM_INSTANCE_ID", Value: podLabels[key]})
		}
	}
	mode := int32(0o755)
	volumes := []corev1.Volume{
		{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: notebookConfigName(name)}}}},
		{Name: "profile", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: notebookProfileName(name)}}}},
		{Name: "startup", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: notebookStartupName(name)}, DefaultMode: &mode}}},
	}
	mounts := []corev1.VolumeMount{
		{Name: "config", MountPath: "/etc/jupyter/" + configFile, SubPath: configFile},
		{Name: "profile", MountPath: notebookHome + "/." + name + "/.bash_profile", SubPath: ".bash_profile"},
		{Name: "startup", MountPath: "/usr/local/bin/start-notebook.sh", SubPath: "start.sh"},
	}
	if dm.Project.ClaimName != "" {
		volumes = append(volumes, corev1.Volume{Name: "project", VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: dm.Project.ClaimName}}})
		mounts = append(mounts, corev1.VolumeMount{Name: "project", MountPath: notebookHome, SubPath: dm.Project.ID})
	}
	nodeSelector := settings.NodeSelector
	if nodeSelector == nil {
		nodeSelector = DefaultNotebookNodeSelector
	}
	fsGroup := notebookFSGroup
	replicas := int32(1)
	deployment := &appsv1.Deployment{
		TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"}, ObjectMeta: meta(name),
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas, Strategy: appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType},
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"deployment": name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: podLabels},
				Spec: corev1.PodSpec{
					ServiceAccountName: dm.ServiceAccountName, NodeSelector: maps.Clone(nodeSelector),
					SecurityContext: &corev1.PodSecurityContext{FSGroup: &fsGroup},
					Volumes:         volumes,
					Containers: []corev1.Container{{
						Name: "notebook", Image: dm.Image, ImagePullPolicy: pullPolicyOf(dm.Image),
						Command: []string{"/usr/local/bin/start-notebook.sh"},
						Ports:   []corev1.ContainerPort{{Name: "8888-tcp", ContainerPort: NotebookPort, Protocol: corev1.ProtocolTCP}},
						Env:     env,
						Resources: corev1.ResourceRequirements{
							Limits: quantities(dm.Resources.Limits), Requests: quantities(dm.Resources.Requests),
						},
						SecurityContext: &corev1.SecurityContext{RunAsUser: dm.SecurityContext.RunAsUser, RunAsGroup: dm.SecurityContext.RunAsGroup},
						VolumeMounts:    mounts,
					}},
				},
			},
		},
	}
	service := &corev1.Service{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Service"}, ObjectMeta: meta(name),
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{"deployment": name},
			Ports:    []corev1.ServicePort{{Name: "8888-tcp", Port: NotebookPort, TargetPort: intstr.FromInt32(NotebookPort), Protocol: corev1.ProtocolTCP}},
		},
	}
	class := settings.IngressClass
	if class == "" {
		class = DefaultIngressClass
	}
	prefix := networkingv1.PathTypePrefix
	ingress := &networkingv1.Ingress{
		TypeMeta: metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"}, ObjectMeta: meta(name),
		Spec: networkingv1.IngressSpec{
			IngressClassName: &class,
			Rules: []networkingv1.IngressRule{{Host: settings.IngressDomain, IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
				Paths: []networkingv1.HTTPIngressPath{{Path: "/" + name, PathType: &prefix, Backend: networkingv1.IngressBackend{
					Service: &networkingv1.IngressServiceBackend{Name: name, Port: networkingv1.ServiceBackendPort{Number: NotebookPort}},
				}}},
			}}}},
		},
	}
	ingress.Annotations = map[string]string{"nginx.ingress.kubernetes.io/proxy-body-size": dm.IngressProxyBodySize}
	if settings.IngressTLSSecret != "" {
		ingress.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{settings.IngressDomain}, SecretName: settings.IngressTLSSecret}}
	}
	return append(out, deployment, service, ingress), nil
}

// NotebookStatus is what the operator writes at status.jupyter once the
// notebook's objects are made.
func NotebookStatus(nb *squonkv2.JupyterNotebook, settings NotebookSettings, token string) *squonkv2.JupyterStatus {
	dm := dataManagerOf(nb)
	return &squonkv2.JupyterStatus{
		Notebook:           &squonkv2.NotebookStatus{URL: NotebookURL(settings, nb.Name, token), Token: token, Interface: dm.Notebook.Interface},
		Image:              dm.Image,
		ServiceAccountName: dm.ServiceAccountName,
		Resources:          dm.Resources,
		Project:            dm.Project,
	}
}
