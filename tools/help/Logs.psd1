# Words for the help pages of the logs, events and watches cmdlets (tools/New-HelpPage.ps1; docs/en-US/*.md are then edited by hand).
@{
    Parameters = @{
        Timeout = 'Stop after this long: a TimeSpan, a number of seconds, or a duration such as 30s, 5m, 1h30m. Reaching it ends the command without an error.'
        Count   = 'Stop after this many changes.'
    }
    Commands = @{
        'Get-KubeLog' = @{
            Synopsis = 'Gets the logs of pods, and with -Follow streams them from many pods at once, picking up pods that appear and surviving dropped connections.'
            Description = 'Reads pods/log of every matching container. Targets: pod names (wildcards, or regular expressions with -Match), kind/name of a workload (deployment/web), -Selector, -Deployment/-StatefulSet/-DaemonSet/-ReplicaSet/-Job, or pods and workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, Service) from the pipeline; in -Namespace or across -AllNamespaces. Each line is a LogLine object (Namespace, Pod, Container, Timestamp, Line) whose default view prints "pod/container line" with the prefix in a colour that stays the same for a pod (no colour when NO_COLOR is set, output is redirected, or $PSStyle.OutputRendering is PlainText); -Raw writes plain strings instead. With -Follow the pods are watched: containers that start later (scale-ups, rollouts, restarts) are followed as they appear and pods that go away stop being followed. Timestamps are always requested, so a dropped stream reconnects with backoff and resumes at the last line''s time, skipping the lines already delivered at that boundary: nothing is lost or repeated. Lines of many streams come out as they arrive, or merged by timestamp with -Sort. As kubectl does, selectors, workloads and wildcards start at the last 10 lines of each container unless -Tail, -Since or -SinceTime says otherwise. A pod that does not exist (KubeNotFound), a -Container that matches no container of a pod (KubeLogContainerNotFound), -Previous for a container that has not restarted (KubeLogNoPreviousContainer) and streams beyond -MaxStreams (KubeLogMaxStreamsExceeded: they wait for a free slot) are non-terminating errors; the other streams keep going.'
            Examples = @(
                @{ Title = 'Follow every pod of a deployment'; Code = 'Get-KubeLog -Deployment web -Namespace shop -Follow'; Remarks = 'New pods of a rollout are picked up as they start; Ctrl+C stops.' }
                @{ Title = 'Errors of the last hour across pods, as objects'; Code = "Get-KubeLog -Selector app=api -Namespace shop -Since 1h -Tail -1 -Include 'ERROR|panic' | Group-Object Pod | Sort-Object Count -Descending"; Remarks = 'Include and Exclude are regular expressions applied to each line.' }
                @{ Title = 'One container of pods matching a pattern, with timestamps, into a file'; Code = "Get-KubeLog 'worker-*' -Container app -Timestamps -Raw | Set-Content worker.log"; Remarks = '-Raw writes plain strings; with -Timestamps each starts with the RFC 3339 time.' }
                @{ Title = 'What a crashed container wrote before it restarted'; Code = 'Get-KubePod -Namespace shop | Where-Object Restarts -gt 0 | Get-KubeLog -Previous -Tail 20'; Remarks = '' }
                @{ Title = 'Follow for a while, merged by time'; Code = 'Get-KubeLog statefulset/db -Follow -Sort -Timestamps -Timeout 5m'; Remarks = '-Sort holds lines for half a second to put them in timestamp order.' }
            )
            Parameters = @{
                Name = 'Pod names: exact names, wildcard patterns (web-*), regular expressions with -Match, or kind/name of a workload (deployment/web, sts/db, job/migrate, pod/web-0).'
                Match = 'Treats -Name as regular expressions, matched anywhere in the pod name.'
                Selector = 'A label selector, as kubectl -l takes it: app=web, tier in (front,back). With -Follow, pods that match later are followed too.'
                Deployment = 'Reads the pods of this Deployment (found by its spec.selector).'
                StatefulSet = 'Reads the pods of this StatefulSet.'
                DaemonSet = 'Reads the pods of this DaemonSet.'
                ReplicaSet = 'Reads the pods of this ReplicaSet.'
                Job = 'Reads the pods of this Job.'
                InputObject = 'Pods, workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, Service: their pods by selector) or names from the pipeline.'
                AllNamespaces = 'Reads pods in every namespace (kubectl -A). The default view then prefixes the namespace.'
                Container = 'Only containers with these names (wildcards allowed). Default: every container, and init containers that have started.'
                Follow = 'Keeps streaming: new lines, containers that start later, pods that appear; stops following pods that go away. Ends at Ctrl+C, -Timeout, or, for named pods only, when every container has finished.'
                Tail = 'Lines from the end of each log to start with; -1 for all. Default: all for named pods, 10 for selectors, workloads and wildcards (as kubectl).'
                Since = 'Only lines newer than this: a TimeSpan or a duration such as 5m, 1h30m, 90s.'
                SinceTime = 'Only lines written at or after this time.'
                Timestamps = 'Shows each line''s timestamp in the default view and in -Raw output. The Timestamp property is always set.'
                Previous = 'Reads the log of the previous, terminated instance of each container (after a restart).'
                LimitBytes = 'Stops each container''s log after this many bytes of text.'
                Include = 'Keeps only lines matching one of these regular expressions.'
                Exclude = 'Drops lines matching any of these regular expressions.'
                MaxStreams = 'How many container logs are read at once (default 50). With -Follow, streams beyond it are reported (KubeLogMaxStreamsExceeded) and start when another stream ends.'
                Sort = 'Merges lines by timestamp instead of arrival order: all of them without -Follow; with -Follow, within a half-second window.'
                Raw = 'Writes plain strings (the line; with -Timestamps, its time first) instead of LogLine objects, for files and native tools.'
                Timeout = 'With -Follow, stops after this long: a TimeSpan, seconds, or a duration such as 30s, 10m. Reaching it is not an error.'
            }
            Inputs = 'k8s.Models.V1Pod, V1Deployment, V1StatefulSet, V1DaemonSet, V1ReplicaSet, V1Job, V1Service, System.String'; Outputs = 'KubePS.Engine.Logs.LogLine, System.String'
            Notes = 'Log streams are plain HTTP requests; each followed container holds one connection. -Verbose reports reconnects and, at the end, the lines, streams, reconnects and de-duplicated boundary lines.'
            Links = @('Get-KubePod', 'Watch-KubeEvent', 'Watch-KubeResource')
        }
        'Watch-KubeResource' = @{
            Synopsis = 'Streams the changes to objects of a kind (Added, Modified, Deleted) until Ctrl+C, -Timeout or -Count.'
            Description = 'Lists and then watches the kind (any kind the cluster serves, custom resources included) and writes a KubeResourceChange per change: Type (Added, Modified, Deleted), Object (the typed model, or a KubePS.Resource PSObject for custom resources; for Deleted its last state), Kind, Namespace, Name, ResourceVersion and Time (when it was seen). Objects that exist when the watch starts come first as Added, unless -ChangesOnly. The watch survives long runs: it resumes from the last resourceVersion, asks for bookmarks, reconnects with backoff and jitter after a dropped stream, 429 or 5xx, and after 410 Gone re-lists and reports only the differences from what it had seen, so no change is invented or repeated. A single exact -Name is watched with a field selector; wildcards are matched locally.'
            Examples = @(
                @{ Title = 'Watch pods of an app change'; Code = 'Watch-KubeResource pods -Selector app=web -Namespace shop'; Remarks = 'Prints TIME TYPE KIND NAMESPACE NAME RESOURCEVERSION; Ctrl+C stops.' }
                @{ Title = 'Wait for the next deletion in any namespace'; Code = "Watch-KubeResource deployments -AllNamespaces -ChangesOnly | Where-Object Type -eq Deleted | Select-Object -First 1"; Remarks = 'Select-Object -First stops the watch once it has its answer.' }
                @{ Title = 'Record a minute of changes to a custom resource'; Code = "Watch-KubeResource widgets.example.com -Timeout 1m | ForEach-Object { '{0:o} {1} {2}' -f `$_.Time, `$_.Type, `$_.Name }"; Remarks = '' }
            )
            Parameters = @{
                Kind = 'The kind as kubectl accepts it: po, pods, Pod, deploy, deployments.apps, Widget.example.com.'
                Name = 'Only objects with these names (wildcards allowed).'
                Selector = 'A label selector: app=web, tier in (front,back). The server filters.'
                ApiVersion = 'The API version when the kind is ambiguous (apps/v1).'
                AllNamespaces = 'Watches every namespace (kubectl -A).'
                ChangesOnly = 'Leaves out the objects that exist when the watch starts; reports only changes from then on (kubectl --watch-only).'
            }
            Inputs = 'None'; Outputs = 'KubePS.Output.KubeResourceChange'; Notes = 'A watch that cannot go on (401, 403 on list, the kind removed) ends with a KubeWatchFailed, KubeUnauthorized or KubeForbidden error.'
            Links = @('Wait-KubeResource', 'Watch-KubeEvent', 'Get-KubeResource')
        }
        'Watch-KubeEvent' = @{
            Synopsis = 'Streams events as they happen, with the filters of Get-KubeEvent, until Ctrl+C, -Timeout or -Count.'
            Description = 'Watches events (in -Namespace, or every namespace with -AllNamespaces) and writes each Corev1Event when it is created or updated (an event''s count grows when it repeats). Existing events come first unless -ChangesOnly. -For takes any kube object and keeps the events about it (and watches its namespace); -Type, -Reason and -Since filter as in Get-KubeEvent. The watch resumes after drops and 410 Gone without repeating events.'
            Examples = @(
                @{ Title = 'Follow warnings in a namespace'; Code = 'Watch-KubeEvent -Namespace shop -Type Warning -ChangesOnly'; Remarks = 'Like kubectl events --watch --types=Warning.' }
                @{ Title = 'Watch what happens to one pod during a rollout'; Code = 'Get-KubePod web-0 -Namespace shop | Watch-KubeEvent -Timeout 2m'; Remarks = '' }
                @{ Title = 'Stop at the first back-off anywhere'; Code = 'Watch-KubeEvent -AllNamespaces -Reason BackOff -ChangesOnly -Count 1'; Remarks = '' }
            )
            Parameters = @{
                For = 'Only events about this object (a pod, a deployment, any kube object); its namespace is watched.'
                Type = 'Only events of this type.'
                Reason = 'Only events with one of these reasons (wildcards allowed): BackOff, Failed*, Scaling*.'
                Since = 'Of the events that already exist, only those seen within this time: a TimeSpan or a duration such as 10m.'
                AllNamespaces = 'Watches events in every namespace.'
                ChangesOnly = 'Leaves out the events that exist when the watch starts.'
                Count = 'Stop after this many events.'
            }
            Inputs = 'Any kube object (-For)'; Outputs = 'k8s.Models.Corev1Event'; Notes = ''
            Links = @('Get-KubeEvent', 'Watch-KubeResource', 'Get-KubeLog')
        }
    }
}
