namespace KubePS;
internal static class Placeholder { }
