<#
.SYNOPSIS
Writes platyPS-format markdown pages for cmdlets of the built module from their metadata and the
words in a text file under tools/help/ (synopsis, description, examples, parameter descriptions).
Parameter descriptions not given per cmdlet come from the file's Parameters table, then tools/help/Common.psd1.
.DESCRIPTION
platyPS is not served on this machine's registries; this does the part of New-MarkdownHelp we need.
Pages it writes are committed under docs/en-US and are the source of the MAML help.
#>
param(
    [string[]] $Name,
    [string] $Module = (Join-Path $PSScriptRoot '../out/KubePS/KubePS.psd1'),
    [string] $OutputFolder = (Join-Path $PSScriptRoot '../docs/en-US'),
    [Parameter(Mandatory)] [string] $TextFile,
    [switch] $Force
)
$ErrorActionPreference = 'Stop'
Import-Module $Module -Force
$text = Import-PowerShellDataFile $TextFile
$commonText = Import-PowerShellDataFile (Join-Path $PSScriptRoot 'help/Common.psd1')
if (-not $text.Parameters) { $text.Parameters = @{} }
foreach ($k in $commonText.Parameters.Keys) { if (-not $text.Parameters.ContainsKey($k)) { $text.Parameters[$k] = $commonText.Parameters[$k] } }
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
foreach ($cmdName in $Name) {
    $cmd = Get-Command $cmdName
    $spec = $text.Commands[$cmdName]
    if (-not $spec) { throw "$TextFile has no entry for $cmdName." }
    $out = Join-Path $OutputFolder "$cmdName.md"
    if ((Test-Path $out) -and -not $Force) { Write-Host "skip $out (exists)"; continue }
    $sb = [Text.StringBuilder]::new()
    $null = $sb.AppendLine("---`nexternal help file: KubePS.dll-Help.xml`nModule Name: KubePS`nonline version:`nschema: 2.0.0`n---`n")
    $null = $sb.AppendLine("# $cmdName`n`n## SYNOPSIS`n$($spec.Synopsis)`n`n## SYNTAX`n")
    foreach ($set in $cmd.ParameterSets) {
        $title = if ($set.Name -eq '__AllParameterSets') { 'All' } else { $set.Name }
        if ($set.IsDefault -and $cmd.ParameterSets.Count -gt 1) { $title += ' (Default)' }
        $syntax = ($set.ToString() -replace '\[-(Verbose|Debug|ErrorAction|WarningAction|InformationAction|ProgressAction|ErrorVariable|WarningVariable|InformationVariable|OutVariable|OutBuffer|PipelineVariable|WhatIf|Confirm)[^\]]*\]\s*', '').Trim()
        $null = $sb.AppendLine("### $title`n```````n$cmdName $syntax`n```````n")
    }
    $null = $sb.AppendLine("## DESCRIPTION`n$($spec.Description)`n`n## EXAMPLES`n")
    $i = 0
    foreach ($ex in $spec.Examples) {
        $i++
        $null = $sb.AppendLine("### Example ${i}: $($ex.Title)`n``````powershell`n$($ex.Code)`n```````n`n$($ex.Remarks)`n")
    }
    $null = $sb.AppendLine("## PARAMETERS`n")
    foreach ($p in ($cmd.Parameters.get_Values() | Where-Object { $_.Name -notin $common } | Sort-Object Name)) {
        $desc = if ($spec.Parameters -and $spec.Parameters[$p.Name]) { $spec.Parameters[$p.Name] } else { $text.Parameters[$p.Name] }
        if (-not $desc) { throw "No description for -$($p.Name) of $cmdName in $TextFile or tools/help/Common.psd1." }
        $sets = @($p.ParameterSets.Keys | ForEach-Object { if ($_ -eq '__AllParameterSets') { '(All)' } else { $_ } })
        $attrs = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        $required = [bool]($attrs | Where-Object Mandatory)
        $pos = ($attrs | Where-Object { $_.Position -ge 0 } | Select-Object -First 1).Position
        $pipe = @()
        if ($attrs | Where-Object ValueFromPipeline) { $pipe += 'ByValue' }
        if ($attrs | Where-Object ValueFromPipelineByPropertyName) { $pipe += 'ByPropertyName' }
        $pipeText = if ($pipe) { "True ($($pipe -join ', '))" } else { 'False' }
        $wild = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        $typeName = $p.ParameterType.Name -replace '^Nullable`1$', ($p.ParameterType.GenericTypeArguments | Select-Object -First 1).Name
        $default = if ($p.ParameterType -eq [switch]) { 'False' } else { 'None' }
        $null = $sb.AppendLine("### -$($p.Name)`n$desc`n`n``````yaml`nType: $typeName`nParameter Sets: $($sets -join ', ')`nAliases: $($p.Aliases -join ', ')`n`nRequired: $required`nPosition: $(if ($null -ne $pos) { $pos } else { 'Named' })`nDefault value: $default`nAccept pipeline input: $pipeText`nAccept wildcard characters: $wild`n```````n")
    }
    $null = $sb.AppendLine("### CommonParameters`nThis cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutVariable, -OutBuffer, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction, and -WarningVariable. For more information, see [about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).`n")
    $null = $sb.AppendLine("## INPUTS`n`n### $($spec.Inputs)`n`n## OUTPUTS`n`n### $($spec.Outputs)`n`n## NOTES`n$($spec.Notes)`n`n## RELATED LINKS`n")
    foreach ($l in $spec.Links) { $null = $sb.AppendLine("[$l]($l.md)`n") }
    [IO.File]::WriteAllText($out, ($sb.ToString() -replace "`r", '' -replace "\n{3,}", "`n`n"))
    Write-Host "wrote $out"
}
