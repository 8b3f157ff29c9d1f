using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s;
using KubePS.Engine.Apply;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;
using KubePS.Engine.Resources;
using KubePS.Engine.Wait;
using KubePS.Engine.Yaml;

namespace KubePS.Engine.Deploy;

/// <summary>What to plan: the application, its document sources and the hooks to run before any write.</summary>
public sealed record DeployRequest
{
    public required DeployApplication Application { get; init; }
    public required IReadOnlyList<IDeployDocumentSource> Sources { get; init; }
    /// <summary>Namespace for namespaced documents without one (kubeps.yaml namespace wins over this).</summary>
    public string DefaultNamespace { get; init; } = "default";
    /// <summary>Where the inventory ConfigMap lives; null = kubeps.yaml's, else the namespace most objects live in.</summary>
    public string? InventoryNamespace { get; init; }
    /// <summary>Hooks of this call (run after the <see cref="DeployHookRegistry"/> ones).</summary>
    public IReadOnlyList<IDeployPreWriteHook> Hooks { get; init; } = Array.Empty<IDeployPreWriteHook>();
    /// <summary>GET the live objects and compute the changed fields of each (plans and -WhatIf).</summary>
    public bool ComputeDiff { get; init; }
    public bool PlanOnly { get; init; }
    public string FieldManager { get; init; } = "kubeps";
    public bool Force { get; init; }
    /// <summary>Requests in flight while validating.</summary>
    public int Concurrency { get; init; } = 16;
    public int MaxRetries { get; init; } = 8;
    public string? ContextName { get; init; }
    public string? Server { get; init; }
    public string? Environment { get; init; }
    public IReadOnlyDictionary<string, object?> Values { get; init; } = new Dictionary<string, object?>();
}

/// <summary>
/// Builds and validates a deploy plan: reads the sources, labels every object with the application, runs the
/// pre-write hooks, resolves kinds, adds edges (explicit, kind order, references), finds cycles and dangling
/// references, levels the graph, and validates every object with a server dry run. Nothing is written.
/// </summary>
public static class DeployPlanner
{
    private static readonly HashSet<string> ReadyByDefault = new(StringComparer.Ordinal)
    {
        "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Pod", "CustomResourceDefinition",
    };

    private static readonly HashSet<string> AdmissionKinds = new(StringComparer.Ordinal)
    {
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    };

    public static async Task<DeployPlan> PlanAsync(IKubernetes client, DeployRequest request, CancellationToken cancellationToken)
    {
        var app = request.Application;
        var defaultNs = app.Namespace ?? request.DefaultNamespace;
        var readErrors = new List<KubeException>();
        var documents = new List<ManifestDocument>();
        var sourceContext = new DeploySourceContext(app, defaultNs) { Environment = request.Environment, Values = request.Values };
        foreach (var source in request.Sources)
        {
            documents.AddRange(await source.ReadAsync(sourceContext, readErrors, cancellationToken).ConfigureAwait(false));
        }

        // Label first: hooks and the dry run see the objects exactly as they will be sent.
        foreach (var doc in documents)
        {
            if (doc.Object["metadata"] is JsonObject meta)
            {
                if (meta["labels"] is not JsonObject labels)
                {
                    meta["labels"] = labels = new JsonObject();
                }
                labels[DeployApplication.ApplicationLabel] = app.Name;
            }
        }

        var inventoryNs = request.InventoryNamespace ?? app.InventoryNamespace ?? MostCommonNamespace(documents, defaultNs);
        var plan = new DeployPlan { Application = app, InventoryNamespace = inventoryNs };
        foreach (var e in readErrors)
        {
            plan.Problems.Add(new DeployProblem(e, null));
        }

        // Pre-write hooks (policy): deny, warn, mutate.
        var hookContext = new DeployHookContext(app, documents, defaultNs) { ContextName = request.ContextName, Server = request.Server, PlanOnly = request.PlanOnly };
        foreach (var hook in DeployHookRegistry.All.Concat(request.Hooks))
        {
            var verdicts = await hook.EvaluateAsync(hookContext, cancellationToken).ConfigureAwait(false);
            plan.Verdicts.AddRange(verdicts);
            foreach (var v in verdicts.Where(v => v.Severity == DeployVerdictSeverity.Deny))
            {
                plan.Problems.Add(new DeployProblem(new KubeException(KubeErrorKind.KubeDeployDenied,
                    $"{(v.Target is null ? "" : v.Target + ": ")}denied by {v.Hook} rule {v.Rule}: {v.Message}{(v.Path is null ? "" : $" (at {v.Path})")}")
                {
                    Target = v.Target?.ToString(),
                    RecommendedAction = "Change the object to satisfy the rule, or change the policy.",
                }, v.Target));
            }
        }

        // Kinds, namespaces, duplicates (read-only; retried as a whole on 429/5xx).
        var applyOptions = new ApplyOptions { DefaultNamespace = defaultNs, Concurrency = request.Concurrency, FieldManager = request.FieldManager, Force = request.Force };
        var resolved = await DeployRetry.RunAsync(ct => ApplyEngine.PlanAsync(client, documents, applyOptions, validate: false, ct),
            request.MaxRetries, TimeSpan.FromMilliseconds(200), null, cancellationToken).ConfigureAwait(false);
        foreach (var f in resolved.Failures)
        {
            plan.Problems.Add(new DeployProblem(f.Error, f.Document));
        }

        // Nodes.
        var byKey = new Dictionary<(string Kind, string? Ns, string Name), DeployNode>();
        foreach (var o in resolved.Objects)
        {
            var group = o.ApiVersion.Contains('/') ? o.ApiVersion[..o.ApiVersion.IndexOf('/')] : "";
            var node = new DeployNode { Key = new DeployKey(group, o.Kind, o.Namespace, o.Name), Object = o };
            byKey[(o.Kind.ToLowerInvariant(), o.Namespace, o.Name)] = node;
            plan.Nodes.Add(node);
        }
        DeployNode? Find(string kind, string? ns, string name) =>
            byKey.TryGetValue((kind.ToLowerInvariant(), ns, name), out var n) ? n
            : ns is not null && byKey.TryGetValue((kind.ToLowerInvariant(), null, name), out var c) ? c : null;

        var options = app.Resources.ToDictionary(r => r.Match, r => r, StringComparer.OrdinalIgnoreCase);
        DeployResourceOptions? OptionsFor(DeployNode n) =>
            options.GetValueOrDefault($"{n.Key.Kind}/{n.Key.Name}") ?? (n.Key.Namespace is null ? null : options.GetValueOrDefault($"{n.Key.Kind}/{n.Key.Namespace}/{n.Key.Name}"));

        // Unresolved targets to look up in the cluster: (kind, ns, name) -> who needs it.
        var lookups = new List<(DeployNode From, string Kind, string? Ns, string Name, string Detail, bool IsExplicit)>();

        foreach (var node in plan.Nodes)
        {
            var obj = node.Document.Object;
            var ns = node.Key.Namespace;
            var nodeOptions = OptionsFor(node);

            // WaitFor: annotation / kubeps.yaml, else the kind's default.
            var waitText = nodeOptions?.WaitFor ?? Annotation(obj, DeployApplication.WaitForAnnotation);
            if (waitText is not null)
            {
                if (waitText.Equals("Applied", StringComparison.OrdinalIgnoreCase))
                {
                    node.WaitForSource = nodeOptions?.WaitFor is not null ? "kubeps.yaml" : "annotation";
                }
                else
                {
                    try
                    {
                        node.WaitFor = WaitCondition.Parse(waitText);
                        node.WaitForSource = nodeOptions?.WaitFor is not null ? "kubeps.yaml" : "annotation";
                    }
                    catch (KubeException ex)
                    {
                        plan.Problems.Add(new DeployProblem(new KubeException(KubeErrorKind.KubeManifestInvalid, $"{node.Document}: {node.Key}: {DeployApplication.WaitForAnnotation}: {ex.Message}") { Target = node.Key.ToString() }, node.Document));
                    }
                }
            }
            else if (ReadyByDefault.Contains(node.Key.Kind))
            {
                node.WaitFor = WaitCondition.Ready;
                node.WaitForSource = "kind";
            }

            // Explicit dependencies.
            var explicitDeps = new List<(string Text, string Origin)>();
            if (Annotation(obj, DeployApplication.DependsOnAnnotation) is { } ann)
            {
                explicitDeps.AddRange(DeployReferences.SplitList(ann).Select(d => (d, "annotation")));
            }
            if (nodeOptions is not null)
            {
                explicitDeps.AddRange(nodeOptions.DependsOn.Select(d => (d, "kubeps.yaml")));
            }
            foreach (var (text, origin) in explicitDeps)
            {
                var spec = DeployReferences.ParseDependency(text);
                if (spec is null)
                {
                    plan.Problems.Add(new DeployProblem(new KubeException(KubeErrorKind.KubeManifestInvalid,
                        $"{node.Document}: {node.Key}: the dependency \"{text}\" ({origin}) is not Kind/name or Kind/namespace/name[=Ready|Applied|<condition>].") { Target = node.Key.ToString() }, node.Document));
                    continue;
                }
                var target = Find(spec.Kind, spec.Namespace ?? ns, spec.Name);
                if (target is null)
                {
                    lookups.Add((node, spec.Kind, spec.Namespace ?? ns, spec.Name, $"{origin} {text}", true));
                    continue;
                }
                var gate = DeployGate.Ready;
                if (spec.Gate is { } g)
                {
                    if (g.Equals("Applied", StringComparison.OrdinalIgnoreCase))
                    {
                        gate = DeployGate.Applied;
                    }
                    else if (!g.Equals("Ready", StringComparison.OrdinalIgnoreCase))
                    {
                        try
                        {
                            target.WaitFor = WaitCondition.Parse(g);
                            target.WaitForSource = $"dependency of {node.Key}";
                        }
                        catch (KubeException ex)
                        {
                            plan.Problems.Add(new DeployProblem(new KubeException(KubeErrorKind.KubeManifestInvalid, $"{node.Document}: {node.Key}: dependency \"{text}\": {ex.Message}") { Target = node.Key.ToString() }, node.Document));
                            continue;
                        }
                    }
                }
                if (gate == DeployGate.Ready && target.WaitFor is null)
                {
                    target.WaitFor = WaitCondition.Ready;
                    target.WaitForSource = $"dependency of {node.Key}";
                }
                AddEdge(node, target, DeployEdgeReason.Explicit, gate, origin);
            }

            // References.
            foreach (var r in DeployReferences.Find(obj, ns))
            {
                var target = Find(r.Kind, r.Namespace, r.Name);
                if (target is not null)
                {
                    AddEdge(node, target, DeployEdgeReason.Reference, DeployGate.Applied, r.Detail);
                }
                else if (r.MustExist)
                {
                    lookups.Add((node, r.Kind, r.Namespace, r.Name, r.Detail, false));
                }
            }
        }

        // Kind order.
        var namespaces = plan.Nodes.Where(n => n.Key.Kind == "Namespace" && n.Key.Group == "").ToDictionary(n => n.Key.Name, StringComparer.Ordinal);
        var crds = plan.Nodes.Select(n => (Node: n, Defines: ApplyOrdering.CrdDefines(n.Document.Object))).Where(x => x.Defines is not null)
            .ToDictionary(x => (x.Defines!.Value.Group, x.Defines!.Value.Kind), x => x.Node);
        var limits = plan.Nodes.Where(n => n.Key.Kind is "LimitRange" or "ResourceQuota").ToLookup(n => n.Key.Namespace);
        var admission = plan.Nodes.Where(n => AdmissionKinds.Contains(n.Key.Kind)).ToList();
        foreach (var node in plan.Nodes)
        {
            if (node.Key.Namespace is { } ns && namespaces.TryGetValue(ns, out var nsNode))
            {
                AddEdge(node, nsNode, DeployEdgeReason.Kind, DeployGate.Applied, "namespace");
            }
            if (crds.TryGetValue((node.Key.Group, node.Key.Kind), out var crd))
            {
                AddEdge(node, crd, DeployEdgeReason.Kind, DeployGate.Ready, "CustomResourceDefinition");
                crd.WaitFor ??= WaitCondition.Ready;
            }
            if (ResourceChanges.FindPodSpec(node.Document.Object).Spec is not null)
            {
                foreach (var l in limits[node.Key.Namespace])
                {
                    AddEdge(node, l, DeployEdgeReason.Kind, DeployGate.Applied, "admission of pods");
                }
            }
            if (!AdmissionKinds.Contains(node.Key.Kind))
            {
                foreach (var a in admission)
                {
                    AddEdge(a, node, DeployEdgeReason.Kind, DeployGate.Applied, "admission webhooks and policies go last");
                }
            }
        }

        // The inventory's namespace must exist, or come with the application.
        if (!plan.Nodes.Any(n => n.Key.Kind == "Namespace" && n.Key.Group == "" && n.Key.Name == inventoryNs))
        {
            try
            {
                await DeployRetry.RunAsync(async ct =>
                {
                    using var _ = await KubeRequest.SendAsync(client, HttpMethod.Get, "/api/v1/namespaces/" + Uri.EscapeDataString(inventoryNs), ct).ConfigureAwait(false);
                }, request.MaxRetries, TimeSpan.FromMilliseconds(200), null, cancellationToken).ConfigureAwait(false);
            }
            catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeNotFound)
            {
                plan.Problems.Add(new DeployProblem(new KubeException(KubeErrorKind.KubeNotFound,
                    $"The inventory namespace \"{inventoryNs}\" does not exist and is not part of the application {app.Name}.")
                {
                    Target = inventoryNs,
                    StatusCode = 404,
                    RecommendedAction = "Give -InventoryNamespace (or inventoryNamespace in kubeps.yaml) an existing namespace, or add the Namespace to the application.",
                }, null));
            }
        }

        // Dangling references: neither in the set nor in the cluster.
        await CheckLookupsAsync(client, plan, lookups, request, cancellationToken).ConfigureAwait(false);

        // Cycles and levels.
        if (!Level(plan))
        {
            return plan;
        }

        // Objects that another application deployed are not taken over silently.
        if (!request.Force)
        {
            await CheckOwnersAsync(client, plan, request, cancellationToken).ConfigureAwait(false);
        }

        // Server dry run of every object (and the diff, when asked).
        await DryRunAsync(client, plan, applyOptions, request, cancellationToken).ConfigureAwait(false);
        foreach (var v in plan.Verdicts)
        {
            if (v.Target is not null && plan.Nodes.FirstOrDefault(n => ReferenceEquals(n.Document, v.Target)) is { } n)
            {
                n.Verdicts.Add(v);
            }
        }
        return plan;
    }

    /// <summary>Adds (or strengthens) the edge from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static void AddEdge(DeployNode from, DeployNode to, DeployEdgeReason reason, DeployGate gate, string detail)
    {
        if (ReferenceEquals(from, to))
        {
            return;
        }
        var i = from.DependsOn.FindIndex(e => ReferenceEquals(e.Dependency, to));
        if (i < 0)
        {
            from.DependsOn.Add(new DeployEdge(to, reason, gate, detail));
            to.Dependents.Add(from);
            return;
        }
        var old = from.DependsOn[i];
        var strongest = (DeployEdgeReason)Math.Min((int)old.Reason, (int)reason);
        var details = old.Detail.Split("; ").Contains(detail) ? old.Detail : old.Detail + "; " + detail;
        from.DependsOn[i] = new DeployEdge(to, strongest, (DeployGate)Math.Max((int)old.Gate, (int)gate), details);
    }

    /// <summary>Orders the nodes topologically and sets levels; adds a KubeDeployCycle problem (with the path) and returns false on a cycle.</summary>
    public static bool Level(DeployPlan plan)
    {
        var remaining = plan.Nodes.ToDictionary(n => n, n => n.DependsOn.Count);
        var ready = new Queue<DeployNode>(plan.Nodes.Where(n => n.DependsOn.Count == 0));
        var order = new List<DeployNode>();
        while (ready.Count > 0)
        {
            var n = ready.Dequeue();
            n.Order = order.Count;
            n.Level = n.DependsOn.Count == 0 ? 0 : n.DependsOn.Max(e => e.Dependency.Level) + 1;
            order.Add(n);
            foreach (var d in n.Dependents)
            {
                if (--remaining[d] == 0)
                {
                    ready.Enqueue(d);
                }
            }
        }
        if (order.Count == plan.Nodes.Count)
        {
            plan.Nodes.Clear();
            plan.Nodes.AddRange(order.OrderBy(n => n.Level).ThenBy(n => n.Order));
            return true;
        }
        // A cycle: walk dependencies among the nodes left until one repeats.
        var left = plan.Nodes.Where(n => remaining[n] > 0).ToHashSet(ReferenceEqualityComparer.Instance);
        var reported = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var start in plan.Nodes.Where(left.Contains))
        {
            if (reported.Contains(start))
            {
                continue;
            }
            var path = new List<DeployNode>();
            var index = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
            var cur = start;
            while (!index.ContainsKey(cur))
            {
                index[cur] = path.Count;
                path.Add(cur);
                cur = cur.DependsOn.Select(e => e.Dependency).First(left.Contains);
            }
            var cycle = path.Skip(index[cur]).ToList();
            if (cycle.Any(reported.Contains))
            {
                continue;
            }
            foreach (var c in cycle)
            {
                reported.Add(c);
            }
            var steps = new List<string>();
            for (var i = 0; i < cycle.Count; i++)
            {
                var next = cycle[(i + 1) % cycle.Count];
                var edge = cycle[i].DependsOn.First(e => ReferenceEquals(e.Dependency, next));
                steps.Add($"{cycle[i].Key} -[{edge.Reason.ToString().ToLowerInvariant()}: {edge.Detail}]->");
            }
            var text = string.Join(" ", steps) + " " + cycle[0].Key;
            plan.Problems.Add(new DeployProblem(new KubeException(KubeErrorKind.KubeDeployCycle,
                $"Dependency cycle: {string.Join(" -> ", cycle.Select(c => c.Key.ToString()).Append(cycle[0].Key.ToString()))} ({text}).")
            {
                Target = cycle[0].Key.ToString(),
                RecommendedAction = "Remove one of the kubeps.io/depends-on entries (or dependsOn in kubeps.yaml) on the cycle.",
            }, cycle[0].Document));
        }
        return false;
    }

    private static async Task CheckLookupsAsync(IKubernetes client, DeployPlan plan, List<(DeployNode From, string Kind, string? Ns, string Name, string Detail, bool IsExplicit)> lookups, DeployRequest request, CancellationToken cancellationToken)
    {
        if (lookups.Count == 0)
        {
            return;
        }
        var cache = DiscoveryCache.For(client);
        var results = new ConcurrentDictionary<(string, string?, string), KubeException?>();
        await Parallel.ForEachAsync(lookups.Select(l => (l.Kind, l.Ns, l.Name)).Distinct(), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, request.Concurrency), CancellationToken = cancellationToken }, async (l, ct) =>
        {
            try
            {
                var resource = await DeployRetry.RunAsync(c => cache.ResolveAsync(l.Kind, null, c), request.MaxRetries, TimeSpan.FromMilliseconds(200), null, ct).ConfigureAwait(false);
                var path = resource.PathFor(resource.Namespaced ? l.Ns : null, l.Name);
                await DeployRetry.RunAsync(async c =>
                {
                    using var _ = await KubeRequest.SendAsync(client, HttpMethod.Get, path, c).ConfigureAwait(false);
                }, request.MaxRetries, TimeSpan.FromMilliseconds(200), null, ct).ConfigureAwait(false);
                results[l] = null;
            }
            catch (KubeException ex)
            {
                results[l] = ex;
            }
        }).ConfigureAwait(false);
        foreach (var l in lookups)
        {
            var error = results[(l.Kind, l.Ns, l.Name)];
            if (error is null)
            {
                continue; // exists in the cluster: no edge needed
            }
            var target = l.Ns is null ? $"{l.Kind}/{l.Name}" : $"{l.Kind}/{l.Ns}/{l.Name}";
            var ex = error.Kind is KubeErrorKind.KubeNotFound or KubeErrorKind.KubeUnknownKind
                ? new KubeException(KubeErrorKind.KubeDeployDanglingReference,
                    $"{l.From.Document}: {l.From.Key} refers to {target} ({(l.IsExplicit ? "" : "reference at ")}{l.Detail}), which is neither in the application nor in the cluster.")
                {
                    Target = l.From.Key.ToString(),
                    RecommendedAction = "Add the object to the application, create it first, or fix the name.",
                }
                : new KubeException(error.Kind, $"{l.From.Key}: could not check {target}: {error.Message}", error) { Target = l.From.Key.ToString(), StatusCode = error.StatusCode };
            plan.Problems.Add(new DeployProblem(ex, l.From.Document));
        }
    }

    private static async Task CheckOwnersAsync(IKubernetes client, DeployPlan plan, DeployRequest request, CancellationToken cancellationToken)
    {
        var app = plan.Application.Name;
        var selector = Uri.EscapeDataString($"{DeployApplication.ApplicationLabel},{DeployApplication.ApplicationLabel}!={app}");
        var groups = plan.Nodes.Where(n => n.Object.Resource is not null && n.Object.Deferred is null && n.Object.Resource.Supports("list"))
            .GroupBy(n => (n.Object.Resource!.ApiVersion, n.Object.Resource!.Plural, n.Key.Namespace)).ToList();
        var owned = new ConcurrentBag<(DeployNode Node, string Owner)>();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, request.Concurrency), CancellationToken = cancellationToken }, async (g, ct) =>
        {
            var first = g.First();
            var byName = g.ToDictionary(n => n.Key.Name, StringComparer.Ordinal);
            var path = first.Object.Resource!.PathFor(first.Key.Namespace) + "?labelSelector=" + selector;
            try
            {
                using var doc = await DeployRetry.RunAsync(c => KubeRequest.GetJsonAsync(client, path, c), request.MaxRetries, TimeSpan.FromMilliseconds(200), null, ct).ConfigureAwait(false);
                if (!doc.RootElement.TryGetProperty("items", out var items))
                {
                    return;
                }
                foreach (var item in items.EnumerateArray())
                {
                    if (item.TryGetProperty("metadata", out var m) && m.TryGetProperty("name", out var n) && n.GetString() is { } name && byName.TryGetValue(name, out var node)
                        && m.TryGetProperty("labels", out var l) && l.TryGetProperty(DeployApplication.ApplicationLabel, out var a) && a.GetString() is { } owner && owner != app)
                    {
                        owned.Add((node, owner));
                    }
                }
            }
            catch (KubeException ex) when (ex.Kind is KubeErrorKind.KubeForbidden or KubeErrorKind.KubeNotFound)
            {
                // cannot list: the dry run still validates the object
            }
        }).ConfigureAwait(false);
        foreach (var (node, owner) in owned.OrderBy(o => o.Node.Order))
        {
            plan.Problems.Add(new DeployProblem(new KubeException(KubeErrorKind.KubeConflict,
                $"{node.Document}: {node.Key} belongs to application \"{owner}\" ({DeployApplication.ApplicationLabel}={owner}), not to {app}.")
            {
                Target = node.Key.ToString(),
                StatusCode = 409,
                RecommendedAction = $"Rename the object, remove it from one of the applications, or take it over with -Force.",
            }, node.Document));
        }
    }

    private static async Task DryRunAsync(IKubernetes client, DeployPlan plan, ApplyOptions options, DeployRequest request, CancellationToken cancellationToken)
    {
        var failures = new ConcurrentBag<(DeployNode Node, KubeException Error)>();
        await Parallel.ForEachAsync(plan.Nodes, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, request.Concurrency), CancellationToken = cancellationToken }, async (n, ct) =>
        {
            var o = n.Object;
            if (o.Deferred is not null || o.Resource is null)
            {
                n.Change = KubeChangeAction.Created;
                return;
            }
            try
            {
                var (status, body) = await DeployRetry.RunAsync(c => ApplyEngine.SendApplyAsync(client, o, options, dryRun: true, c), request.MaxRetries, TimeSpan.FromMilliseconds(200), null, ct).ConfigureAwait(false);
                o.DryRunStatus = status;
                o.DryRunObject = body;
                o.LiveResourceVersion = status == 201 ? null : body.TryGetProperty("metadata", out var m) && m.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() : null;
                if (status == 201)
                {
                    n.Change = KubeChangeAction.Created;
                }
                else if (request.ComputeDiff)
                {
                    var live = await DeployRetry.RunAsync(c => ResourceDiff.GetLiveAsync(client, o, c), request.MaxRetries, TimeSpan.FromMilliseconds(200), null, ct).ConfigureAwait(false);
                    if (live is { } l)
                    {
                        var diff = ResourceDiff.Build(o, l, body);
                        n.Change = diff.Action;
                        n.ChangedPaths = diff.ChangedPaths;
                    }
                    else
                    {
                        n.Change = KubeChangeAction.Created;
                    }
                }
            }
            catch (KubeException ex)
            {
                failures.Add((n, ex));
            }
        }).ConfigureAwait(false);
        foreach (var (node, error) in failures.OrderBy(f => f.Node.Order))
        {
            plan.Problems.Add(new DeployProblem(error, node.Document));
        }
    }

    private static string MostCommonNamespace(IEnumerable<ManifestDocument> docs, string fallback)
    {
        var counts = docs.Select(d => d.Kind == "Namespace" ? d.Name : d.Namespace).Where(n => n is not null)
            .GroupBy(n => n!).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault();
        return counts?.Key ?? fallback;
    }

    private static string? Annotation(JsonObject obj, string key) =>
        obj["metadata"]?["annotations"]?[key] is JsonValue v && v.TryGetValue<string>(out var s) && s.Trim().Length > 0 ? s : null;
}
