namespace Moda;

/// <summary>Facts about this build of the library.</summary>
public static class ModaInfo
{
    /// <summary>The library's informational version.</summary>
    public static string Version { get; } =
        typeof(ModaInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
