using System.Diagnostics;
using Vigil.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Vigil.Integration.Tests.Differential;

/// <summary>
/// The loop shared by the multi-client differential tests: scenarios generated from a seed run on a
/// vigil process and a redis-server 7.0 side by side until the count or the time budget is spent.
/// Settings (environment, <c>PREFIX</c> as the test names it): PREFIX_SEED, PREFIX_SCENARIO (only
/// that one), PREFIX_COUNT, PREFIX_SECONDS.
/// </summary>
public static class ScenarioRunner
{
    /// <summary><paramref name="run"/> returns the first difference, described, or null.</summary>
    public static void Run<TScenario>(ITestOutputHelper output, string prefix, string testName, int defaultCount, int defaultSeconds,
        Func<int, TScenario> generate, Func<TScenario, string> describe, Func<TScenario, int, int, string?> run)
    {
        int seed = EnvInt(prefix + "_SEED") ?? Random.Shared.Next();
        int? only = EnvInt(prefix + "_SCENARIO");
        int count = EnvInt(prefix + "_COUNT") ?? defaultCount;
        var budget = TimeSpan.FromSeconds(EnvInt(prefix + "_SECONDS") ?? defaultSeconds);
        output.WriteLine($"seed {seed} ({prefix}_SEED={seed} reproduces this run)");

        using var redis = ServerProcess.StartRedis();
        using var vigil = ServerProcess.StartVigil();
        var clock = Stopwatch.StartNew();
        int scenarios = 0;
        for (int i = only ?? 0; i < (only + 1 ?? count) && clock.Elapsed < budget; i++)
        {
            var scenario = generate(unchecked(seed * 31 + i));
            string? difference = run(scenario, vigil.Port, redis.Port);
            if (difference != null)
            {
                Assert.Fail($"Vigil and redis-server 7.0 differ: seed {seed}, scenario {i}.\n" +
                    $"Reproduce: {prefix}_SEED={seed} {prefix}_SCENARIO={i} dotnet test --filter {testName}\n" +
                    $"{describe(scenario)}{difference}");
            }
            scenarios++;
        }
        output.WriteLine($"{scenarios} scenarios, {clock.Elapsed.TotalSeconds:F1} s: no difference");
        Assert.True(scenarios > 0, "no scenario ran");
    }

    /// <summary>A command's arguments from bytes, byte arrays, texts (Latin-1) and numbers.</summary>
    public static byte[][] Args(params object[] parts)
    {
        var args = new List<byte[]>();
        foreach (var p in parts)
        {
            switch (p)
            {
                case byte[] b: args.Add(b); break;
                case byte[][] many: args.AddRange(many); break;
                case string[] texts: args.AddRange(texts.Select(CommandRandom.Bytes)); break;
                default: args.Add(CommandRandom.Bytes(p.ToString()!)); break;
            }
        }
        return args.ToArray();
    }

    /// <summary>A command as text, for a failure message.</summary>
    public static string Show(byte[][] args) => string.Join(' ', args.Select(a => System.Text.Encoding.Latin1.GetString(a)));

    /// <summary>Commands as one write of RESP requests.</summary>
    public static byte[] Encode(IEnumerable<byte[][]> commands) => commands.SelectMany(RespConnection.Encode).ToArray();

    /// <summary>The next reply, escaped for a message.</summary>
    public static string Raw(RespConnection connection) => Reply.Escape(connection.ReadRaw(out _));

    public static string Raw(RespConnection connection, params string[] args)
    {
        connection.Send(args);
        return Raw(connection);
    }

    private static int? EnvInt(string name) => int.TryParse(Environment.GetEnvironmentVariable(name), out int v) ? v : null;
}
