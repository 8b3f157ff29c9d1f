# Turns platyPS-format markdown (docs/en-US/<Cmdlet>.md) into MAML help (KubePS.dll-Help.xml)
# and about_*.md into about_*.help.txt. platyPS itself is not served on this machine's registries,
# so this is our own reader of its documented markdown schema 2.0.0.
Set-StrictMode -Version Latest

function Read-KubePSHelpMarkdown {
    <#
    .SYNOPSIS
    Parses one platyPS markdown page into an object (Name, Synopsis, Description, Syntax, Examples, Parameters, Inputs, Outputs, Notes, Links).
    #>
    param([Parameter(Mandatory)] [string] $Path)
    $lines = [IO.File]::ReadAllLines($Path)
    $i = 0
    if ($lines.Count -gt 0 -and $lines[0].Trim() -eq '---') {
        $i = 1
        while ($i -lt $lines.Count -and $lines[$i].Trim() -ne '---') { $i++ }
        $i++
    }
    $page = [ordered]@{
        Path = $Path; Name = $null; Synopsis = ''; Description = ''; Syntax = @(); Examples = [System.Collections.Generic.List[object]]::new()
        Parameters = [System.Collections.Generic.List[object]]::new(); Inputs = @(); Outputs = @(); Notes = ''; Links = @()
    }
    # Split into level-2 sections.
    $sections = [ordered]@{}
    $current = $null
    $inFence = $false
    for (; $i -lt $lines.Count; $i++) {
        $line = $lines[$i]
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^# (.+)$' -and -not $page.Name) { $page.Name = $Matches[1].Trim(); continue }
        if (-not $inFence -and $line -match '^## (.+)$') { $current = $Matches[1].Trim().ToUpperInvariant(); $sections[$current] = [System.Collections.Generic.List[string]]::new(); continue }
        if ($null -ne $current) { $sections[$current].Add($line) }
    }
    if (-not $page.Name) { throw "$Path has no '# <Cmdlet>' title." }
    function Get-Text([System.Collections.Generic.List[string]] $body) {
        if ($null -eq $body) { return '' }
        (($body -join "`n").Trim())
    }
    function Split-Sub([System.Collections.Generic.List[string]] $body) {
        # Splits a section into level-3 blocks: @{ Title; Lines }
        $blocks = [System.Collections.Generic.List[object]]::new()
        if ($null -eq $body) { return $blocks }
        $blk = $null
        $fence = $false
        foreach ($l in $body) {
            if ($l -match '^\s*```') { $fence = -not $fence }
            if (-not $fence -and $l -match '^### (.+)$') {
                $blk = [pscustomobject]@{ Title = $Matches[1].Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
                $blocks.Add($blk); continue
            }
            if ($blk) { $blk.Lines.Add($l) }
        }
        $blocks
    }
    function Split-Fences([System.Collections.Generic.List[string]] $body) {
        # Returns @{ Code = [list of fenced blocks with their language]; Text = text outside fences }
        $code = [System.Collections.Generic.List[object]]::new()
        $text = [System.Collections.Generic.List[string]]::new()
        $buf = $null; $lang = ''
        foreach ($l in $body) {
            if ($l -match '^\s*```\s*(\S*)') {
                if ($null -eq $buf) { $buf = [System.Collections.Generic.List[string]]::new(); $lang = $Matches[1] }
                else { $code.Add([pscustomobject]@{ Language = $lang; Text = ($buf -join "`n") }); $buf = $null }
                continue
            }
            if ($null -ne $buf) { $buf.Add($l) } else { $text.Add($l) }
        }
        [pscustomobject]@{ Code = $code; Text = (($text -join "`n").Trim()) }
    }
    $page.Synopsis = Get-Text $sections['SYNOPSIS']
    $page.Description = Get-Text $sections['DESCRIPTION']
    $page.Notes = Get-Text $sections['NOTES']
    foreach ($b in Split-Sub $sections['EXAMPLES']) {
        $f = Split-Fences $b.Lines
        $code = ($f.Code | ForEach-Object Text) -join "`n"
        $page.Examples.Add([pscustomobject]@{ Title = $b.Title; Code = $code; Remarks = $f.Text })
    }
    foreach ($b in Split-Sub $sections['PARAMETERS']) {
        if ($b.Title -eq 'CommonParameters') { continue }
        if ($b.Title -notmatch '^-(\S+)') { throw "$Path : parameter heading '### $($b.Title)' does not start with '-'." }
        $paramName = $Matches[1]
        $f = Split-Fences $b.Lines
        $meta = @{}
        $yaml = $f.Code | Where-Object Language -eq 'yaml' | Select-Object -First 1
        if ($yaml) {
            foreach ($l in $yaml.Text -split "`n") { if ($l -match '^([^:]+):\s*(.*)$') { $meta[$Matches[1].Trim()] = $Matches[2].Trim() } }
        }
        $page.Parameters.Add([pscustomobject]@{
            Name        = $paramName
            Description = $f.Text
            Type        = if ($meta['Type']) { $meta['Type'] } else { 'Object' }
            Sets        = if ($meta['Parameter Sets']) { @($meta['Parameter Sets'] -split ',\s*') } else { @('(All)') }
            Aliases     = if ($meta['Aliases']) { $meta['Aliases'] } else { '' }
            Required    = $meta['Required']
            Position    = if ($meta['Position']) { $meta['Position'] } else { 'Named' }
            Default     = if ($meta['Default value']) { $meta['Default value'] } else { 'None' }
            Pipeline    = if ($meta['Accept pipeline input']) { $meta['Accept pipeline input'] } else { 'False' }
            Wildcards   = if ($meta['Accept wildcard characters']) { $meta['Accept wildcard characters'] } else { 'False' }
        })
    }
    $syntax = Split-Fences $(if ($sections['SYNTAX']) { $sections['SYNTAX'] } else { [System.Collections.Generic.List[string]]::new() })
    $page.Syntax = @($syntax.Code | ForEach-Object Text)
    $page.SyntaxSets = @(Split-Sub $sections['SYNTAX'] | ForEach-Object { ($_.Title -replace '\s*\(Default\)$', '').Trim() })
    $page.Inputs = @(Split-Sub $sections['INPUTS'] | ForEach-Object { [pscustomobject]@{ Type = $_.Title; Description = (($_.Lines -join "`n").Trim()) } })
    $page.Outputs = @(Split-Sub $sections['OUTPUTS'] | ForEach-Object { [pscustomobject]@{ Type = $_.Title; Description = (($_.Lines -join "`n").Trim()) } })
    $page.Links = @(foreach ($l in $sections['RELATED LINKS']) { if ($l -match '\[([^\]]+)\]\(([^)]*)\)') { [pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] } } })
    [pscustomobject]$page
}

function ConvertTo-KubePSMaml {
    <#
    .SYNOPSIS
    Builds one MAML document from several platyPS markdown pages.
    #>
    param([string[]] $Path = @())
    $nsCommand = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    $nsMaml = 'http://schemas.microsoft.com/maml/2004/10'
    $nsDev = 'http://schemas.microsoft.com/maml/dev/2004/10'
    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.Encoding = [Text.UTF8Encoding]::new($false)
    $sb = [Text.StringBuilder]::new()
    $w = [System.Xml.XmlWriter]::Create($sb, $settings)
    $w.WriteStartDocument()
    $w.WriteStartElement('helpItems', 'http://msh')
    $w.WriteAttributeString('schema', 'maml')
    function Write-Paras($text) {
        $w.WriteStartElement('maml', 'description', $nsMaml)
        foreach ($p in ([string]$text -split "\n\s*\n")) {
            $p = $p.Trim()
            if ($p) { $w.WriteElementString('maml', 'para', $nsMaml, $p) }
        }
        $w.WriteEndElement()
    }
    function Write-Param($p, [string] $set) {
        $w.WriteStartElement('command', 'parameter', $nsCommand)
        $w.WriteAttributeString('required', ([string]($p.Required -eq 'True')).ToLowerInvariant())
        $w.WriteAttributeString('variableLength', ([string]($p.Type -like '*[[]]')).ToLowerInvariant())
        $w.WriteAttributeString('globbing', ([string]($p.Wildcards -eq 'True')).ToLowerInvariant())
        $w.WriteAttributeString('pipelineInput', $p.Pipeline)
        $w.WriteAttributeString('position', $(if ($p.Position -match '^\d+$') { $p.Position } else { 'named' }))
        $w.WriteAttributeString('aliases', $(if ($p.Aliases) { $p.Aliases } else { 'none' }))
        $w.WriteElementString('maml', 'name', $nsMaml, $p.Name)
        Write-Paras $p.Description
        if ($p.Type -ne 'SwitchParameter') {
            $w.WriteStartElement('command', 'parameterValue', $nsCommand)
            $w.WriteAttributeString('required', 'true'); $w.WriteAttributeString('variableLength', 'false')
            $w.WriteString($p.Type); $w.WriteEndElement()
        }
        $w.WriteStartElement('dev', 'type', $nsDev); $w.WriteElementString('maml', 'name', $nsMaml, $p.Type); $w.WriteElementString('maml', 'uri', $nsMaml, ''); $w.WriteEndElement()
        $w.WriteElementString('dev', 'defaultValue', $nsDev, $p.Default)
        $w.WriteEndElement()
    }
    foreach ($file in $Path) {
        $page = Read-KubePSHelpMarkdown -Path $file
        $verb, $noun = $page.Name -split '-', 2
        $w.WriteStartElement('command', 'command', $nsCommand)
        $w.WriteAttributeString('xmlns', 'maml', $null, $nsMaml)
        $w.WriteAttributeString('xmlns', 'dev', $null, $nsDev)
        $w.WriteStartElement('command', 'details', $nsCommand)
        $w.WriteElementString('command', 'name', $nsCommand, $page.Name)
        $w.WriteElementString('command', 'verb', $nsCommand, $verb)
        $w.WriteElementString('command', 'noun', $nsCommand, $noun)
        Write-Paras $page.Synopsis
        $w.WriteEndElement()
        Write-Paras $page.Description
        # Syntax: one item per parameter set named in the SYNTAX section (or one for all).
        $sets = @($page.SyntaxSets)
        if ($sets.Count -eq 0) { $sets = @('(All)') }
        $w.WriteStartElement('command', 'syntax', $nsCommand)
        foreach ($set in $sets) {
            $w.WriteStartElement('command', 'syntaxItem', $nsCommand)
            $w.WriteElementString('maml', 'name', $nsMaml, $page.Name)
            foreach ($p in $page.Parameters) {
                if ($set -eq '(All)' -or $p.Sets -contains '(All)' -or $p.Sets -contains $set) { Write-Param $p $set }
            }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteStartElement('command', 'parameters', $nsCommand)
        foreach ($p in $page.Parameters) { Write-Param $p '' }
        $w.WriteEndElement()
        foreach ($kind in @(@('inputTypes', 'inputType', $page.Inputs), @('returnValues', 'returnValue', $page.Outputs))) {
            $w.WriteStartElement('command', $kind[0], $nsCommand)
            foreach ($t in $kind[2]) {
                $w.WriteStartElement('command', $kind[1], $nsCommand)
                $w.WriteStartElement('dev', 'type', $nsDev); $w.WriteElementString('maml', 'name', $nsMaml, $t.Type); $w.WriteEndElement()
                Write-Paras $t.Description
                $w.WriteEndElement()
            }
            $w.WriteEndElement()
        }
        if ($page.Notes) {
            $w.WriteStartElement('maml', 'alertSet', $nsMaml); $w.WriteStartElement('maml', 'alert', $nsMaml)
            foreach ($p in ($page.Notes -split "\n\s*\n")) { if ($p.Trim()) { $w.WriteElementString('maml', 'para', $nsMaml, $p.Trim()) } }
            $w.WriteEndElement(); $w.WriteEndElement()
        }
        $w.WriteStartElement('command', 'examples', $nsCommand)
        foreach ($ex in $page.Examples) {
            $w.WriteStartElement('command', 'example', $nsCommand)
            $w.WriteElementString('maml', 'title', $nsMaml, "-------------------------- $($ex.Title) --------------------------")
            $w.WriteElementString('dev', 'code', $nsDev, $ex.Code)
            $w.WriteStartElement('dev', 'remarks', $nsDev)
            foreach ($p in ($ex.Remarks -split "\n\s*\n")) { if ($p.Trim()) { $w.WriteElementString('maml', 'para', $nsMaml, $p.Trim()) } }
            $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteStartElement('command', 'relatedLinks', $nsCommand)
        foreach ($l in $page.Links) {
            $w.WriteStartElement('maml', 'navigationLink', $nsMaml)
            $w.WriteElementString('maml', 'linkText', $nsMaml, $l.Text)
            $w.WriteElementString('maml', 'uri', $nsMaml, $l.Uri)
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndDocument()
    $w.Flush()
    $sb.ToString() -replace 'encoding="utf-16"', 'encoding="utf-8"'
}

function ConvertTo-KubePSAboutHelp {
    <#
    .SYNOPSIS
    Turns an about_*.md topic into the plain-text about_*.help.txt that Get-Help reads.
    #>
    param([Parameter(Mandatory)] [string] $Path)
    $out = [Text.StringBuilder]::new()
    $inFence = $false
    foreach ($line in [IO.File]::ReadAllLines($Path)) {
        if ($line -match '^\s*```') { $inFence = -not $inFence; continue }
        if ($inFence) { [void]$out.AppendLine('    ' + $line); continue }
        if ($line -match '^#{1,2} (.+)$') { [void]$out.AppendLine($Matches[1].ToUpperInvariant()); continue }
        if ($line -match '^#{3,} (.+)$') { [void]$out.AppendLine('  ' + $Matches[1]); continue }
        [void]$out.AppendLine($(if ($line) { '    ' + $line } else { '' }))
    }
    $out.ToString()
}

Export-ModuleMember -Function Read-KubePSHelpMarkdown, ConvertTo-KubePSMaml, ConvertTo-KubePSAboutHelp
