using System.Text;
using Vigil.Server.Commands;

namespace Vigil.Server;

/// <summary>The slow log: commands slower than slowlog-log-slower-than microseconds (slowlog.c).</summary>
public sealed class SlowLog
{
    private readonly VigilServer _server;
    private readonly LinkedList<Entry> _entries = new();
    private long _nextId;

    public SlowLog(VigilServer server)
    {
        _server = server;
    }

    public sealed record Entry(long Id, long UnixSeconds, long Microseconds, string[] Args, string Peer, string ClientName);

    public int Count => _entries.Count;

    public IEnumerable<Entry> Newest => _entries;

    public void Record(CommandContext ctx, long micros)
    {
        long threshold = _server.Config.SlowlogLogSlowerThan;
        if (threshold < 0 || micros < threshold || ctx.Command.Has(CommandFlags.SkipSlowlog)) return;
        // Like Redis: at most 32 arguments, each cut to 128 bytes, with a note of what was left out.
        int argc = Math.Min(ctx.ArgCount, 32);
        var args = new string[argc];
        for (int i = 0; i < argc; i++)
        {
            if (i == argc - 1 && argc < ctx.ArgCount)
            {
                args[i] = $"... ({ctx.ArgCount - argc + 1} more arguments)";
                break;
            }
            var arg = ctx.Arg(i);
            args[i] = ctx.IsRedacted(i) ? "(redacted)" : arg.Length > 128
                ? Encoding.Latin1.GetString(arg[..128]) + $"... ({arg.Length - 128} more bytes)"
                : Encoding.Latin1.GetString(arg);
        }
        _entries.AddFirst(new Entry(_nextId++, ctx.Now / 1000, micros, args, ctx.Client.Address, ctx.Client.Name ?? ""));
        while (_entries.Count > _server.Config.SlowlogMaxLen) _entries.RemoveLast();
    }

    public void Reset() => _entries.Clear();
}
