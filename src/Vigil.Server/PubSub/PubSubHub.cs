using Vigil.Protocol;
using Vigil.Server.Clients;
using Vigil.Server.Storage;

namespace Vigil.Server.PubSub;

/// <summary>
/// The server's channel, pattern and shard-channel subscriptions, and message delivery (pubsub.c).
/// Subscribers of a channel are kept in subscription order, as Redis 7.0's client lists are, so
/// PUBLISH reaches them in that order. Messages are appended to each subscriber's output under the
/// keyspace lock, so messages from one publisher arrive in publish order. A subscriber whose pending
/// output passes client-output-buffer-limit pubsub is disconnected. Everything runs under the lock.
/// </summary>
public sealed class PubSubHub
{
    private readonly VigilServer _server;
    private readonly KeyTable<List<Client>> _channels = new();
    private readonly KeyTable<List<Client>> _patterns = new();
    private readonly KeyTable<List<Client>> _shardChannels = new();
    private readonly HashSet<Client> _subscribers = new();
    private readonly List<Client> _overLimit = new();

    public PubSubHub(VigilServer server)
    {
        _server = server;
        server.ClientClosed += Forget;
        server.ClientResetting += Forget;
        server.AddCronJob(CronCheck);
    }

    /// <summary>Distinct patterns with at least one subscriber (PUBSUB NUMPAT, INFO pubsub_patterns).</summary>
    public int PatternCount => _patterns.Count;

    /// <summary>True when some client listens to a channel or a pattern (shard channels aside).</summary>
    public bool HasSubscribers => _channels.Count > 0 || _patterns.Count > 0;

    /// <summary>Subscribes and writes the confirmation (pubsubSubscribeChannel / pubsubSubscribePattern).</summary>
    public void Subscribe(Client client, ReadOnlySpan<byte> name, SubscriptionKind kind)
    {
        var subs = client.GetOrAddExtension<Subscriptions>();
        if (kind == SubscriptionKind.Pattern)
        {
            if (subs.IndexOfPattern(name) < 0)
            {
                var pattern = name.ToArray();
                subs.Patterns.Add(pattern);
                AddSubscriber(_patterns, pattern, client);
            }
        }
        else
        {
            var own = kind == SubscriptionKind.Channel ? subs.Channels : subs.ShardChannels;
            int slot = own.FindOrAdd(name, KeyTable<bool>.HashOf(name), out bool added);
            if (added) AddSubscriber(ServerTable(kind), own.KeyAt(slot)!, client);
        }
        _subscribers.Add(client);
        client.Flags |= ClientFlags.PubSub;
        UpdateStats();
        WriteSubscriptionEvent(client, SubscribeWord(kind), name, hasName: true, CountFor(subs, kind));
    }

    /// <summary>Unsubscribes; with <paramref name="notify"/> writes the confirmation even when not subscribed.</summary>
    public void Unsubscribe(Client client, ReadOnlySpan<byte> name, SubscriptionKind kind, bool notify)
    {
        var subs = client.GetExtension<Subscriptions>();
        if (subs != null) RemoveOne(client, subs, name, kind);
        if (notify) WriteSubscriptionEvent(client, UnsubscribeWord(kind), name, hasName: true, subs == null ? 0 : CountFor(subs, kind));
    }

    /// <summary>
    /// Drops every subscription of <paramref name="kind"/>; with <paramref name="notify"/> writes one
    /// confirmation each, or a single one with a null name when there were none.
    /// </summary>
    public void UnsubscribeAll(Client client, SubscriptionKind kind, bool notify)
    {
        var subs = client.GetExtension<Subscriptions>();
        int removed = 0;
        if (subs != null)
        {
            var names = kind switch
            {
                SubscriptionKind.Pattern => [.. subs.Patterns],
                SubscriptionKind.Channel => Subscriptions.KeysOf(subs.Channels),
                _ => Subscriptions.KeysOf(subs.ShardChannels),
            };
            foreach (var name in names)
            {
                RemoveOne(client, subs, name, kind);
                removed++;
                if (notify) WriteSubscriptionEvent(client, UnsubscribeWord(kind), name, hasName: true, CountFor(subs, kind));
            }
        }
        if (notify && removed == 0) WriteSubscriptionEvent(client, UnsubscribeWord(kind), default, hasName: false, subs == null ? 0 : CountFor(subs, kind));
    }

    /// <summary>Leaves subscriber mode once the client has no subscription left.</summary>
    public void LeaveSubscriberModeIfIdle(Client client)
    {
        var subs = client.GetExtension<Subscriptions>();
        if (subs != null && subs.Total > 0) return;
        client.Flags &= ~ClientFlags.PubSub;
        _subscribers.Remove(client);
    }

    /// <summary>Delivers a message to the channel's subscribers and, unless sharded, to matching patterns. Returns the receivers.</summary>
    public long Publish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message, bool shard)
    {
        long receivers = 0;
        var table = shard ? _shardChannels : _channels;
        if (table.Count > 0)
        {
            int slot = table.Find(channel);
            if (slot >= 0)
            {
                var kind = shard ? "$8\r\nsmessage\r\n"u8 : "$7\r\nmessage\r\n"u8;
                foreach (var client in table.ValueAt(slot))
                {
                    Deliver(client, kind, default, hasPattern: false, channel, message);
                    receivers++;
                }
            }
        }
        if (!shard && _patterns.Count > 0)
        {
            for (int slot = 0; slot < _patterns.SlotCount; slot++)
            {
                var pattern = _patterns.KeyAt(slot);
                if (pattern == null || !GlobPattern.IsMatch(pattern, channel)) continue;
                foreach (var client in _patterns.ValueAt(slot))
                {
                    Deliver(client, "$8\r\npmessage\r\n"u8, pattern, hasPattern: true, channel, message);
                    receivers++;
                }
            }
        }
        DropOverLimitClients();
        return receivers;
    }

    /// <summary>Subscribers of one channel, patterns not counted (PUBSUB NUMSUB / SHARDNUMSUB).</summary>
    public int SubscriberCount(ReadOnlySpan<byte> channel, bool shard)
    {
        var table = shard ? _shardChannels : _channels;
        int slot = table.Count == 0 ? -1 : table.Find(channel);
        return slot < 0 ? 0 : table.ValueAt(slot).Count;
    }

    /// <summary>Writes the active channels matching <paramref name="pattern"/> (all when null) as an array.</summary>
    public void WriteChannels(RespWriter reply, byte[]? pattern, bool shard)
    {
        var table = shard ? _shardChannels : _channels;
        int mark = reply.BeginDeferred();
        int count = 0;
        for (int slot = 0; slot < table.SlotCount; slot++)
        {
            var channel = table.KeyAt(slot);
            if (channel == null || (pattern != null && !GlobPattern.IsMatch(pattern, channel))) continue;
            reply.WriteBulkString(channel);
            count++;
        }
        reply.EndDeferredArray(mark, count);
    }

    private static ReadOnlySpan<byte> SubscribeWord(SubscriptionKind kind) => kind switch
    {
        SubscriptionKind.Channel => "subscribe"u8,
        SubscriptionKind.Pattern => "psubscribe"u8,
        _ => "ssubscribe"u8,
    };

    private static ReadOnlySpan<byte> UnsubscribeWord(SubscriptionKind kind) => kind switch
    {
        SubscriptionKind.Channel => "unsubscribe"u8,
        SubscriptionKind.Pattern => "punsubscribe"u8,
        _ => "sunsubscribe"u8,
    };

    /// <summary>Shard replies count shard channels only; the others count channels and patterns together.</summary>
    private static int CountFor(Subscriptions subs, SubscriptionKind kind) =>
        kind == SubscriptionKind.ShardChannel ? subs.ShardChannelCount : subs.ChannelAndPatternCount;

    private KeyTable<List<Client>> ServerTable(SubscriptionKind kind) => kind switch
    {
        SubscriptionKind.Channel => _channels,
        SubscriptionKind.Pattern => _patterns,
        _ => _shardChannels,
    };

    private static void AddSubscriber(KeyTable<List<Client>> table, byte[] name, Client client)
    {
        int slot = table.FindOrAdd(name, KeyTable<List<Client>>.HashOf(name), out bool added, name);
        if (added) table.WritableValueAt(slot) = new List<Client>(1);
        table.ValueAt(slot).Add(client);
    }

    private void RemoveOne(Client client, Subscriptions subs, ReadOnlySpan<byte> name, SubscriptionKind kind)
    {
        bool removed;
        if (kind == SubscriptionKind.Pattern)
        {
            int index = subs.IndexOfPattern(name);
            removed = index >= 0;
            if (removed) subs.Patterns.RemoveAt(index);
        }
        else
        {
            var own = kind == SubscriptionKind.Channel ? subs.Channels : subs.ShardChannels;
            removed = own.Remove(name);
        }
        if (!removed) return;
        var table = ServerTable(kind);
        uint hash = KeyTable<List<Client>>.HashOf(name);
        int slot = table.Find(name, hash);
        if (slot < 0) return;
        var clients = table.ValueAt(slot);
        clients.Remove(client);
        // Drop the entry with its last subscriber, so that PUBSUB CHANNELS forgets it and
        // millions of one-off channels cannot pile up.
        if (clients.Count == 0) table.Remove(name, hash, out _);
        UpdateStats();
    }

    /// <summary>A subscribe or unsubscribe confirmation: a push message in RESP3.</summary>
    private static void WriteSubscriptionEvent(Client client, ReadOnlySpan<byte> word, ReadOnlySpan<byte> name, bool hasName, long count)
    {
        var output = client.Output;
        output.WritePushHeader(3);
        output.WriteBulkString(word);
        if (hasName) output.WriteBulkString(name);
        else output.WriteNull();
        output.WriteInteger(count);
    }

    private void Deliver(Client client, ReadOnlySpan<byte> kindBulk, ReadOnlySpan<byte> pattern, bool hasPattern,
        ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        // Like prepareClientToWrite: a client on its way out still counts as a receiver but gets nothing.
        if (client.HasFlag(ClientFlags.CloseAsap) || client.HasFlag(ClientFlags.CloseAfterReply)) return;
        var output = client.Output;
        output.WritePushHeader(hasPattern ? 4 : 3);
        output.WriteRaw(kindBulk);
        if (hasPattern) output.WriteBulkString(pattern);
        output.WriteBulkString(channel);
        output.WriteBulkString(message);
        if (ReachedOutputLimit(client))
        {
            Disconnect(client, "scheduled to be closed ASAP");
            _overLimit.Add(client);
            return;
        }
        client.RequestFlush();
    }

    /// <summary>
    /// checkClientOutputBufferLimits for the pubsub class: pending output at or above the hard
    /// limit, or above the soft limit for longer than its seconds. Other classes are not ours.
    /// </summary>
    private bool ReachedOutputLimit(Client client)
    {
        if (!client.HasFlag(ClientFlags.PubSub) || client.HasFlag(ClientFlags.Master) ||
            (client.HasFlag(ClientFlags.Replica) && !client.HasFlag(ClientFlags.Monitor)))
        {
            return false;
        }
        var subs = client.GetExtension<Subscriptions>();
        if (subs == null) return false;
        var limit = _server.Config.ClientOutputBufferLimit.PubSub;
        long softSince = subs.SoftLimitSince;
        bool reached = limit.IsReached(client.Output.Length, ref softSince, _server.Keyspace.Now / 1000);
        subs.SoftLimitSince = softSince;
        return reached;
    }

    private void Disconnect(Client client, string how)
    {
        string description = ClientDescription.Describe(client, _server.Keyspace.Now);
        client.Kill();
        _server.Log.Warning($"Client {description} {how} for overcoming of output buffer limits.");
    }

    /// <summary>A disconnected subscriber stops receiving at once; its connection closes on its own thread.</summary>
    private void DropOverLimitClients()
    {
        if (_overLimit.Count == 0) return;
        foreach (var client in _overLimit) Forget(client);
        _overLimit.Clear();
    }

    /// <summary>Drops every subscription of a client that closed or was RESET, without confirmations.</summary>
    private void Forget(Client client)
    {
        var subs = client.GetExtension<Subscriptions>();
        if (subs != null && subs.Total > 0)
        {
            UnsubscribeAll(client, SubscriptionKind.Channel, notify: false);
            UnsubscribeAll(client, SubscriptionKind.ShardChannel, notify: false);
            UnsubscribeAll(client, SubscriptionKind.Pattern, notify: false);
        }
        if (subs != null) subs.SoftLimitSince = 0;
        client.Flags &= ~ClientFlags.PubSub;
        _subscribers.Remove(client);
    }

    /// <summary>
    /// The soft limit is about time: a subscriber that stays above it with no new message is
    /// closed here (clientsCron's closeClientOnOutputBufferLimitReached).
    /// </summary>
    private void CronCheck()
    {
        foreach (var client in _subscribers)
        {
            if (client.Output.Length == 0 || client.HasFlag(ClientFlags.CloseAsap)) continue;
            if (!ReachedOutputLimit(client)) continue;
            Disconnect(client, "closed");
            _overLimit.Add(client);
        }
        DropOverLimitClients();
        _channels.ShrinkIfSparse();
        _patterns.ShrinkIfSparse();
        _shardChannels.ShrinkIfSparse();
    }

    private void UpdateStats()
    {
        var stats = _server.Stats;
        stats.PubSubChannels = _channels.Count;
        stats.PubSubPatterns = _patterns.Count;
        stats.PubSubShardChannels = _shardChannels.Count;
    }
}
