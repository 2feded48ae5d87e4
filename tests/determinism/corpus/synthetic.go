package corpus

import (
	"fmt"

	"github.com/shipshape-dev/shipshape/engine/input"
)

// handWritten are objects of kinds the library judges that no case holds
// (the API deprecation controls name every kind Kubernetes ever moved),
// each at its current version and at a removed one, written for the
// corpus.
const handWritten = `apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: business-critical}
value: 1000000
globalDefault: false
preemptionPolicy: PreemptLowerPriority
description: Customer-facing services.
---
apiVersion: scheduling.k8s.io/v1beta1
kind: PriorityClass
metadata: {name: batch-low}
value: -10
globalDefault: false
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: managed-premium
  annotations: {storageclass.kubernetes.io/is-default-class: "false"}
provisioner: disk.csi.azure.com
parameters: {skuName: Premium_LRS, cachingMode: ReadOnly}
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: true
---
apiVersion: storage.k8s.io/v1beta1
kind: StorageClass
metadata: {name: legacy-standard}
provisioner: kubernetes.io/azure-disk
parameters: {storageaccounttype: Standard_LRS, kind: Managed}
---
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: {name: file.csi.azure.com}
spec:
  attachRequired: false
  podInfoOnMount: true
  fsGroupPolicy: ReadWriteOnceWithFSType
  volumeLifecycleModes: [Persistent, Ephemeral]
---
apiVersion: storage.k8s.io/v1beta1
kind: CSIDriver
metadata: {name: secrets-store.csi.k8s.io}
spec: {attachRequired: false, podInfoOnMount: true}
---
apiVersion: storage.k8s.io/v1
kind: CSINode
metadata: {name: aks-system-12345678-vmss000000}
spec:
  drivers:
    - name: disk.csi.azure.com
      nodeID: aks-system-12345678-vmss000000
      allocatable: {count: 8}
      topologyKeys: [topology.disk.csi.azure.com/zone]
---
apiVersion: storage.k8s.io/v1beta1
kind: CSINode
metadata: {name: aks-user-87654321-vmss000002}
spec:
  drivers:
    - {name: file.csi.azure.com, nodeID: aks-user-87654321-vmss000002}
---
apiVersion: storage.k8s.io/v1
kind: VolumeAttachment
metadata: {name: csi-4f1c2d9e8a7b6c5d}
spec:
  attacher: disk.csi.azure.com
  nodeName: aks-system-12345678-vmss000000
  source: {persistentVolumeName: pvc-0d2c7f4e}
---
apiVersion: storage.k8s.io/v1beta1
kind: VolumeAttachment
metadata: {name: csi-9a8b7c6d5e4f3a2b}
spec:
  attacher: disk.csi.azure.com
  nodeName: aks-user-87654321-vmss000002
  source: {persistentVolumeName: pvc-7e6d5c4b}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: storefront-x7k2p
  namespace: shop
  labels: {kubernetes.io/service-name: storefront}
addressType: IPv4
endpoints:
  - addresses: [10.244.1.17]
    conditions: {ready: true, serving: true, terminating: false}
    nodeName: aks-user-87654321-vmss000002
ports:
  - {name: http, port: 8080, protocol: TCP}
---
apiVersion: discovery.k8s.io/v1beta1
kind: EndpointSlice
metadata:
  name: checkout-5qzv9
  namespace: shop
  labels: {kubernetes.io/service-name: checkout}
addressType: IPv4
endpoints:
  - addresses: [10.244.2.9]
    conditions: {ready: false}
ports:
  - {name: grpc, port: 9090, protocol: TCP}
---
apiVersion: events.k8s.io/v1
kind: Event
metadata: {name: storefront-6d4b9.17c3a, namespace: shop}
eventTime: "2024-05-01T10:00:00.000000Z"
reason: BackOff
note: Back-off restarting failed container web
type: Warning
action: Restarting
reportingController: kubelet
reportingInstance: aks-user-87654321-vmss000002
regarding: {apiVersion: v1, kind: Pod, name: storefront-6d4b9, namespace: shop}
deprecatedCount: 12
---
apiVersion: events.k8s.io/v1beta1
kind: Event
metadata: {name: checkout.17c3b, namespace: shop}
eventTime: "2024-05-01T10:05:00.000000Z"
reason: ScalingReplicaSet
note: Scaled up replica set checkout-7f9 to 3
type: Normal
reportingController: deployment-controller
reportingInstance: kube-controller-manager
---
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: gvisor}
handler: runsc
overhead:
  podFixed: {cpu: 250m, memory: 120Mi}
scheduling:
  nodeSelector: {sandbox.example.com/runtime: gvisor}
---
apiVersion: node.k8s.io/v1beta1
kind: RuntimeClass
metadata: {name: kata}
handler: kata-qemu
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1beta1
kind: IngressClass
metadata: {name: traefik}
spec: {controller: traefik.io/ingress-controller}
---
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: {name: jane-developer}
spec:
  request: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KLi4uCi0tLS0tRU5EIENFUlRJRklDQVRFIFJFUVVFU1QtLS0tLQo=
  signerName: kubernetes.io/kube-apiserver-client
  expirationSeconds: 86400
  usages: [client auth]
---
apiVersion: certificates.k8s.io/v1beta1
kind: CertificateSigningRequest
metadata: {name: node-csr-legacy}
spec:
  request: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KLi4uCi0tLS0tRU5EIENFUlRJRklDQVRFIFJFUVVFU1QtLS0tLQo=
  usages: [digital signature, key encipherment, client auth]
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: aks-system-12345678-vmss000000, namespace: kube-node-lease}
spec:
  holderIdentity: aks-system-12345678-vmss000000
  leaseDurationSeconds: 40
  renewTime: "2024-05-01T10:00:03.123456Z"
---
apiVersion: coordination.k8s.io/v1beta1
kind: Lease
metadata: {name: cert-manager-controller, namespace: kube-system}
spec: {holderIdentity: cert-manager-7d9f_1, leaseDurationSeconds: 60, leaseTransitions: 0}
---
apiVersion: apps/v1
kind: ControllerRevision
metadata: {name: node-exporter-5b7c9d, namespace: monitoring}
revision: 3
data:
  spec:
    template:
      spec:
        containers: [{name: node-exporter, image: quay.io/prometheus/node-exporter:v1.8.1}]
---
apiVersion: apps/v1beta2
kind: ControllerRevision
metadata: {name: zookeeper-6c8f4b, namespace: data}
revision: 1
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
spec:
  group: metrics.k8s.io
  version: v1beta1
  service: {name: metrics-server, namespace: kube-system, port: 443}
  groupPriorityMinimum: 100
  versionPriority: 100
  insecureSkipTLSVerify: true
---
apiVersion: apiregistration.k8s.io/v1beta1
kind: APIService
metadata: {name: v1alpha1.custom.metrics.k8s.io}
spec:
  group: custom.metrics.k8s.io
  version: v1alpha1
  service: {name: prometheus-adapter, namespace: monitoring}
  groupPriorityMinimum: 100
  versionPriority: 10
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer, minimum: 0}
---
apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  version: v1alpha1
  scope: Cluster
  names: {kind: Gadget, plural: gadgets}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: sidecar-injector}
webhooks:
  - name: sidecar.example.com
    admissionReviewVersions: [v1]
    sideEffects: None
    failurePolicy: Ignore
    timeoutSeconds: 5
    clientConfig:
      service: {name: injector, namespace: mesh-system, path: /inject, port: 443}
    rules:
      - {operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}
    namespaceSelector:
      matchExpressions:
        - {key: sidecar-injection, operator: In, values: [enabled]}
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingWebhookConfiguration
metadata: {name: legacy-defaults}
webhooks:
  - name: defaults.example.com
    clientConfig:
      service: {name: defaults, namespace: platform}
    rules:
      - {operations: [CREATE, UPDATE], apiGroups: [apps], apiVersions: [v1], resources: [deployments]}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: policy-webhook}
webhooks:
  - name: validate.policy.example.com
    admissionReviewVersions: [v1]
    sideEffects: None
    failurePolicy: Fail
    matchPolicy: Equivalent
    clientConfig:
      service: {name: policy, namespace: policy-system, path: /validate}
    rules:
      - {operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*/*"], scope: "*"}
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: ValidatingWebhookConfiguration
metadata: {name: legacy-validator}
webhooks:
  - name: legacy.validate.example.com
    failurePolicy: Ignore
    clientConfig:
      url: https://validator.example.com/validate
    rules:
      - {operations: [DELETE], apiGroups: [""], apiVersions: [v1], resources: [namespaces]}
---
apiVersion: extensions/v1beta1
kind: PodSecurityPolicy
metadata: {name: restricted-legacy}
spec:
  privileged: false
  allowPrivilegeEscalation: false
  requiredDropCapabilities: [ALL]
  volumes: [configMap, emptyDir, projected, secret, persistentVolumeClaim]
  hostNetwork: false
  hostIPC: false
  hostPID: false
  runAsUser: {rule: MustRunAsNonRoot}
  seLinux: {rule: RunAsAny}
  supplementalGroups:
    rule: MustRunAs
    ranges: [{min: 1, max: 65535}]
  fsGroup:
    rule: MustRunAs
    ranges: [{min: 1, max: 65535}]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: UDPRoute
metadata: {name: dns, namespace: edge}
spec:
  parentRefs: [{name: edge-gateway, sectionName: dns}]
  rules:
    - backendRefs:
        - {name: coredns-edge, port: 53}
`

// handWrittenSeeds are the handWritten objects, one seed per kind.
func handWrittenSeeds() ([]Seed, error) {
	f := input.ParseBytes("hand-written kinds", []byte(handWritten))
	if len(f.Errors) > 0 {
		return nil, fmt.Errorf("corpus: hand-written kinds: %w", f.Errors[0])
	}
	var seeds []Seed
	for _, o := range f.Objects {
		kind := o.Kind()
		if n := len(seeds); n > 0 && seeds[n-1].Case == "a "+kind {
			seeds[n-1].Objects = append(seeds[n-1].Objects, o.Value)
			continue
		}
		seeds = append(seeds, Seed{Control: "corpus", Case: "a " + kind, Objects: []map[string]any{o.Value}})
	}
	return seeds, nil
}
