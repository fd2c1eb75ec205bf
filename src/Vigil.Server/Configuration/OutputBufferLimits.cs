namespace Vigil.Server.Configuration;

/// <summary>One class of client-output-buffer-limit: hard bytes, soft bytes, soft seconds (0 = none).</summary>
public readonly record struct OutputBufferLimit(long HardBytes, long SoftBytes, long SoftSeconds)
{
    /// <summary>
    /// checkClientOutputBufferLimits: <paramref name="used"/> pending bytes are at or past the hard
    /// limit, or have stayed at or past the soft limit for longer than its seconds.
    /// <paramref name="softSince"/> is the caller's record of when the soft limit was first reached
    /// (Unix seconds, 0 while under it).
    /// </summary>
    public bool IsReached(long used, ref long softSince, long nowSeconds)
    {
        bool hard = HardBytes > 0 && used >= HardBytes;
        bool soft = SoftBytes > 0 && used >= SoftBytes;
        if (!soft)
        {
            softSince = 0;
        }
        else if (softSince == 0)
        {
            softSince = nowSeconds;
            soft = false;
        }
        else if (nowSeconds - softSince <= SoftSeconds)
        {
            soft = false;
        }
        return hard || soft;
    }
}

/// <summary>client-output-buffer-limit for the three classes Redis has: normal, replica, pubsub.</summary>
public sealed class OutputBufferLimits
{
    public OutputBufferLimit Normal { get; set; } = new(0, 0, 0);
    public OutputBufferLimit Replica { get; set; } = new(256L << 20, 64L << 20, 60);
    public OutputBufferLimit PubSub { get; set; } = new(32L << 20, 8L << 20, 60);

    public override string ToString() =>
        $"normal {Normal.HardBytes} {Normal.SoftBytes} {Normal.SoftSeconds} " +
        $"slave {Replica.HardBytes} {Replica.SoftBytes} {Replica.SoftSeconds} " +
        $"pubsub {PubSub.HardBytes} {PubSub.SoftBytes} {PubSub.SoftSeconds}";

    /// <summary>rewriteConfigClientOutputBufferLimitOption: one line per class, forced when it differs from the default.</summary>
    public IEnumerable<RewriteLine> RewriteLines()
    {
        var defaults = new OutputBufferLimits();
        yield return Line("normal", Normal, defaults.Normal);
        yield return Line("replica", Replica, defaults.Replica);
        yield return Line("pubsub", PubSub, defaults.PubSub);
    }

    private static RewriteLine Line(string name, OutputBufferLimit limit, OutputBufferLimit defaults) =>
        new($"client-output-buffer-limit {name} {ConfigText.FormatMemory(limit.HardBytes)} {ConfigText.FormatMemory(limit.SoftBytes)} {limit.SoftSeconds}",
            limit != defaults);

    /// <summary>Applies "class hard soft seconds [class hard soft seconds ...]"; returns the error or null.</summary>
    public string? Apply(string[] args)
    {
        if (args.Length == 0 || args.Length % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
        var parsed = new List<(string Class, OutputBufferLimit Limit)>();
        for (int i = 0; i < args.Length; i += 4)
        {
            string cls = args[i].ToLowerInvariant();
            if (cls is not ("normal" or "slave" or "replica" or "pubsub")) return "Invalid client class specified in buffer limit configuration.";
            if (!ConfigDirectives.TryParseMemory(args[i + 1], out long hard) ||
                !ConfigDirectives.TryParseMemory(args[i + 2], out long soft) ||
                !long.TryParse(args[i + 3], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long seconds) ||
                seconds < 0)
            {
                return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
            }
            parsed.Add((cls, new OutputBufferLimit(hard, soft, seconds)));
        }
        foreach (var (cls, limit) in parsed)
        {
            if (cls == "normal") Normal = limit;
            else if (cls == "pubsub") PubSub = limit;
            else Replica = limit;
        }
        return null;
    }
}
