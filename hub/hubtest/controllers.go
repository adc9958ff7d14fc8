package hubtest

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// bindCompletedAnnotation is what the PV controller puts on a claim it
// bound.
const bindCompletedAnnotation = "pv.kubernetes.io/bind-completed"

// defaultStorageClassAnnotation marks the storage class PVCs without one get.
const defaultStorageClassAnnotation = "storageclass.kubernetes.io/is-default-class"

// builtinControllers are the parts of kube-controller-manager, the
// scheduler and the kubelet that tests of platform code lean on.
func builtinControllers() []Simulator {
	return []Simulator{
		SimulatorOf(deploymentController, schema.GroupKind{Group: appsv1.GroupName, Kind: "Deployment"}),
		SimulatorOf(claimBinder, schema.GroupKind{Kind: "PersistentVolumeClaim"}, schema.GroupKind{Kind: "PersistentVolume"}),
		SimulatorOf(podRunner, schema.GroupKind{Kind: "Pod"}),
		SimulatorOf(jobStarter, schema.GroupKind{Group: batchv1.GroupName, Kind: "Job"}),
		SimulatorOf(namespacePublisher, schema.GroupKind{Kind: "Namespace"}),
	}
}

// rootCAConfigMap is the ConfigMap kube-controller-manager's root-CA
// publisher puts into every namespace.
const rootCAConfigMap = "kube-root-ca.crt"

// fakeRootCA stands in for the cluster's CA bundle in rootCAConfigMap.
const fakeRootCA = "-----BEGIN CERTIFICATE-----\nhubtest fake cluster CA\n-----END CERTIFICATE-----\n"

// namespacePublisher puts into each new namespace what a real cluster's
// controllers put there: the root CA bundle (ConfigMap kube-root-ca.crt)
// and the ServiceAccount "default". Code and tests that list everything in
// a namespace see them on the fake as they do on a real cluster.
func namespacePublisher(ctx context.Context, f *Fake, ev Event) error {
	ns, ok := ev.Object.(*corev1.Namespace)
	if !ok || ev.Type != EventCreated {
		return nil
	}
	objs := []client.Object{
		&corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns.Name, Name: rootCAConfigMap},
			Data:       map[string]string{"ca.crt": fakeRootCA},
		},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: ns.Name, Name: "default"}},
	}
	for _, obj := range objs {
		err := f.Client().Create(ctx, obj)
		switch {
		case err == nil, apierrors.IsAlreadyExists(err):
		case apierrors.IsNotFound(err), apierrors.IsForbidden(err):
			// The namespace is gone or being deleted already: as on a real
			// cluster, there is nothing to publish into.
			return nil
		default:
			return fmt.Errorf("publishing %s into namespace %s: %w", obj.GetName(), ns.Name, err)
		}
	}
	return nil
}

// deploymentController reports every Deployment's replicas as updated,
// ready and available, as the deployment controller does once its pods run.
func deploymentController(ctx context.Context, f *Fake, ev Event) error {
	d, ok := ev.Object.(*appsv1.Deployment)
	if !ok || ev.Type == EventDeleted || d.DeletionTimestamp != nil {
		return nil
	}
	replicas := ptr.Deref(d.Spec.Replicas, 1)
	want := d.Status.DeepCopy()
	want.ObservedGeneration = d.Generation
	want.Replicas, want.UpdatedReplicas, want.ReadyReplicas, want.AvailableReplicas = replicas, replicas, replicas, replicas
	want.UnavailableReplicas = 0
	now := metav1.NewTime(f.clock.Now())
	setDeploymentCondition(want, appsv1.DeploymentCondition{
		Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable",
		Message: "Deployment has minimum availability.", LastUpdateTime: now, LastTransitionTime: now,
	})
	setDeploymentCondition(want, appsv1.DeploymentCondition{
		Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue, Reason: "NewReplicaSetAvailable",
		Message: fmt.Sprintf("ReplicaSet %q has successfully progressed.", d.Name), LastUpdateTime: now, LastTransitionTime: now,
	})
	if equality.Semantic.DeepEqual(*want, d.Status) {
		return nil
	}
	d.Status = *want
	return client.IgnoreNotFound(f.Client().Status().Update(ctx, d))
}

// setDeploymentCondition sets cond, keeping the times of a condition whose
// status does not change.
func setDeploymentCondition(status *appsv1.DeploymentStatus, cond appsv1.DeploymentCondition) {
	for i, existing := range status.Conditions {
		if existing.Type != cond.Type {
			continue
		}
		if existing.Status == cond.Status && existing.Reason == cond.Reason {
			return
		}
		status.Conditions[i] = cond
		return
	}
	status.Conditions = append(status.Conditions, cond)
}

// defaultStorageClass names the storage class marked as the default, or "".
func defaultStorageClass(ctx context.Context, c client.Reader) string {
	var classes storagev1.StorageClassList
	if err := c.List(ctx, &classes); err != nil {
		return ""
	}
	for _, class := range classes.Items {
		if class.Annotations[defaultStorageClassAnnotation] == "true" {
			return class.Name
		}
	}
	return ""
}

// claimBinder binds new PVCs to made-up PVs, as a dynamic provisioner and
// the PV controller do: at once for an Immediate storage class, when a Pod
// uses the claim for a WaitForFirstConsumer one, never for a class that does
// not exist.
//
// A volume made beforehand for one claim (its claimRef names the claim,
// as an administrator pre-binds a static volume) is bound to that claim,
// whichever comes first, whatever the class.
func claimBinder(ctx context.Context, f *Fake, ev Event) error {
	if ev.Type != EventCreated {
		return nil
	}
	if pv, ok := ev.Object.(*corev1.PersistentVolume); ok {
		return bindStaticVolume(ctx, f, pv)
	}
	pvc, ok := ev.Object.(*corev1.PersistentVolumeClaim)
	if !ok {
		return nil
	}
	var volumes corev1.PersistentVolumeList
	if err := f.Client().List(ctx, &volumes); err != nil {
		return err
	}
	for i := range volumes.Items {
		if ref := volumes.Items[i].Spec.ClaimRef; ref != nil && ref.Namespace == pvc.Namespace && ref.Name == pvc.Name {
			return bindStaticVolume(ctx, f, &volumes.Items[i])
		}
	}
	class, found, err := storageClassOf(ctx, f, pvc)
	if err != nil || !found {
		return err
	}
	if class.VolumeBindingMode != nil && *class.VolumeBindingMode == storagev1.VolumeBindingWaitForFirstConsumer {
		return nil
	}
	return bindClaim(ctx, f, pvc, class)
}

// storageClassOf reads the storage class pvc names, and whether it exists.
func storageClassOf(ctx context.Context, f *Fake, pvc *corev1.PersistentVolumeClaim) (*storagev1.StorageClass, bool, error) {
	if pvc.Spec.StorageClassName == nil || *pvc.Spec.StorageClassName == "" {
		return nil, false, nil
	}
	class := &storagev1.StorageClass{}
	if err := f.Client().Get(ctx, client.ObjectKey{Name: *pvc.Spec.StorageClassName}, class); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, false, nil
		}
		return nil, false, err
	}
	return class, true, nil
}

// bindClaim provisions a PV for pvc and binds the two.
func bindClaim(ctx context.Context, f *Fake, pvc *corev1.PersistentVolumeClaim, class *storagev1.StorageClass) error {
	if pvc.Status.Phase == corev1.ClaimBound {
		return nil
	}
	c := f.Client()
	size := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{
			Name:        "pvc-" + string(pvc.UID),
			Annotations: map[string]string{"pv.kubernetes.io/provisioned-by": class.Provisioner},
		},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: size},
			AccessModes:                   pvc.Spec.AccessModes,
			VolumeMode:                    pvc.Spec.VolumeMode,
			StorageClassName:              class.Name,
			PersistentVolumeReclaimPolicy: ptr.Deref(class.ReclaimPolicy, corev1.PersistentVolumeReclaimDelete),
			ClaimRef: &corev1.ObjectReference{
				Kind: "PersistentVolumeClaim", APIVersion: "v1", Namespace: pvc.Namespace, Name: pvc.Name, UID: pvc.UID,
			},
			PersistentVolumeSource: corev1.PersistentVolumeSource{
				CSI: &corev1.CSIPersistentVolumeSource{Driver: class.Provisioner, VolumeHandle: string(pvc.UID)},
			},
		},
	}
	if err := c.Create(ctx, pv); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("provisioning a volume for %s/%s: %w", pvc.Namespace, pvc.Name, err)
	}
	pv.Status.Phase = corev1.VolumeBound
	if err := c.Status().Update(ctx, pv); err != nil {
		return err
	}
	current := &corev1.PersistentVolumeClaim{}
	if err := c.Get(ctx, client.ObjectKeyFromObject(pvc), current); err != nil {
		return client.IgnoreNotFound(err)
	}
	current.Spec.VolumeName = pv.Name
	markBound(current, true)
	if err := c.Update(ctx, current); err != nil {
		return err
	}
	current.Status = corev1.PersistentVolumeClaimStatus{
		Phase:       corev1.ClaimBound,
		AccessModes: pvc.Spec.AccessModes,
		Capacity:    corev1.ResourceList{corev1.ResourceStorage: size},
	}
	return c.Status().Update(ctx, current)
}

// markBound annotates pvc as the PV controller does when it binds it: the
// binding is complete, and it was made by the controller (not pre-bound)
// when byController.
func markBound(pvc *corev1.PersistentVolumeClaim, byController bool) {
	if pvc.Annotations == nil {
		pvc.Annotations = map[string]string{}
	}
	pvc.Annotations[bindCompletedAnnotation] = "yes"
	if byController {
		pvc.Annotations["pv.kubernetes.io/bound-by-controller"] = "yes"
	}
}

// bindStaticVolume binds pv to the claim its claimRef names, when that
// claim exists and is not bound yet, as the PV controller does.
func bindStaticVolume(ctx context.Context, f *Fake, pv *corev1.PersistentVolume) error {
	ref := pv.Spec.ClaimRef
	if ref == nil || pv.Status.Phase == corev1.VolumeBound || pv.Annotations["pv.kubernetes.io/provisioned-by"] != "" {
		return nil // bound already, or being provisioned for its claim by bindClaim
	}
	c := f.Client()
	pvc := &corev1.PersistentVolumeClaim{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, pvc); err != nil {
		return client.IgnoreNotFound(err)
	}
	if pvc.Status.Phase == corev1.ClaimBound || (ref.UID != "" && ref.UID != pvc.UID) {
		return nil
	}
	current := &corev1.PersistentVolume{}
	if err := c.Get(ctx, client.ObjectKeyFromObject(pv), current); err != nil {
		return err
	}
	current.Spec.ClaimRef.UID = pvc.UID
	if err := c.Update(ctx, current); err != nil {
		return err
	}
	current.Status.Phase = corev1.VolumeBound
	if err := c.Status().Update(ctx, current); err != nil {
		return err
	}
	pvc.Spec.VolumeName = pv.Name
	markBound(pvc, false)
	if err := c.Update(ctx, pvc); err != nil {
		return err
	}
	pvc.Status = corev1.PersistentVolumeClaimStatus{
		Phase: corev1.ClaimBound, AccessModes: pv.Spec.AccessModes, Capacity: pv.Spec.Capacity.DeepCopy(),
	}
	return c.Status().Update(ctx, pvc)
}

// podRunner schedules new Pods and runs them, as the scheduler and a kubelet
// (kwok's, in the e2e suite) do, binding the WaitForFirstConsumer claims
// they use first.
func podRunner(ctx context.Context, f *Fake, ev Event) error {
	pod, ok := ev.Object.(*corev1.Pod)
	if !ok || ev.Type != EventCreated {
		return nil
	}
	c := f.Client()
	for _, vol := range pod.Spec.Volumes {
		if vol.PersistentVolumeClaim == nil {
			continue
		}
		pvc := &corev1.PersistentVolumeClaim{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: pod.Namespace, Name: vol.PersistentVolumeClaim.ClaimName}, pvc); err != nil {
			if apierrors.IsNotFound(err) {
				return nil // the pod stays Pending, as the scheduler leaves it
			}
			return err
		}
		class, found, err := storageClassOf(ctx, f, pvc)
		if err != nil {
			return err
		}
		if found {
			if err := bindClaim(ctx, f, pvc, class); err != nil {
				return err
			}
		}
	}
	now := metav1.NewTime(f.clock.Now())
	pod.Status.Phase = corev1.PodRunning
	pod.Status.StartTime = &now
	pod.Status.Conditions = []corev1.PodCondition{
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: now},
	}
	pod.Status.ContainerStatuses = nil
	for _, container := range pod.Spec.Containers {
		pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, corev1.ContainerStatus{
			Name: container.Name, Image: container.Image, Ready: true, Started: new(true),
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}},
		})
	}
	return client.IgnoreNotFound(c.Status().Update(ctx, pod))
}

// jobStarter marks new Jobs active, as the job controller does once their
// pods start. CompleteJob and FailJob end them.
func jobStarter(ctx context.Context, f *Fake, ev Event) error {
	job, ok := ev.Object.(*batchv1.Job)
	if !ok || ev.Type != EventCreated || ptr.Deref(job.Spec.Suspend, false) {
		return nil
	}
	now := metav1.NewTime(f.clock.Now())
	job.Status.StartTime = &now
	job.Status.Active = ptr.Deref(job.Spec.Parallelism, 1)
	return client.IgnoreNotFound(f.Client().Status().Update(ctx, job))
}

// CompleteJob makes the Job namespace/name succeed, with the conditions and
// counts the job controller would set.
func (f *Fake) CompleteJob(ctx context.Context, namespace, name string) error {
	return f.endJob(ctx, namespace, name, func(job *batchv1.Job, now metav1.Time) {
		job.Status.Active = 0
		job.Status.Succeeded = ptr.Deref(job.Spec.Completions, 1)
		job.Status.CompletionTime = &now
		job.Status.Conditions = append(job.Status.Conditions,
			batchv1.JobCondition{Type: batchv1.JobSuccessCriteriaMet, Status: corev1.ConditionTrue, Reason: "CompletionsReached", LastProbeTime: now, LastTransitionTime: now},
			batchv1.JobCondition{Type: batchv1.JobComplete, Status: corev1.ConditionTrue, Reason: "CompletionsReached", LastProbeTime: now, LastTransitionTime: now},
		)
	})
}

// FailJob makes the Job namespace/name fail for reason (such as
// "BackoffLimitExceeded"), with the conditions and counts the job controller
// would set.
func (f *Fake) FailJob(ctx context.Context, namespace, name, reason string) error {
	return f.endJob(ctx, namespace, name, func(job *batchv1.Job, now metav1.Time) {
		job.Status.Active = 0
		job.Status.Failed = ptr.Deref(job.Spec.BackoffLimit, 6) + 1
		job.Status.Conditions = append(job.Status.Conditions,
			batchv1.JobCondition{Type: batchv1.JobFailureTarget, Status: corev1.ConditionTrue, Reason: reason, LastProbeTime: now, LastTransitionTime: now},
			batchv1.JobCondition{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: reason, LastProbeTime: now, LastTransitionTime: now},
		)
	})
}

func (f *Fake) endJob(ctx context.Context, namespace, name string, end func(*batchv1.Job, metav1.Time)) error {
	job := &batchv1.Job{}
	if err := f.Client().Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, job); err != nil {
		return fmt.Errorf("hubtest: ending job %s/%s: %w", namespace, name, err)
	}
	for _, cond := range job.Status.Conditions {
		if (cond.Type == batchv1.JobComplete || cond.Type == batchv1.JobFailed) && cond.Status == corev1.ConditionTrue {
			return fmt.Errorf("hubtest: job %s/%s has ended already (%s)", namespace, name, cond.Type)
		}
	}
	end(job, metav1.NewTime(f.clock.Now()))
	return f.Client().Status().Update(ctx, job)
}
