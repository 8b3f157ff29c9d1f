namespace KubePS.LocalCluster.Tests;

public static class Manifests
{
    public static string Deployment(string ns, string name = "web", int replicas = 2, string image = "nginx:1.25") => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          namespace: {ns}
          labels: {"{"}app: {name}{"}"}
        spec:
          replicas: {replicas}
          selector:
            matchLabels: {"{"}app: {name}{"}"}
          template:
            metadata:
              labels: {"{"}app: {name}{"}"}
            spec:
              containers:
              - name: nginx
                image: {image}
                ports:
                - containerPort: 80
        """;

    /// <summary>One object of every built-in kind, in namespace ns.</summary>
    public static string AllKinds(string ns) => $"""
        apiVersion: v1
        kind: Pod
        metadata: {"{"}name: pod-a, namespace: {ns}, labels: {"{"}app: a, tier: front{"}"}{"}"}
        spec:
          containers: [{"{"}name: c, image: busybox:1.36{"}"}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {"{"}name: pod-b, namespace: {ns}, labels: {"{"}app: b, tier: back{"}"}{"}"}
        spec:
          containers: [{"{"}name: c, image: busybox:1.36{"}"}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {"{"}name: svc-a, namespace: {ns}{"}"}
        spec:
          selector: {"{"}app: a{"}"}
          ports: [{"{"}port: 80, targetPort: 8080{"}"}]
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {"{"}name: ext-a, namespace: {ns}{"}"}
        subsets:
        - addresses: [{"{"}ip: 10.244.1.5{"}"}]
          ports: [{"{"}port: 8080{"}"}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {"{"}name: cm-a, namespace: {ns}{"}"}
        data: {"{"}k: v, k2: v2{"}"}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {"{"}name: sec-a, namespace: {ns}{"}"}
        stringData: {"{"}password: hunter2{"}"}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {"{"}name: sa-a, namespace: {ns}{"}"}
        ---
        apiVersion: v1
        kind: Event
        metadata: {"{"}name: ev-a, namespace: {ns}{"}"}
        involvedObject: {"{"}kind: Pod, name: pod-a, namespace: {ns}{"}"}
        reason: Started
        message: started container c
        type: Normal
        source: {"{"}component: kubelet{"}"}
        ---
        apiVersion: events.k8s.io/v1
        kind: Event
        metadata: {"{"}name: ev-b, namespace: {ns}{"}"}
        eventTime: "2024-01-01T00:00:00.000000Z"
        reportingController: kubeps/test
        reportingInstance: kubeps-test-1
        action: Testing
        reason: Tested
        note: new style event
        type: Normal
        regarding: {"{"}kind: Pod, name: pod-b, namespace: {ns}{"}"}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {"{"}name: pvc-a, namespace: {ns}{"}"}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {"{"}requests: {"{"}storage: 1Gi{"}"}{"}"}
        ---
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata: {"{"}name: rs-a, namespace: {ns}{"}"}
        spec:
          replicas: 1
          selector: {"{"}matchLabels: {"{"}app: rs-a{"}"}{"}"}
          template:
            metadata: {"{"}labels: {"{"}app: rs-a{"}"}{"}"}
            spec: {"{"}containers: [{"{"}name: c, image: busybox:1.36{"}"}]{"}"}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {"{"}name: sts-a, namespace: {ns}{"}"}
        spec:
          serviceName: sts-a
          replicas: 2
          selector: {"{"}matchLabels: {"{"}app: sts-a{"}"}{"}"}
          template:
            metadata: {"{"}labels: {"{"}app: sts-a{"}"}{"}"}
            spec: {"{"}containers: [{"{"}name: db, image: postgres:16{"}"}]{"}"}
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {"{"}name: ds-a, namespace: {ns}{"}"}
        spec:
          selector: {"{"}matchLabels: {"{"}app: ds-a{"}"}{"}"}
          template:
            metadata: {"{"}labels: {"{"}app: ds-a{"}"}{"}"}
            spec: {"{"}containers: [{"{"}name: agent, image: busybox:1.36{"}"}]{"}"}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {"{"}name: job-a, namespace: {ns}{"}"}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{"{"}name: c, image: busybox:1.36{"}"}]
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {"{"}name: cj-a, namespace: {ns}{"}"}
        spec:
          schedule: "0 2 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers: [{"{"}name: c, image: busybox:1.36{"}"}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {"{"}name: ing-a, namespace: {ns}{"}"}
        spec:
          rules:
          - host: web.example.com
            http:
              paths:
              - path: /
                pathType: Prefix
                backend: {"{"}service: {"{"}name: svc-a, port: {"{"}number: 80{"}"}{"}"}{"}"}
        """ + "\n---\n" + Deployment(ns, "dep-a", 2);

    public static string Crd(string group, string plural, string kind) => $"""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: {plural}.{group}
        spec:
          group: {group}
          scope: Namespaced
          names:
            plural: {plural}
            singular: {kind.ToLowerInvariant()}
            kind: {kind}
            shortNames: [{kind.ToLowerInvariant()[..3]}x]
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {"{}"}
            additionalPrinterColumns:
            - name: Size
              type: integer
              jsonPath: .spec.size
            - name: Color
              type: string
              jsonPath: .spec.color
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      size: {"{"}type: integer{"}"}
                      color: {"{"}type: string{"}"}
                  status:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
        """;
}
