namespace Vigil.Integration.Tests.Infrastructure;

/// <summary>Where the executables under test are.</summary>
public static class Paths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The published executable (scripts/test publishes it first); VIGIL_BIN overrides.</summary>
    public static string Vigil => Environment.GetEnvironmentVariable("VIGIL_BIN") is { Length: > 0 } bin
        ? bin
        : Path.Combine(RepoRoot, "artifacts", "vigil", "vigil");

    public static string RedisServer => "/usr/bin/redis-server";

    public static string RedisCli => "/usr/bin/redis-cli";

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Vigil.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Vigil.slnx not found above " + AppContext.BaseDirectory);
    }
}
