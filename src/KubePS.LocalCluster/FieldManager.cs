using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubePS.LocalCluster;

/// <summary>managedFields tracking and server-side apply (a compact model of structured-merge-diff).</summary>
public static class FieldManager
{
    private const char Sep = '\u001f';

    private sealed class Entry
    {
        public string Manager = "";
        public string Operation = "Update";
        public string ApiVersion = "v1";
        public string Time = JsonUtil.Now();
        public string Subresource;
        public HashSet<string> Fields = new();
        public string Id => Operation == "Apply" ? $"\"{Manager}\"" : $"\"{Manager}\" using {ApiVersion}";
    }

    private static readonly HashSet<string> SkipMeta = ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "generateName"];

    /// <summary>The set of field paths an object sets (status excluded).</summary>
    public static HashSet<string> FieldSet(JsonObject obj, bool keyedLists)
    {
        var set = new HashSet<string>();
        foreach (var kv in obj)
        {
            if (kv.Key is "apiVersion" or "kind" or "status") continue;
            if (kv.Key == "metadata" && kv.Value is JsonObject m)
            {
                foreach (var mk in m)
                {
                    if (SkipMeta.Contains(mk.Key)) continue;
                    Walk(mk.Value, "f:metadata" + Sep + "f:" + mk.Key, ".metadata", mk.Key, set, keyedLists);
                }
                continue;
            }
            Walk(kv.Value, "f:" + kv.Key, "", kv.Key, set, keyedLists);
        }
        return set;
    }

    private static void Walk(JsonNode v, string p, string parentPath, string field, HashSet<string> set, bool keyed)
    {
        var here = parentPath + "." + field;
        if (v is JsonObject o && o.Count > 0)
        {
            foreach (var kv in o) Walk(kv.Value, p + Sep + "f:" + kv.Key, here, kv.Key, set, keyed);
            return;
        }
        if (v is JsonArray a && keyed && MergeKeys.For(parentPath, field) is { } key && a.All(x => x is JsonObject xo && xo[key] != null))
        {
            foreach (var item in a)
            {
                var ip = p + Sep + KeyElement(key, item![key]);
                set.Add(ip);
                foreach (var kv in (JsonObject)item) Walk(kv.Value, ip + Sep + "f:" + kv.Key, here, kv.Key, set, keyed);
            }
            return;
        }
        set.Add(p);
    }

    private static string KeyElement(string key, JsonNode value) => "k:" + new JsonObject { [key] = value?.DeepClone() }.ToJsonString(JsonUtil.Options);

    // ---- fieldsV1 encoding ----
    private static JsonObject Encode(HashSet<string> set)
    {
        var root = new JsonObject();
        foreach (var p in set.OrderBy(x => x, StringComparer.Ordinal))
        {
            var node = root;
            var parts = p.Split(Sep);
            foreach (var part in parts) node = JsonUtil.Obj(node, part);
        }
        // mark nodes that are both members and parents with "."
        foreach (var p in set)
        {
            var node = (JsonNode)root;
            foreach (var part in p.Split(Sep)) node = node![part];
            if (node is JsonObject no && no.Count > 0 && !no.ContainsKey(".")) no["."] = new JsonObject();
        }
        return root;
    }

    private static HashSet<string> Decode(JsonNode fields)
    {
        var set = new HashSet<string>();
        void Rec(JsonObject o, string prefix)
        {
            foreach (var kv in o)
            {
                if (kv.Key == ".") { if (prefix.Length > 0) set.Add(prefix); continue; }
                var p = prefix.Length == 0 ? kv.Key : prefix + Sep + kv.Key;
                if (kv.Value is JsonObject c && c.Count > 0) Rec(c, p); else set.Add(p);
            }
        }
        if (fields is JsonObject fo) Rec(fo, "");
        return set;
    }

    private static List<Entry> Read(JsonObject obj)
    {
        var list = new List<Entry>();
        if (obj?["metadata"]?["managedFields"] is not JsonArray mf) return list;
        foreach (var e in mf.OfType<JsonObject>())
            list.Add(new Entry
            {
                Manager = (string)e["manager"] ?? "", Operation = (string)e["operation"] ?? "Update", ApiVersion = (string)e["apiVersion"] ?? "v1",
                Time = (string)e["time"] ?? JsonUtil.Now(), Subresource = (string)e["subresource"], Fields = Decode(e["fieldsV1"]),
            });
        return list;
    }

    private static void Write(JsonObject obj, List<Entry> entries)
    {
        var meta = JsonUtil.Obj(obj, "metadata");
        var arr = new JsonArray();
        foreach (var e in entries.Where(e => e.Fields.Count > 0 || e.Operation == "Apply"))
        {
            var o = new JsonObject { ["manager"] = e.Manager, ["operation"] = e.Operation, ["apiVersion"] = e.ApiVersion, ["time"] = e.Time, ["fieldsType"] = "FieldsV1", ["fieldsV1"] = Encode(e.Fields) };
            if (e.Subresource != null) o["subresource"] = e.Subresource;
            arr.Add(o);
        }
        if (arr.Count == 0) meta.Remove("managedFields"); else meta["managedFields"] = arr;
    }

    private static JsonNode ValueAt(JsonNode obj, string path)
    {
        var n = obj;
        foreach (var part in path.Split(Sep))
        {
            if (n is null) return null;
            if (part.StartsWith("f:", StringComparison.Ordinal)) n = n is JsonObject o ? o[part[2..]] : null;
            else if (part.StartsWith("k:", StringComparison.Ordinal))
            {
                var k = JsonNode.Parse(part[2..]) as JsonObject;
                var (key, val) = (k!.First().Key, k.First().Value);
                n = (n as JsonArray)?.FirstOrDefault(x => x is JsonObject xo && JsonNode.DeepEquals(xo[key], val));
            }
            else return null;
        }
        return n;
    }

    private static void RemoveAt(JsonObject obj, string path)
    {
        var parts = path.Split(Sep);
        JsonNode parent = obj;
        for (var i = 0; i < parts.Length - 1; i++) parent = ValueAt(obj, string.Join(Sep, parts.Take(i + 1)));
        var last = parts[^1];
        if (parent is JsonObject po && last.StartsWith("f:", StringComparison.Ordinal)) po.Remove(last[2..]);
        else if (parent is JsonArray pa && last.StartsWith("k:", StringComparison.Ordinal))
        {
            var item = ValueAt(obj, path);
            if (item != null) pa.Remove(item);
        }
    }

    /// <summary>Path in the form used by conflict messages: .spec.containers[name="nginx"].image</summary>
    public static string PathString(string path)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var part in path.Split(Sep))
        {
            if (part.StartsWith("f:", StringComparison.Ordinal)) sb.Append('.').Append(part[2..]);
            else if (part.StartsWith("k:", StringComparison.Ordinal))
            {
                var k = (JsonObject)JsonNode.Parse(part[2..])!;
                sb.Append('[').Append(string.Join(",", k.Select(kv => $"{kv.Key}={kv.Value!.ToJsonString()}"))).Append(']');
            }
            else sb.Append(part);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Record a non-apply write (create/update/patch) by <paramref name="manager"/>: the fields it changed move to its
    /// Update entry. If the write itself changed metadata.managedFields, those are kept as given.
    /// </summary>
    public static void RecordUpdate(JsonObject oldObj, JsonObject newObj, string manager, string apiVersion, bool keyed, string subresource = null)
    {
        var newMf = newObj["metadata"]?["managedFields"];
        if (oldObj != null && newMf is JsonArray { Count: > 0 } && !JsonNode.DeepEquals(newMf, oldObj["metadata"]?["managedFields"])) return;
        var entries = oldObj is null ? new List<Entry>() : Read(oldObj);
        var newSet = subresource == "status" ? new HashSet<string>() : FieldSet(newObj, keyed);
        var oldSet = oldObj is null || subresource == "status" ? new HashSet<string>() : FieldSet(oldObj, keyed);
        var changed = newSet.Where(p => !oldSet.Contains(p) || !JsonNode.DeepEquals(ValueAt(oldObj, p), ValueAt(newObj, p))).ToHashSet();
        var removed = oldSet.Where(p => !newSet.Contains(p)).ToHashSet();
        foreach (var e in entries) { e.Fields.ExceptWith(changed); e.Fields.ExceptWith(removed); }
        if (changed.Count > 0 || oldObj is null)
        {
            var mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Update" && e.Subresource == subresource);
            if (mine is null) { mine = new Entry { Manager = manager, Operation = "Update", ApiVersion = apiVersion, Subresource = subresource }; entries.Add(mine); }
            mine.Time = JsonUtil.Now();
            mine.Fields.UnionWith(changed);
        }
        Write(newObj, entries);
    }

    /// <summary>Server-side apply of <paramref name="applied"/> onto <paramref name="current"/> (null = create). Returns the new object.</summary>
    public static JsonObject Apply(JsonObject current, JsonObject applied, string manager, string apiVersion, bool force, bool keyed)
    {
        var appliedSet = FieldSet(applied, keyed);
        var entries = current is null ? new List<Entry>() : Read(current);
        var conflicts = new List<(Entry E, string Path)>();
        if (current != null)
            foreach (var e in entries)
            {
                if (e.Manager == manager && e.Operation == "Apply") continue;
                if (e.Subresource != null) continue;
                foreach (var p in e.Fields)
                {
                    if (!appliedSet.Contains(p)) continue;
                    var a = ValueAt(applied, p); var c = ValueAt(current, p);
                    if (a is JsonObject || c is JsonObject) continue; // list items / maps: compare leaves only
                    if (!JsonNode.DeepEquals(a, c)) conflicts.Add((e, p));
                }
            }
        if (conflicts.Count > 0 && !force)
        {
            var causes = new JsonArray();
            foreach (var (e, p) in conflicts) causes.Add(new JsonObject { ["reason"] = "FieldManagerConflict", ["message"] = $"conflict with {e.Id}", ["field"] = PathString(p) });
            string msg;
            if (conflicts.Count == 1) msg = $"Apply failed with 1 conflict: conflict with {conflicts[0].E.Id}: {PathString(conflicts[0].Path)}";
            else
            {
                var sb = new System.Text.StringBuilder($"Apply failed with {conflicts.Count} conflicts: ");
                var groups = conflicts.GroupBy(c => c.E.Id).ToList();
                sb.Append(string.Join("\n", groups.Select(g => $"conflicts with {g.Key}:\n" + string.Join("\n", g.Select(x => "- " + PathString(x.Path))))));
                msg = sb.ToString();
            }
            throw new ApiError(409, "Conflict", msg, new JsonObject { ["causes"] = causes });
        }
        foreach (var (e, p) in conflicts) e.Fields.Remove(p);

        var merged = current is null ? new JsonObject() : (JsonObject)current.DeepClone();
        MergeApplied(merged, applied, "", keyed);

        var mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Apply" && e.Subresource == null);
        if (mine != null)
        {
            var dropped = mine.Fields.Where(p => !appliedSet.Contains(p) && !entries.Any(o => o != mine && o.Fields.Contains(p)))
                .OrderByDescending(p => p.Count(ch => ch == Sep)).ToList();
            foreach (var p in dropped) RemoveAt(merged, p);
        }
        else
        {
            mine = new Entry { Manager = manager, Operation = "Apply", ApiVersion = apiVersion };
            entries.Add(mine);
        }
        mine.Fields = appliedSet;
        mine.Time = JsonUtil.Now();
        mine.ApiVersion = apiVersion;
        // Entries must keep their order: apply managers first as the real server does not guarantee it either.
        Write(merged, entries);
        return merged;
    }

    private static void MergeApplied(JsonObject target, JsonObject applied, string path, bool keyed)
    {
        foreach (var kv in applied)
        {
            if (path.Length == 0 && kv.Key == "status") continue;
            if (path == ".metadata" && kv.Key is "managedFields" or "resourceVersion" or "uid" or "creationTimestamp") continue;
            var childPath = path + "." + kv.Key;
            if (kv.Value is JsonObject ao && target[kv.Key] is JsonObject to) MergeApplied(to, ao, childPath, keyed);
            else if (kv.Value is JsonArray aa && keyed && MergeKeys.For(path, kv.Key) is { } key && target[kv.Key] is JsonArray ta
                     && aa.All(x => x is JsonObject xo && xo[key] != null) && ta.All(x => x is JsonObject xo && xo[key] != null))
            {
                foreach (var item in aa.OfType<JsonObject>())
                {
                    var match = ta.OfType<JsonObject>().FirstOrDefault(x => JsonNode.DeepEquals(x[key], item[key]));
                    if (match != null) MergeApplied(match, item, childPath, keyed);
                    else ta.Add(item.DeepClone());
                }
            }
            else target[kv.Key] = kv.Value?.DeepClone();
        }
    }

    public static string SerializeForDebug(JsonObject o) => JsonSerializer.Serialize(o, JsonUtil.Indented);
}
