using System.Text.Json.Nodes;

namespace KubePS.LocalCluster;

/// <summary>List merge keys of the built-in kinds (strategic merge patch and server-side apply).</summary>
public static class MergeKeys
{
    /// <summary>The merge key of list field <paramref name="field"/> under the path <paramref name="parentPath"/>, or null for atomic lists.</summary>
    public static string For(string parentPath, string field) => field switch
    {
        "containers" or "initContainers" or "ephemeralContainers" or "env" or "volumes" or "imagePullSecrets" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "ports" => parentPath.Contains("ontainers", StringComparison.Ordinal) ? "containerPort" : "port",
        "conditions" => "type",
        "ownerReferences" => "uid",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        _ => null,
    };
}

public sealed class PatchException(string message) : Exception(message);

public static class Patching
{
    // ---------- RFC 6902 JSON patch ----------
    public static JsonNode ApplyJsonPatch(JsonNode doc, JsonArray ops)
    {
        foreach (var opNode in ops)
        {
            if (opNode is not JsonObject op) throw new PatchException("invalid JSON patch operation");
            var kind = (string)op["op"];
            var path = (string)op["path"] ?? throw new PatchException("missing path in JSON patch operation");
            switch (kind)
            {
                case "add": doc = Add(doc, path, op["value"]?.DeepClone()); break;
                case "remove": doc = Remove(doc, path, out _); break;
                case "replace": Get(doc, path); doc = Remove(doc, path, out _); doc = Add(doc, path, op["value"]?.DeepClone()); break;
                case "move": { var from = (string)op["from"]; doc = Remove(doc, from, out var v); doc = Add(doc, path, v); break; }
                case "copy": { var v = Get(doc, (string)op["from"]).DeepClone(); doc = Add(doc, path, v); break; }
                case "test": if (!JsonNode.DeepEquals(Get(doc, path), op["value"])) throw new PatchException($"testing value {path} failed"); break;
                default: throw new PatchException($"Unexpected kind: {kind}");
            }
        }
        return doc;
    }

    private static List<string> Tokens(string pointer)
    {
        if (pointer == "") return [];
        if (!pointer.StartsWith('/')) throw new PatchException($"invalid JSON pointer: {pointer}");
        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToList();
    }

    private static JsonNode Get(JsonNode doc, string pointer)
    {
        var n = doc;
        foreach (var t in Tokens(pointer))
        {
            n = n switch
            {
                JsonObject o when o.TryGetPropertyValue(t, out var c) => c,
                JsonArray a when int.TryParse(t, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new PatchException($"doc is missing path: \"{pointer}\": missing value"),
            };
        }
        return n;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode doc, string pointer)
    {
        var toks = Tokens(pointer);
        if (toks.Count == 0) return (null, null);
        var parentPtr = string.Concat(toks.Take(toks.Count - 1).Select(t => "/" + t.Replace("~", "~0").Replace("/", "~1")));
        return (Get(doc, parentPtr), toks[^1]);
    }

    private static JsonNode Add(JsonNode doc, string pointer, JsonNode value)
    {
        var (p, last) = Parent(doc, pointer);
        if (p is null && last is null) return value;
        switch (p)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a:
                if (last == "-") a.Add(value);
                else if (int.TryParse(last, out var i) && i >= 0 && i <= a.Count) a.Insert(i, value);
                else throw new PatchException($"add operation index out of bounds: {last}");
                break;
            default: throw new PatchException($"doc is missing path: \"{pointer}\": missing value");
        }
        return doc;
    }

    private static JsonNode Remove(JsonNode doc, string pointer, out JsonNode removed)
    {
        var (p, last) = Parent(doc, pointer);
        switch (p)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out removed): o.Remove(last); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count: removed = a[i]; a.RemoveAt(i); break;
            default: throw new PatchException($"Unable to remove nonexistent key: {last}: missing value");
        }
        return doc;
    }

    // ---------- RFC 7386 JSON merge patch ----------
    public static JsonNode MergePatch(JsonNode target, JsonNode patch)
    {
        if (patch is not JsonObject po) return patch?.DeepClone();
        var to = target as JsonObject ?? new JsonObject();
        foreach (var kv in po.ToList())
        {
            if (kv.Value is null) to.Remove(kv.Key);
            else
            {
                var cur = to[kv.Key];
                to[kv.Key] = MergePatch(cur is null ? null : cur.DeepClone(), kv.Value);
            }
        }
        return to;
    }

    // ---------- strategic merge patch ----------
    public static JsonObject StrategicMerge(JsonObject original, JsonObject patch) => (JsonObject)MergeMap(original, patch, "");

    private static JsonNode MergeMap(JsonObject orig, JsonObject patch, string path)
    {
        var directive = (string)patch["$patch"];
        if (directive == "replace") return Strip(patch);
        if (directive == "delete") return null;
        orig ??= new JsonObject();
        foreach (var kv in patch.ToList())
        {
            var k = kv.Key;
            if (k is "$patch" or "$retainKeys" || k.StartsWith("$setElementOrder/", StringComparison.Ordinal)) continue;
            if (k.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = k["$deleteFromPrimitiveList/".Length..];
                if (orig[field] is JsonArray arr && kv.Value is JsonArray del)
                    foreach (var d in del) { var idx = arr.ToList().FindIndex(x => JsonNode.DeepEquals(x, d)); if (idx >= 0) arr.RemoveAt(idx); }
                continue;
            }
            var v = kv.Value;
            if (v is null) { orig.Remove(k); continue; }
            var childPath = path + "." + k;
            if (v is JsonObject vo)
            {
                var merged = MergeMap(orig[k] is JsonObject oo ? (JsonObject)oo.DeepClone() : null, vo, childPath);
                if (merged is null) orig.Remove(k); else orig[k] = merged;
            }
            else if (v is JsonArray va)
            {
                var key = MergeKeys.For(path, k);
                if (va.Any(x => x is JsonObject xo && (string)xo["$patch"] == "replace")) orig[k] = new JsonArray(va.Where(x => !(x is JsonObject xo && xo.ContainsKey("$patch"))).Select(x => Strip(x)).ToArray());
                else if (key != null && orig[k] is JsonArray oa) orig[k] = MergeList((JsonArray)oa.DeepClone(), va, key, childPath);
                else orig[k] = new JsonArray(va.Where(x => !(x is JsonObject xo && (string)xo["$patch"] == "delete")).Select(x => Strip(x)).ToArray());
            }
            else orig[k] = v.DeepClone();
        }
        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(x => (string)x).ToHashSet();
            foreach (var key in orig.Select(x => x.Key).ToList()) if (!keep.Contains(key)) orig.Remove(key);
        }
        return orig;
    }

    private static JsonArray MergeList(JsonArray orig, JsonArray patch, string key, string path)
    {
        foreach (var item in patch)
        {
            if (item is not JsonObject io) { orig.Add(item?.DeepClone()); continue; }
            var kval = io[key];
            var idx = orig.ToList().FindIndex(x => x is JsonObject xo && JsonNode.DeepEquals(xo[key], kval));
            if ((string)io["$patch"] == "delete") { if (idx >= 0) orig.RemoveAt(idx); continue; }
            if (idx >= 0)
            {
                var merged = MergeMap((JsonObject)orig[idx]!.DeepClone(), io, path);
                orig[idx] = merged;
            }
            else orig.Add(Strip(io));
        }
        return orig;
    }

    /// <summary>Remove SMP directives from a node.</summary>
    public static JsonNode Strip(JsonNode n)
    {
        switch (n)
        {
            case JsonObject o:
                var r = new JsonObject();
                foreach (var kv in o) if (!kv.Key.StartsWith('$')) r[kv.Key] = Strip(kv.Value);
                return r;
            case JsonArray a:
                return new JsonArray(a.Where(x => !(x is JsonObject xo && xo.ContainsKey("$patch"))).Select(Strip).ToArray());
            default:
                return n?.DeepClone();
        }
    }
}
