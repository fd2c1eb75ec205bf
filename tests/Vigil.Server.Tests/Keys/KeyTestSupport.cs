using System.Text;
using Vigil.Server.Storage;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Keys;

/// <summary>A stand-in collection value, for wrong-type replies until the real collection types exist.</summary>
internal sealed class FakeList : IRedisValue
{
    public List<string> Items { get; } = new();

    public string TypeName => "list";

    public string Encoding => "quicklist";

    public long MemoryUsage => 64 + Items.Count * 16;
}

/// <summary>A stand-in collection that COPY can duplicate.</summary>
internal sealed class FakeCloneableSet : IRedisValue, ICloneableValue
{
    public HashSet<string> Members { get; } = new();

    public string TypeName => "set";

    public string Encoding => "hashtable";

    public long MemoryUsage => 64 + Members.Count * 16;

    public object Clone()
    {
        var copy = new FakeCloneableSet();
        copy.Members.UnionWith(Members);
        return copy;
    }
}

/// <summary>Records what the server propagates and which keyspace events it fires.</summary>
internal sealed class ServerRecorder
{
    private readonly TestServer _server;
    private readonly List<string> _propagated = new();
    private readonly List<string> _events = new();

    private ServerRecorder(TestServer server)
    {
        _server = server;
    }

    /// <summary>Installs the recorder as the server's propagation target and keyspace event sink.</summary>
    public static ServerRecorder Attach(TestServer server)
    {
        var recorder = new ServerRecorder(server);
        lock (server.Server.Sync)
        {
            server.Server.Executor.Propagate = ctx =>
            {
                var args = ctx.PropagateAs ?? ctx.CopyArgs();
                recorder._propagated.Add(string.Join(' ', args.Select(a => Encoding.Latin1.GetString(a))));
            };
            // "new" accompanies every key creation; KeyspaceNotificationTests covers it, the command families' tests leave it out.
            server.Server.KeyspaceEvents = (type, name, db, key) =>
            {
                if (type != Vigil.Server.PubSub.KeyspaceEventType.NewKey) recorder._events.Add($"{type}:{name}@{db}:{Encoding.Latin1.GetString(key)}");
            };
        }
        return recorder;
    }

    /// <summary>Every command propagated so far, as space-separated arguments; clears the record.</summary>
    public List<string> TakePropagated()
    {
        lock (_server.Server.Sync)
        {
            var copy = new List<string>(_propagated);
            _propagated.Clear();
            return copy;
        }
    }

    /// <summary>Every keyspace event fired so far as "Type:event@db:key"; clears the record.</summary>
    public List<string> TakeEvents()
    {
        lock (_server.Server.Sync)
        {
            var copy = new List<string>(_events);
            _events.Clear();
            return copy;
        }
    }
}

internal static class KeyTestExtensions
{
    /// <summary>Stores a value directly in the keyspace, under the server lock.</summary>
    public static void Store(this TestServer server, string key, object value, int db = 0)
    {
        lock (server.Server.Sync)
        {
            server.Server.Keyspace[db].Set(Encoding.Latin1.GetBytes(key), value);
        }
    }

    public static object? Fetch(this TestServer server, string key, int db = 0)
    {
        lock (server.Server.Sync)
        {
            return server.Server.Keyspace[db].Peek(Encoding.Latin1.GetBytes(key));
        }
    }

    public static int KeyCount(this TestServer server, int db = 0)
    {
        lock (server.Server.Sync)
        {
            return server.Server.Keyspace[db].Count;
        }
    }

    public static (long Hits, long Misses) KeyspaceStats(this TestServer server)
    {
        lock (server.Server.Sync)
        {
            return (server.Server.Stats.KeyspaceHits, server.Server.Stats.KeyspaceMisses);
        }
    }

    /// <summary>Polls <paramref name="condition"/> every 10 ms until it holds or <paramref name="timeoutMs"/> passes.</summary>
    public static bool WaitUntil(Func<bool> condition, int timeoutMs = 3000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (Environment.TickCount64 < deadline)
        {
            if (condition()) return true;
            Thread.Sleep(10);
        }
        return condition();
    }
}
