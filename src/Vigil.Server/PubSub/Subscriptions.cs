using Vigil.Server.Storage;

namespace Vigil.Server.PubSub;

/// <summary>Redis's three subscription spaces: channels, patterns, and shard channels (SSUBSCRIBE).</summary>
public enum SubscriptionKind
{
    Channel,
    Pattern,
    ShardChannel,
}

/// <summary>
/// What one client is subscribed to (a <see cref="Clients.Client"/> extension). CLIENT LIST reads
/// the counts for its sub=, psub= and ssub= fields.
/// </summary>
public sealed class Subscriptions
{
    internal KeyTable<bool> Channels { get; } = new();

    /// <summary>In subscription order: Redis 7.0 keeps a client's patterns in a list, so PUNSUBSCRIBE answers in that order.</summary>
    internal List<byte[]> Patterns { get; } = new();

    internal KeyTable<bool> ShardChannels { get; } = new();

    /// <summary>Unix seconds since the pending output first passed the soft limit; 0 while under it.</summary>
    internal long SoftLimitSince { get; set; }

    public int ChannelCount => Channels.Count;

    public int PatternCount => Patterns.Count;

    public int ShardChannelCount => ShardChannels.Count;

    /// <summary>The count (P)SUBSCRIBE and (P)UNSUBSCRIBE replies carry: channels plus patterns.</summary>
    public int ChannelAndPatternCount => Channels.Count + Patterns.Count;

    /// <summary>Every subscription; the client is in subscriber mode while this is above zero.</summary>
    public int Total => Channels.Count + Patterns.Count + ShardChannels.Count;

    internal int IndexOfPattern(ReadOnlySpan<byte> pattern)
    {
        for (int i = 0; i < Patterns.Count; i++)
        {
            if (pattern.SequenceEqual(Patterns[i])) return i;
        }
        return -1;
    }

    internal static List<byte[]> KeysOf(KeyTable<bool> table)
    {
        var keys = new List<byte[]>(table.Count);
        for (int slot = 0; slot < table.SlotCount; slot++)
        {
            var key = table.KeyAt(slot);
            if (key != null) keys.Add(key);
        }
        return keys;
    }
}
