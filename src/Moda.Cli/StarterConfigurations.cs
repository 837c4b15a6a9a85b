namespace Moda.Cli;

/// <summary>The commented configurations <c>moda init</c> writes, embedded in the tool.</summary>
internal static class StarterConfigurations
{
    public static string For(string profile)
    {
        using var stream = typeof(StarterConfigurations).Assembly.GetManifestResourceStream($"{profile}.moda.json")
            ?? throw new UsageException($"--profile: no starter configuration '{profile}'");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
