# Set-KubeAnnotation (kubectl annotate): the test body is shared with Set-KubeLabel, in Set-KubeMetadataMap.Shared.ps1.
. (Join-Path $PSScriptRoot 'Set-KubeMetadataMap.Shared.ps1') -Case @{ Command = 'Set-KubeAnnotation'; Parameter = 'Annotation'; Map = 'annotations'; Action = 'Annotated'; Prefix = 'annotation' }
