using System.Diagnostics;
using Xunit.Abstractions;

namespace Vigil.Integration.Tests.Differential;

/// <summary>
/// Random command sequences sent to Vigil and to redis-server 7.0 must get the same replies.
/// By default a bounded run; scripts/difftest runs it for longer. Settings (environment):
/// VIGIL_DIFF_SEED (reproduce a run), VIGIL_DIFF_SEQUENCE (only that sequence),
/// VIGIL_DIFF_COUNT (sequences, default 500), VIGIL_DIFF_SECONDS (time budget, default 60).
/// </summary>
public sealed class DifferentialTests
{
    private readonly ITestOutputHelper _output;

    public DifferentialTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void RandomSequences_GetTheSameRepliesAsRedis()
    {
        int seed = EnvInt("VIGIL_DIFF_SEED") ?? Random.Shared.Next();
        int? only = EnvInt("VIGIL_DIFF_SEQUENCE");
        int? seconds = EnvInt("VIGIL_DIFF_SECONDS");
        // A time budget alone (the long run) means as many sequences as fit in it.
        int count = EnvInt("VIGIL_DIFF_COUNT") ?? (seconds != null ? int.MaxValue : 500);
        var budget = TimeSpan.FromSeconds(seconds ?? 60);
        _output.WriteLine($"seed {seed} (VIGIL_DIFF_SEED={seed} reproduces this run)");

        using var runner = new DiffRunner();
        var clock = Stopwatch.StartNew();
        int sequences = 0;
        long commands = 0;
        for (int i = only ?? 0; i < (only + 1 ?? count) && clock.Elapsed < budget; i++)
        {
            var sequence = SequenceGenerator.Generate(SequenceSeed(seed, i), runner.Supports);
            var divergence = runner.Run(sequence);
            if (divergence != null)
            {
                var (small, smallDivergence) = Minimizer.Minimize(runner, sequence, divergence);
                Assert.Fail(
                    $"Vigil and redis-server 7.0 answered differently: seed {seed}, sequence {i}.\n" +
                    $"Reproduce: VIGIL_DIFF_SEED={seed} VIGIL_DIFF_SEQUENCE={i} scripts/difftest\n" +
                    $"Minimized ({small.CommandCount} of {sequence.CommandCount} commands, from an empty keyspace):\n{small.Describe()}" +
                    $"{smallDivergence}\n\nOriginal sequence:\n{sequence.Describe()}{divergence}");
            }
            sequences++;
            commands += sequence.CommandCount;
        }
        _output.WriteLine($"{sequences} sequences, {commands} commands, {clock.Elapsed.TotalSeconds:F1} s: no difference");
        Assert.True(sequences > 0, "no sequence ran");
    }

    [Fact]
    public void Tester_ReportsADifference_AndMinimizesItToTheCommand()
    {
        // INFO server names the process (run_id, process_id): the two servers can never agree on it.
        static DiffCommand Command(params string[] args) => new(args.Select(CommandRandom.Bytes).ToArray(), ReplyMatch.Exact);
        var sequence = new DiffSequence(
        [
            new DiffWrite([Command("SET", "a", "1")], Inline: false),
            new DiffWrite([Command("GET", "a"), Command("INFO", "server")], Inline: false),
            new DiffWrite([Command("GET", "a")], Inline: true),
        ], FinalInput: CommandRandom.Bytes("*abc\r\n"));

        using var runner = new DiffRunner();
        var divergence = runner.Run(sequence);
        Assert.NotNull(divergence);
        Assert.Equal("info", divergence.Command!.Name);

        var (small, smallDivergence) = Minimizer.Minimize(runner, sequence, divergence);
        Assert.Null(small.FinalInput);
        var only = Assert.Single(small.Writes);
        Assert.Equal("info", Assert.Single(only.Commands).Name);
        Assert.Equal("info", smallDivergence.Command!.Name);
    }

    [Fact]
    public void SameSeed_GeneratesTheSameSequence()
    {
        var first = SequenceGenerator.Generate(12345, _ => true).Describe();
        var again = SequenceGenerator.Generate(12345, _ => true).Describe();
        Assert.Equal(first, again);
        Assert.NotEqual(first, SequenceGenerator.Generate(12346, _ => true).Describe());
    }

    /// <summary>Each sequence has its own seed, so one sequence replays alone.</summary>
    private static int SequenceSeed(int seed, int index) => unchecked(seed * 31 + index * (int)0x9E3779B1);

    private static int? EnvInt(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text) : null;
}
