# Set-KubeLabel (kubectl label): the test body is shared with Set-KubeAnnotation, in Set-KubeMetadataMap.Shared.ps1.
. (Join-Path $PSScriptRoot 'Set-KubeMetadataMap.Shared.ps1') -Case @{ Command = 'Set-KubeLabel'; Parameter = 'Label'; Map = 'labels'; Action = 'Labeled'; Prefix = 'label' }
