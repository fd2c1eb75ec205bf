using System.Text;
using Vigil.Protocol;

namespace Vigil.Server.PubSub;

/// <summary>
/// Keyspace notifications (notify.c): publishes "__keyspace@db__:key" with the event name and
/// "__keyevent@db__:event" with the key, for the classes notify-keyspace-events selects. The class
/// string is parsed again only when the configured string changes (CONFIG SET replaces it), so the
/// common case, notifications off, costs one comparison per event.
/// </summary>
internal sealed class KeyspaceNotifier
{
    private const int MaxStackEventName = 64;

    private readonly VigilServer _server;
    private readonly PubSubHub _hub;
    private string? _parsedFrom;
    private KeyspaceEventType _flags;
    private byte[] _channel = new byte[128];

    public KeyspaceNotifier(VigilServer server, PubSubHub hub)
    {
        _server = server;
        _hub = hub;
        // Expired keys are announced by the key commands' Keyspace.KeyExpired handler through this sink.
        server.KeyspaceEvents = Notify;
    }

    /// <summary>The classes in force, parsed from notify-keyspace-events; none when the string is invalid.</summary>
    public KeyspaceEventType Flags
    {
        get
        {
            string current = _server.Config.NotifyKeyspaceEvents;
            if (!ReferenceEquals(current, _parsedFrom))
            {
                _flags = KeyspaceEventFlags.TryParse(current, out var parsed) ? parsed : KeyspaceEventType.None;
                _parsedFrom = current;
            }
            return _flags;
        }
    }

    public void Notify(KeyspaceEventType type, string eventName, int db, ReadOnlySpan<byte> key)
    {
        var flags = Flags;
        if ((flags & type) == 0 || (flags & (KeyspaceEventType.Keyspace | KeyspaceEventType.Keyevent)) == 0) return;
        // Nobody can receive it: skip building the channel names.
        if (!_hub.HasSubscribers) return;

        Span<byte> eventBytes = eventName.Length <= MaxStackEventName ? stackalloc byte[eventName.Length] : new byte[eventName.Length];
        Encoding.Latin1.GetBytes(eventName, eventBytes);
        if ((flags & KeyspaceEventType.Keyspace) != 0)
        {
            int length = BuildChannel("__keyspace@"u8, db, key);
            _hub.Publish(_channel.AsSpan(0, length), eventBytes, shard: false);
        }
        if ((flags & KeyspaceEventType.Keyevent) != 0)
        {
            int length = BuildChannel("__keyevent@"u8, db, eventBytes);
            _hub.Publish(_channel.AsSpan(0, length), key, shard: false);
        }
    }

    /// <summary>Writes prefix + db + "__:" + suffix into the reused channel buffer; returns its length.</summary>
    private int BuildChannel(ReadOnlySpan<byte> prefix, int db, ReadOnlySpan<byte> suffix)
    {
        int needed = prefix.Length + 20 + 3 + suffix.Length;
        if (_channel.Length < needed) _channel = new byte[Math.Max(needed, _channel.Length * 2)];
        var span = _channel.AsSpan();
        prefix.CopyTo(span);
        int n = prefix.Length;
        n += RedisNumbers.FormatInt64(db, span[n..]);
        "__:"u8.CopyTo(span[n..]);
        n += 3;
        suffix.CopyTo(span[n..]);
        return n + suffix.Length;
    }
}
