<#
.SYNOPSIS
The render step of the CI example for a templates application (docs/ci.md): one YAML file per environment.
.DESCRIPTION
Renders the application's templates with each environment's values (Expand-KubeTemplate) into
<OutputDirectory>/<environment>.yaml, so the policy check (Test-Manifests.ps1) and reviewers see exactly what each
environment gets. A template or value error fails the step (and, in CI, is annotated). Secrets (secrets*.yaml,
secretValues) are rendered too: keep the output directory out of published artifacts.
#>
param(
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string[]] $Environment,
    [Parameter(Mandatory)] [string] $OutputDirectory
)
$ErrorActionPreference = 'Stop'
Import-Module KubePS
$Environment = @($Environment -split ',' | ForEach-Object Trim | Where-Object { $_ })   # 'dev,prod' from pwsh -File too

$null = New-Item -ItemType Directory -Path $OutputDirectory -Force
foreach ($e in $Environment) {
    $file = Join-Path $OutputDirectory "$e.yaml"
    $objects = @(Expand-KubeTemplate -Path $Path -Environment $e)
    ($objects | ConvertTo-KubeYaml) -join "`n---`n" | Set-Content -Path $file -Encoding utf8
    Write-Host "Rendered $($objects.Count) objects for $e -> $file"
}
