namespace Vigil.Server.Storage;

/// <summary>
/// The access stamp every key carries (Redis's 24-bit robj.lru field): under an LRU or no eviction
/// policy, the second the key was last accessed; under an LFU policy, the minute of the last
/// decrement in the high bits and a logarithmic access counter in the low 8 bits (evict.c).
/// </summary>
public static class KeyAccess
{
    /// <summary>LFU_INIT_VAL: the counter of a new key, so that it is not evicted before it has a chance to be used.</summary>
    public const int LfuInitialCounter = 5;

    /// <summary>The stamp of a value that was just created (createObject).</summary>
    public static uint NewStamp(Keyspace keyspace) =>
        keyspace.LfuEnabled ? (Minutes(keyspace.Now) << 8) | LfuInitialCounter : Seconds(keyspace.Now);

    /// <summary>The stamp after an access (lookupKey without LOOKUP_NOTOUCH): LRU clock, or updateLFU.</summary>
    public static uint Touched(uint stamp, Keyspace keyspace)
    {
        if (!keyspace.LfuEnabled) return Seconds(keyspace.Now);
        uint counter = DecayedCounter(stamp, keyspace);
        counter = LogIncrement(counter, keyspace.LfuLogFactor);
        return (Minutes(keyspace.Now) << 8) | counter;
    }

    /// <summary>Milliseconds since the last access (estimateObjectIdleTime), for LRU stamps.</summary>
    public static long IdleMilliseconds(uint stamp, Keyspace keyspace)
    {
        long now = Seconds(keyspace.Now);
        return Math.Max(0, now - stamp) * 1000;
    }

    /// <summary>The LFU counter after the decay for the minutes elapsed since the last access (LFUDecrAndReturn).</summary>
    public static uint DecayedCounter(uint stamp, Keyspace keyspace)
    {
        uint lastMinutes = stamp >> 8;
        uint counter = stamp & 255;
        uint now = Minutes(keyspace.Now);
        // The minute clock wraps at 16 bits, as in Redis.
        uint elapsed = now >= lastMinutes ? now - lastMinutes : 65535 - lastMinutes + now;
        uint periods = keyspace.LfuDecayTime > 0 ? elapsed / (uint)keyspace.LfuDecayTime : 0;
        return periods > counter ? 0 : counter - periods;
    }

    private static uint LogIncrement(uint counter, int logFactor)
    {
        if (counter == 255) return 255;
        double r = Random.Shared.NextDouble();
        double baseValue = Math.Max(0, (int)counter - LfuInitialCounter);
        double p = 1.0 / (baseValue * logFactor + 1);
        return r < p ? counter + 1 : counter;
    }

    private static uint Seconds(long unixMs) => (uint)(unixMs / 1000);

    private static uint Minutes(long unixMs) => (uint)(unixMs / 1000 / 60) & 65535;
}
