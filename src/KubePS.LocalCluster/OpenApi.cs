using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KubePS.LocalCluster;

/// <summary>
/// OpenAPI v3 documents: per group-version paths (with the fieldValidation parameter kubectl checks for) and
/// component schemas for the served kinds. Schemas are detailed for the common workload fields (enough for
/// kubectl explain) and open elsewhere. OpenAPI v2 is not served (kubectl falls back to its compiled-in types).
/// </summary>
public sealed class OpenApi(ResourceRegistry registry)
{
    public async Task Serve(HttpContext ctx, string[] segs)
    {
        if (segs.Length >= 2 && segs[1] == "v3")
        {
            if (segs.Length == 2) { await ApiService.WriteJson(ctx, 200, Root()); return; }
            var gvPath = string.Join("/", segs[2..]);
            var doc = GroupVersionDoc(gvPath) ?? throw ApiError.PageNotFound();
            await ApiService.WriteJson(ctx, 200, doc);
            return;
        }
        throw ApiError.PageNotFound();
    }

    private IEnumerable<(string Path, string Group, string Version)> GroupVersions() =>
        registry.All.Select(t => (t.Group.Length == 0 ? "api/" + t.Version : $"apis/{t.Group}/{t.Version}", t.Group, t.Version)).Distinct();

    private JsonObject Root()
    {
        var paths = new JsonObject();
        foreach (var (p, _, _) in GroupVersions())
        {
            var doc = GroupVersionDoc(p)!;
            var hash = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(doc)))[..32];
            paths[p] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{p}?hash={hash}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    public static string SchemaName(ResourceType t, string kind = null)
    {
        kind ??= t.Kind;
        if (t.IsCustom) return string.Join(".", t.Group.Split('.').Reverse()) + "." + t.Version + "." + kind;
        var pkg = t.Group switch
        {
            "" => "io.k8s.api.core",
            "apiextensions.k8s.io" => "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions",
            _ => "io.k8s.api." + t.Group.Split('.')[0],
        };
        return $"{pkg}.{t.Version}.{kind}";
    }

    private static JsonObject Ref(string name, string description = null)
    {
        var o = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/components/schemas/" + name }) };
        if (description != null) o["description"] = description;
        o["default"] = new JsonObject();
        return o;
    }

    private static JsonObject P(string type, string description, string format = null)
    {
        var o = new JsonObject { ["type"] = type, ["description"] = description };
        if (format != null) o["format"] = format;
        return o;
    }

    private static JsonObject StrMap(string d) => new() { ["type"] = "object", ["description"] = d, ["additionalProperties"] = new JsonObject { ["type"] = "string", ["default"] = "" } };
    private static JsonObject Open(string d) => new() { ["type"] = "object", ["description"] = d, ["x-kubernetes-preserve-unknown-fields"] = true };

    private static JsonObject ListOf(string item, string d, string mergeKey = null)
    {
        var o = new JsonObject { ["type"] = "array", ["description"] = d, ["items"] = Ref(item) };
        if (mergeKey != null)
        {
            o["x-kubernetes-list-map-keys"] = new JsonArray(mergeKey);
            o["x-kubernetes-list-type"] = "map";
            o["x-kubernetes-patch-merge-key"] = mergeKey;
            o["x-kubernetes-patch-strategy"] = "merge";
        }
        return o;
    }

    private static JsonObject Obj(string d, JsonObject props, params string[] required)
    {
        var o = new JsonObject { ["type"] = "object", ["description"] = d, ["properties"] = props };
        if (required.Length > 0) o["required"] = new JsonArray(required.Select(r => (JsonNode)r).ToArray());
        return o;
    }

    private static void CommonSchemas(JsonObject s)
    {
        const string meta = "io.k8s.apimachinery.pkg.apis.meta.v1.";
        s[meta + "ObjectMeta"] = Obj("ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.", new JsonObject
        {
            ["name"] = P("string", "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically."),
            ["generateName"] = P("string", "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided."),
            ["namespace"] = P("string", "Namespace defines the space within which each name must be unique."),
            ["uid"] = P("string", "UID is the unique in time and space value for this object."),
            ["resourceVersion"] = P("string", "An opaque value that represents the internal version of this object."),
            ["generation"] = P("integer", "A sequence number representing a specific generation of the desired state.", "int64"),
            ["creationTimestamp"] = Ref(meta + "Time", "CreationTimestamp is a timestamp representing the server time when this object was created."),
            ["deletionTimestamp"] = Ref(meta + "Time", "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted."),
            ["deletionGracePeriodSeconds"] = P("integer", "Number of seconds allowed for this object to gracefully terminate before it will be removed from the system.", "int64"),
            ["labels"] = StrMap("Map of string keys and values that can be used to organize and categorize (scope and select) objects."),
            ["annotations"] = StrMap("Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata."),
            ["ownerReferences"] = ListOf(meta + "OwnerReference", "List of objects depended by this object.", "uid"),
            ["finalizers"] = new JsonObject { ["type"] = "array", ["description"] = "Must be empty before the object is deleted from the registry.", ["items"] = new JsonObject { ["type"] = "string", ["default"] = "" }, ["x-kubernetes-list-type"] = "set", ["x-kubernetes-patch-strategy"] = "merge" },
            ["managedFields"] = new JsonObject { ["type"] = "array", ["description"] = "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.", ["items"] = Ref(meta + "ManagedFieldsEntry") },
        });
        s[meta + "Time"] = P("string", "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.", "date-time");
        s[meta + "OwnerReference"] = Obj("OwnerReference contains enough information to let you identify an owning object.", new JsonObject
        {
            ["apiVersion"] = P("string", "API version of the referent."), ["kind"] = P("string", "Kind of the referent."), ["name"] = P("string", "Name of the referent."),
            ["uid"] = P("string", "UID of the referent."), ["controller"] = P("boolean", "If true, this reference points to the managing controller."),
            ["blockOwnerDeletion"] = P("boolean", "If true, AND if the owner has the \"foregroundDeletion\" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed."),
        }, "apiVersion", "kind", "name", "uid");
        s[meta + "ManagedFieldsEntry"] = Open("ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.");
        s[meta + "LabelSelector"] = Obj("A label selector is a label query over a set of resources.", new JsonObject
        {
            ["matchLabels"] = StrMap("matchLabels is a map of {key,value} pairs."),
            ["matchExpressions"] = new JsonObject { ["type"] = "array", ["description"] = "matchExpressions is a list of label selector requirements. The requirements are ANDed.", ["items"] = Open("A label selector requirement.") },
        });
        s[meta + "LabelSelector"]!["x-kubernetes-map-type"] = "atomic";
        const string core = "io.k8s.api.core.v1.";
        s[core + "PodTemplateSpec"] = Obj("PodTemplateSpec describes the data a pod should have when created from a template", new JsonObject
        {
            ["metadata"] = Ref(meta + "ObjectMeta", "Standard object's metadata."),
            ["spec"] = Ref(core + "PodSpec", "Specification of the desired behavior of the pod."),
        });
        s[core + "PodSpec"] = Obj("PodSpec is a description of a pod.", new JsonObject
        {
            ["containers"] = ListOf(core + "Container", "List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod.", "name"),
            ["initContainers"] = ListOf(core + "Container", "List of initialization containers belonging to the pod.", "name"),
            ["volumes"] = new JsonObject { ["type"] = "array", ["description"] = "List of volumes that can be mounted by containers belonging to the pod.", ["items"] = Open("Volume represents a named volume in a pod."), ["x-kubernetes-patch-merge-key"] = "name", ["x-kubernetes-patch-strategy"] = "merge,retainKeys", ["x-kubernetes-list-map-keys"] = new JsonArray("name"), ["x-kubernetes-list-type"] = "map" },
            ["restartPolicy"] = P("string", "Restart policy for all containers within the pod. One of Always, OnFailure, Never."),
            ["terminationGracePeriodSeconds"] = P("integer", "Optional duration in seconds the pod needs to terminate gracefully.", "int64"),
            ["dnsPolicy"] = P("string", "Set DNS policy for the pod."),
            ["nodeSelector"] = StrMap("NodeSelector is a selector which must be true for the pod to fit on a node."),
            ["nodeName"] = P("string", "NodeName indicates in which node this pod is scheduled."),
            ["serviceAccountName"] = P("string", "ServiceAccountName is the name of the ServiceAccount to use to run this pod."),
            ["schedulerName"] = P("string", "If specified, the pod will be dispatched by specified scheduler."),
            ["securityContext"] = Open("SecurityContext holds pod-level security attributes and common container settings."),
            ["affinity"] = Open("If specified, the pod's scheduling constraints"),
            ["tolerations"] = new JsonObject { ["type"] = "array", ["description"] = "If specified, the pod's tolerations.", ["items"] = Open("Toleration") },
            ["imagePullSecrets"] = new JsonObject { ["type"] = "array", ["description"] = "ImagePullSecrets is an optional list of references to secrets.", ["items"] = Open("LocalObjectReference"), ["x-kubernetes-patch-merge-key"] = "name", ["x-kubernetes-patch-strategy"] = "merge" },
        }, "containers");
        s[core + "Container"] = Obj("A single application container that you want to run within a pod.", new JsonObject
        {
            ["name"] = P("string", "Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated."),
            ["image"] = P("string", "Container image name."),
            ["imagePullPolicy"] = P("string", "Image pull policy. One of Always, Never, IfNotPresent."),
            ["command"] = new JsonObject { ["type"] = "array", ["description"] = "Entrypoint array. Not executed within a shell.", ["items"] = new JsonObject { ["type"] = "string", ["default"] = "" }, ["x-kubernetes-list-type"] = "atomic" },
            ["args"] = new JsonObject { ["type"] = "array", ["description"] = "Arguments to the entrypoint.", ["items"] = new JsonObject { ["type"] = "string", ["default"] = "" }, ["x-kubernetes-list-type"] = "atomic" },
            ["env"] = new JsonObject { ["type"] = "array", ["description"] = "List of environment variables to set in the container.", ["items"] = Open("EnvVar represents an environment variable present in a Container."), ["x-kubernetes-patch-merge-key"] = "name", ["x-kubernetes-patch-strategy"] = "merge", ["x-kubernetes-list-map-keys"] = new JsonArray("name"), ["x-kubernetes-list-type"] = "map" },
            ["ports"] = new JsonObject { ["type"] = "array", ["description"] = "List of ports to expose from the container.", ["items"] = Open("ContainerPort represents a network port in a single container."), ["x-kubernetes-patch-merge-key"] = "containerPort", ["x-kubernetes-patch-strategy"] = "merge", ["x-kubernetes-list-map-keys"] = new JsonArray("containerPort", "protocol"), ["x-kubernetes-list-type"] = "map" },
            ["resources"] = Open("Compute Resources required by this container."),
            ["volumeMounts"] = new JsonObject { ["type"] = "array", ["description"] = "Pod volumes to mount into the container's filesystem.", ["items"] = Open("VolumeMount describes a mounting of a Volume within a container."), ["x-kubernetes-patch-merge-key"] = "mountPath", ["x-kubernetes-patch-strategy"] = "merge", ["x-kubernetes-list-map-keys"] = new JsonArray("mountPath"), ["x-kubernetes-list-type"] = "map" },
            ["livenessProbe"] = Open("Periodic probe of container liveness."),
            ["readinessProbe"] = Open("Periodic probe of container service readiness."),
            ["terminationMessagePath"] = P("string", "Optional: Path at which the file to which the container's termination message will be written is mounted into the container's filesystem."),
            ["terminationMessagePolicy"] = P("string", "Indicate how the termination message should be populated."),
            ["workingDir"] = P("string", "Container's working directory."),
        }, "name");
    }

    private static JsonObject KindSchema(ResourceType t, string description, JsonObject extraProps)
    {
        var props = new JsonObject
        {
            ["apiVersion"] = P("string", "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values."),
            ["kind"] = P("string", "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase."),
            ["metadata"] = Ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"),
        };
        foreach (var kv in extraProps) props[kv.Key] = kv.Value?.DeepClone();
        return new JsonObject
        {
            ["type"] = "object", ["description"] = description, ["properties"] = props,
            ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = t.Group, ["kind"] = t.Kind, ["version"] = t.Version }),
        };
    }

    private static void TypeSchemas(ResourceType t, JsonObject s)
    {
        var name = SchemaName(t);
        var selector = Ref("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.");
        var template = Ref("io.k8s.api.core.v1.PodTemplateSpec", "Template describes the pods that will be created.");
        JsonObject specProps = null;
        var desc = $"{t.Kind} is a Kubernetes {t.Kind} object.";
        switch (t.Kind)
        {
            case "Deployment":
                desc = "Deployment enables declarative updates for Pods and ReplicaSets.";
                specProps = new JsonObject
                {
                    ["replicas"] = P("integer", "Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.", "int32"),
                    ["selector"] = selector, ["template"] = template,
                    ["strategy"] = Open("The deployment strategy to use to replace existing pods with new ones."),
                    ["minReadySeconds"] = P("integer", "Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)", "int32"),
                    ["revisionHistoryLimit"] = P("integer", "The number of old ReplicaSets to retain to allow rollback. Defaults to 10.", "int32"),
                    ["paused"] = P("boolean", "Indicates that the deployment is paused."),
                    ["progressDeadlineSeconds"] = P("integer", "The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s.", "int32"),
                };
                break;
            case "ReplicaSet" or "StatefulSet" or "DaemonSet":
                specProps = new JsonObject { ["selector"] = selector, ["template"] = template, ["minReadySeconds"] = P("integer", "Minimum number of seconds for which a newly created pod should be ready.", "int32") };
                if (t.Kind != "DaemonSet") specProps["replicas"] = P("integer", "Replicas is the number of desired replicas.", "int32");
                if (t.Kind == "StatefulSet") { specProps["serviceName"] = P("string", "serviceName is the name of the service that governs this StatefulSet."); specProps["volumeClaimTemplates"] = new JsonObject { ["type"] = "array", ["description"] = "volumeClaimTemplates is a list of claims that pods are allowed to reference.", ["items"] = Open("PersistentVolumeClaim") }; specProps["updateStrategy"] = Open("updateStrategy"); specProps["podManagementPolicy"] = P("string", "podManagementPolicy controls how pods are created during initial scale up."); specProps["revisionHistoryLimit"] = P("integer", "revisionHistoryLimit", "int32"); }
                if (t.Kind == "DaemonSet") { specProps["updateStrategy"] = Open("An update strategy to replace existing DaemonSet pods with new pods."); specProps["revisionHistoryLimit"] = P("integer", "The number of old history to retain to allow rollback.", "int32"); }
                break;
            case "Pod":
                s[name] = KindSchema(t, "Pod is a collection of containers that can run on a host.", new JsonObject
                {
                    ["spec"] = Ref("io.k8s.api.core.v1.PodSpec", "Specification of the desired behavior of the pod."),
                    ["status"] = Open("Most recently observed status of the pod."),
                });
                return;
        }
        if (specProps != null)
        {
            s[name + "Spec"] = Obj($"{t.Kind}Spec is the specification of the desired behavior of the {t.Kind}.", specProps);
            s[name] = KindSchema(t, desc, new JsonObject { ["spec"] = Ref(name + "Spec", $"Specification of the desired behavior of the {t.Kind}."), ["status"] = Open($"Most recently observed status of the {t.Kind}.") });
            return;
        }
        if (t.IsCustom && t.CrdSchema != null)
        {
            var schema = (JsonObject)t.CrdSchema.DeepClone();
            var props = schema["properties"] as JsonObject ?? new JsonObject();
            schema["properties"] = props;
            props["metadata"] = Ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "Standard object's metadata.");
            props["apiVersion"] ??= P("string", "APIVersion defines the versioned schema of this representation of an object.");
            props["kind"] ??= P("string", "Kind is a string value representing the REST resource this object represents.");
            schema["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = t.Group, ["kind"] = t.Kind, ["version"] = t.Version });
            s[name] = schema;
            return;
        }
        var extra = new JsonObject();
        foreach (var f in t.Kind switch
        {
            "ConfigMap" => new[] { "data", "binaryData" },
            "Secret" => ["data", "stringData"],
            _ => ["spec", "status"],
        })
            extra[f] = Open(f);
        if (t.Kind is "Secret") extra["type"] = P("string", "Used to facilitate programmatic handling of secret data.");
        if (t.Kind is "ConfigMap" or "Secret") extra["immutable"] = P("boolean", "Immutable, if set to true, ensures that data stored cannot be updated.");
        if (t.Kind is "Event") { extra = new JsonObject(); foreach (var f in new[] { "involvedObject", "regarding", "source", "series", "related", "deprecatedSource" }) extra[f] = Open(f); foreach (var f in new[] { "reason", "message", "note", "type", "action", "reportingComponent", "reportingController", "reportingInstance", "firstTimestamp", "lastTimestamp", "eventTime", "deprecatedFirstTimestamp", "deprecatedLastTimestamp" }) extra[f] = P("string", f); extra["count"] = P("integer", "count", "int32"); extra["deprecatedCount"] = P("integer", "deprecatedCount", "int32"); }
        if (t.Kind is "ServiceAccount") { extra = new JsonObject { ["secrets"] = new JsonObject { ["type"] = "array", ["description"] = "secrets", ["items"] = Open("ObjectReference") }, ["imagePullSecrets"] = new JsonObject { ["type"] = "array", ["description"] = "imagePullSecrets", ["items"] = Open("LocalObjectReference") }, ["automountServiceAccountToken"] = P("boolean", "automountServiceAccountToken") }; }
        if (t.Kind is "Endpoints") { extra = new JsonObject { ["subsets"] = new JsonObject { ["type"] = "array", ["description"] = "subsets", ["items"] = Open("EndpointSubset") } }; }
        s[name] = KindSchema(t, desc, extra);
    }

    private JsonObject GroupVersionDoc(string gvPath)
    {
        var gv = GroupVersions().FirstOrDefault(x => x.Path == gvPath);
        if (gv.Path is null) return null;
        var types = registry.All.Where(t => t.Group == gv.Group && t.Version == gv.Version).ToList();
        var schemas = new JsonObject();
        CommonSchemas(schemas);
        var paths = new JsonObject();
        foreach (var t in types)
        {
            TypeSchemas(t, schemas);
            var gvk = new JsonObject { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.Kind };
            var prefix = "/" + gvPath + (t.Namespaced ? "/namespaces/{namespace}/" : "/") + t.Plural;
            var resp = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK", ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(SchemaName(t)) } } } };
            JsonArray Params(params string[] names) => new(names.Select(n => (JsonNode)new JsonObject { ["name"] = n, ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true } }).ToArray());
            JsonObject Op(string action, params string[] ps) => new()
            {
                ["description"] = $"{action} the specified {t.Kind}", ["operationId"] = action + t.Kind, ["parameters"] = Params(ps), ["responses"] = resp.DeepClone(),
                ["x-kubernetes-action"] = action, ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
            };
            if (t.Virtual)
            {
                paths[prefix] = new JsonObject { ["post"] = Op("post", "dryRun", "fieldManager", "fieldValidation", "pretty") };
                continue;
            }
            paths[prefix] = new JsonObject { ["get"] = Op("list", "labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch"), ["post"] = Op("post", "dryRun", "fieldManager", "fieldValidation", "pretty") };
            paths[prefix + "/{name}"] = new JsonObject
            {
                ["get"] = Op("get", "pretty"), ["put"] = Op("put", "dryRun", "fieldManager", "fieldValidation", "pretty"),
                ["patch"] = Op("patch", "dryRun", "fieldManager", "fieldValidation", "force", "pretty"), ["delete"] = Op("delete", "dryRun", "gracePeriodSeconds", "propagationPolicy", "pretty"),
            };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0", ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = Discovery.GitVersion },
            ["paths"] = paths, ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }
}
