namespace KubePS.Engine;
internal static class Placeholder { }
