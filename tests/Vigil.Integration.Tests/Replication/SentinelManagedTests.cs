using Vigil.Integration.Tests.Infrastructure;

namespace Vigil.Integration.Tests.Replication;

/// <summary>
/// Real redis-sentinel 7.0 managing Vigil data nodes: the seed checks (the article's deployment:
/// master, two replicas, three sentinels, requirepass, min-replicas-to-write, redis-py and
/// django-redis through the sentinels), and a failover of a Vigil master (seed T6, T7).
/// The seed checks live outside the repository (VIGIL_SEED_CHECKS, by default /work/shared/seed/checks).
/// </summary>
public class SentinelManagedTests
{
    private static string ChecksDir => Environment.GetEnvironmentVariable("VIGIL_SEED_CHECKS") is { Length: > 0 } dir
        ? dir
        : "/work/shared/seed/checks";

    private static Cli.Result RunPython(string script, params string[] args)
    {
        Assert.True(File.Exists(script), $"{script} not found: set VIGIL_SEED_CHECKS to the seed checks directory");
        return Cli.Run("/usr/bin/python3", [script, .. args], timeoutMs: 600_000, workingDirectory: Path.GetTempPath());
    }

    [Fact]
    public void SeedChecks_PassWithVigilDataNodesAndRedisSentinels()
    {
        var result = RunPython(Path.Combine(ChecksDir, "run_seedchecks.py"),
            "--server-cmd", $"{Paths.Vigil} server {{conf}}", "--sentinel-cmd", "redis-sentinel {conf}",
            "--alone-port", FreePort.Next().ToString(), "--plain-port", FreePort.Next().ToString());
        RemoveLeftovers(result.StdOut);
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("6 passed, 0 failed", result.StdOut);
    }

    /// <summary>The seed checks keep their files ("files in DIR", "project=DIR") for inspection; the test does not.</summary>
    private static void RemoveLeftovers(string output)
    {
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(output, @"(?:files in |project=)(/tmp/[\w.-]+)"))
        {
            try
            {
                Directory.Delete(m.Groups[1].Value, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public void RedisSentinel_FailsAVigilMasterOver_AndTheOldMasterRejoins()
    {
        string script = Path.Combine(Paths.RepoRoot, "tests", "Vigil.Integration.Tests", "Replication", "sentinel_failover.py");
        var result = RunPython(script, "--checks", ChecksDir, "--server-cmd", $"{Paths.Vigil} server {{conf}}",
            "--sentinel-cmd", "redis-sentinel {conf}", "--data-port", FreePort.Next().ToString(), "--sentinel-port", FreePort.Next().ToString());
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("PASS sentinel_failover", result.StdOut);
    }
}
