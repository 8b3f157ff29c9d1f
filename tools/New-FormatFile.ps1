# Generates src/KubePS/Formats/KubePS.Resources.Format.ps1xml from a compact table of views (the source of truth).
param([string] $Out = (Join-Path $PSScriptRoot '../src/KubePS/Formats/KubePS.Resources.Format.ps1xml'))
$P = '[KubePS.Output.KubeColumns]'
$age = "[KubePS.Output.KubeObjectProperties]::FormatAge(`$_.Age)"
$views = [ordered]@{
  'k8s.Models.V1Pod' = @(
    @('NAME', '$_.Name', 0), @('READY', '$_.Ready', 0), @('STATUS', '$_.State', 0), @('RESTARTS', '$_.Restarts', 0), @('AGE', $age, 0),
    @('IP', '$_.Status.PodIP', 1), @('NODE', '$_.Spec.NodeName', 1))
  'k8s.Models.V1Deployment' = @(
    @('NAME', '$_.Name', 0), @('READY', '"{0}/{1}" -f [int]$_.Status.ReadyReplicas, [int]$_.Spec.Replicas', 0), @('UP-TO-DATE', '[int]$_.Status.UpdatedReplicas', 0), @('AVAILABLE', '[int]$_.Status.AvailableReplicas', 0), @('AGE', $age, 0),
    @('CONTAINERS', '($_.Spec.Template.Spec.Containers.Name) -join ","', 1), @('IMAGES', '($_.Spec.Template.Spec.Containers.Image) -join ","', 1), @('SELECTOR', "$P::FormatSelector(`$_.Spec.Selector)", 1))
  'k8s.Models.V1ReplicaSet' = @(
    @('NAME', '$_.Name', 0), @('DESIRED', '[int]$_.Spec.Replicas', 0), @('CURRENT', '[int]$_.Status.Replicas', 0), @('READY', '[int]$_.Status.ReadyReplicas', 0), @('AGE', $age, 0),
    @('CONTAINERS', '($_.Spec.Template.Spec.Containers.Name) -join ","', 1), @('IMAGES', '($_.Spec.Template.Spec.Containers.Image) -join ","', 1), @('SELECTOR', "$P::FormatSelector(`$_.Spec.Selector)", 1))
  'k8s.Models.V1StatefulSet' = @(
    @('NAME', '$_.Name', 0), @('READY', '"{0}/{1}" -f [int]$_.Status.ReadyReplicas, [int]$_.Spec.Replicas', 0), @('AGE', $age, 0),
    @('CONTAINERS', '($_.Spec.Template.Spec.Containers.Name) -join ","', 1), @('IMAGES', '($_.Spec.Template.Spec.Containers.Image) -join ","', 1))
  'k8s.Models.V1DaemonSet' = @(
    @('NAME', '$_.Name', 0), @('DESIRED', '[int]$_.Status.DesiredNumberScheduled', 0), @('CURRENT', '[int]$_.Status.CurrentNumberScheduled', 0), @('READY', '[int]$_.Status.NumberReady', 0), @('UP-TO-DATE', '[int]$_.Status.UpdatedNumberScheduled', 0), @('AVAILABLE', '[int]$_.Status.NumberAvailable', 0), @('NODE SELECTOR', "$P::FormatMap(`$_.Spec.Template.Spec.NodeSelector)", 0), @('AGE', $age, 0))
  'k8s.Models.V1Job' = @(
    @('NAME', '$_.Name', 0), @('STATUS', "$P::JobStatus(`$_)", 0), @('COMPLETIONS', '"{0}/{1}" -f [int]$_.Status.Succeeded, $(if ($null -ne $_.Spec.Completions) { $_.Spec.Completions } else { 1 })', 0), @('DURATION', "$P::JobDuration(`$_)", 0), @('AGE', $age, 0))
  'k8s.Models.V1CronJob' = @(
    @('NAME', '$_.Name', 0), @('SCHEDULE', '$_.Spec.Schedule', 0), @('TIMEZONE', '$(if ($_.Spec.TimeZone) { $_.Spec.TimeZone } else { "<none>" })', 0), @('SUSPEND', '[bool]$_.Spec.Suspend', 0), @('ACTIVE', '$(if ($_.Status.Active) { $_.Status.Active.Count } else { 0 })', 0), @('LAST SCHEDULE', "$P::FormatSince(`$_.Status.LastScheduleTime)", 0), @('AGE', $age, 0))
  'k8s.Models.V1Service' = @(
    @('NAME', '$_.Name', 0), @('TYPE', '$_.Spec.Type', 0), @('CLUSTER-IP', '$_.Spec.ClusterIP', 0), @('EXTERNAL-IP', "$P::ServiceExternalIP(`$_)", 0), @('PORT(S)', "$P::ServicePorts(`$_)", 0), @('AGE', $age, 0),
    @('SELECTOR', "$P::FormatMap(`$_.Spec.Selector)", 1))
  'k8s.Models.V1Ingress' = @(
    @('NAME', '$_.Name', 0), @('CLASS', '$(if ($_.Spec.IngressClassName) { $_.Spec.IngressClassName } else { "<none>" })', 0), @('HOSTS', "$P::IngressHosts(`$_)", 0), @('ADDRESS', '($_.Status.LoadBalancer.Ingress | ForEach-Object { if ($_.Ip) { $_.Ip } else { $_.Hostname } }) -join ","', 0), @('PORTS', '$(if ($_.Spec.Tls) { "80, 443" } else { "80" })', 0), @('AGE', $age, 0))
  'k8s.Models.V1ConfigMap' = @(@('NAME', '$_.Name', 0), @('DATA', '$(if ($_.Data) { $_.Data.Count } else { 0 }) + $(if ($_.BinaryData) { $_.BinaryData.Count } else { 0 })', 0), @('AGE', $age, 0))
  'k8s.Models.V1Secret' = @(@('NAME', '$_.Name', 0), @('TYPE', '$_.Type', 0), @('DATA', '$(if ($_.Data) { $_.Data.Count } else { 0 })', 0), @('AGE', $age, 0))
  'k8s.Models.V1Namespace' = @(@('NAME', '$_.Name', 0), @('STATUS', '$_.Status.Phase', 0), @('AGE', $age, 0))
  'k8s.Models.V1Node' = @(
    @('NAME', '$_.Name', 0), @('STATUS', "$P::NodeStatus(`$_)", 0), @('ROLES', "$P::NodeRoles(`$_)", 0), @('AGE', $age, 0), @('VERSION', '$_.Status.NodeInfo.KubeletVersion', 0),
    @('INTERNAL-IP', '($_.Status.Addresses | Where-Object Type -eq InternalIP | Select-Object -First 1).Address', 1), @('OS-IMAGE', '$_.Status.NodeInfo.OsImage', 1))
  'k8s.Models.V1PersistentVolumeClaim' = @(
    @('NAME', '$_.Name', 0), @('STATUS', '$_.Status.Phase', 0), @('VOLUME', '$_.Spec.VolumeName', 0), @('CAPACITY', '$(if ($_.Status.Capacity) { $_.Status.Capacity["storage"] })', 0), @('ACCESS MODES', "$P::AccessModes(`$_.Status.AccessModes)", 0), @('STORAGECLASS', '$_.Spec.StorageClassName', 0), @('AGE', $age, 0))
  'k8s.Models.Corev1Event' = @(
    @('LAST SEEN', "$P::EventLastSeen(`$_)", 0), @('TYPE', '$_.Type', 0), @('REASON', '$_.Reason', 0), @('OBJECT', '"{0}/{1}" -f $_.InvolvedObject.Kind.ToLowerInvariant(), $_.InvolvedObject.Name', 0), @('MESSAGE', '$_.Message', 0))
  'KubePS.Resource' = @(@('NAME', '$_.Name', 0), @('KIND', '$_.Kind', 0), @('AGE', $age, 0))
}
$sb = [Text.StringBuilder]::new()
[void]$sb.AppendLine('<?xml version="1.0" encoding="utf-8"?>')
[void]$sb.AppendLine('<!-- Generated by tools/New-FormatFile.ps1 from its view table: edit the table, not this file. -->')
[void]$sb.AppendLine('<Configuration>')
[void]$sb.AppendLine('  <ViewDefinitions>')
function esc([string]$s) { [Security.SecurityElement]::Escape($s) }
foreach ($type in $views.Keys) {
  foreach ($wide in $false, $true) {
    $cols = @($views[$type] | Where-Object { $wide -or $_[2] -eq 0 })
    if ($wide -and -not ($views[$type] | Where-Object { $_[2] -eq 1 })) { continue }
    $name = if ($wide) { 'Wide' } else { 'Default' }
    [void]$sb.AppendLine("    <View><Name>$name</Name><ViewSelectedBy><TypeName>$type</TypeName></ViewSelectedBy>")
    if ($type -ne 'k8s.Models.V1Namespace' -and $type -ne 'k8s.Models.V1Node') {
      [void]$sb.AppendLine('      <GroupBy><PropertyName>Namespace</PropertyName><Label>Namespace</Label></GroupBy>')
    }
    [void]$sb.AppendLine('      <TableControl><TableHeaders>')
    foreach ($c in $cols) { [void]$sb.AppendLine("        <TableColumnHeader><Label>$(esc $c[0])</Label></TableColumnHeader>") }
    [void]$sb.AppendLine('      </TableHeaders><TableRowEntries><TableRowEntry><TableColumnItems>')
    # A plain property is bound by name: no script block runs for it (about a third of the time of a 10,000-row table).
    foreach ($c in $cols) {
      if ($c[1] -match '^\$_\.(\w+)$') { [void]$sb.AppendLine("        <TableColumnItem><PropertyName>$($Matches[1])</PropertyName></TableColumnItem>") }
      else { [void]$sb.AppendLine("        <TableColumnItem><ScriptBlock>$(esc $c[1])</ScriptBlock></TableColumnItem>") }
    }
    [void]$sb.AppendLine('      </TableColumnItems></TableRowEntry></TableRowEntries></TableControl></View>')
  }
}
# Show-KubeResource's description prints as its text, like kubectl describe.
[void]$sb.AppendLine('    <View><Name>KubeDescription</Name><ViewSelectedBy><TypeName>KubePS.Commands.KubeDescription</TypeName></ViewSelectedBy>')
[void]$sb.AppendLine('      <CustomControl><CustomEntries><CustomEntry><CustomItem><ExpressionBinding><ScriptBlock>$_.Text</ScriptBlock></ExpressionBinding></CustomItem></CustomEntry></CustomEntries></CustomControl></View>')
[void]$sb.AppendLine('  </ViewDefinitions>')
[void]$sb.AppendLine('</Configuration>')
[IO.File]::WriteAllText($Out, $sb.ToString())
