using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>LATENCY LATEST | HISTORY | RESET | DOCTOR | HISTOGRAM | HELP (latency.c).</summary>
internal static class LatencyCommand
{
    private static readonly string[] HelpLines =
    [
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HISTOGRAM [COMMAND ...]",
        "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
        "    If no commands are specified then all histograms are replied.",
    ];

    public static void Register(VigilServer server)
    {
        const CommandFlags admin = Admin | NoScript | Loading | Stale;
        var latency = server.Commands.AddContainer("latency", -2, None, "server");
        latency.AddSubcommand("help", 2, Loading | Stale, ctx => Help.Write(ctx, HelpLines));
        latency.AddSubcommand("latest", 2, admin, Latest);
        latency.AddSubcommand("history", 3, admin, History);
        latency.AddSubcommand("reset", -2, admin, Reset);
        latency.AddSubcommand("doctor", 2, admin, Doctor);
        latency.AddSubcommand("histogram", -2, admin, Histogram);
    }

    /// <summary>Per event: name, time of the latest sample, its latency, and the largest seen (ms).</summary>
    private static void Latest(CommandContext ctx)
    {
        var events = ctx.Server.LatencyMonitor.Events;
        ctx.Reply.WriteArrayHeader(events.Count);
        foreach (var (name, history) in events)
        {
            var last = history.Samples[^1];
            ctx.Reply.WriteArrayHeader(4);
            ctx.Reply.WriteBulkString(name);
            ctx.Reply.WriteInteger(last.Time);
            ctx.Reply.WriteInteger(last.Latency);
            ctx.Reply.WriteInteger(history.Max);
        }
    }

    private static void History(CommandContext ctx)
    {
        if (!ctx.Server.LatencyMonitor.Events.TryGetValue(ctx.ArgLatin1(2), out var history))
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        ctx.Reply.WriteArrayHeader(history.Samples.Count);
        foreach (var (time, latency) in history.Samples)
        {
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteInteger(time);
            ctx.Reply.WriteInteger(latency);
        }
    }

    private static void Reset(CommandContext ctx)
    {
        var names = new List<string>();
        for (int i = 2; i < ctx.ArgCount; i++) names.Add(ctx.ArgLatin1(i));
        ctx.Reply.WriteInteger(ctx.Server.LatencyMonitor.Reset(names));
    }

    private static void Doctor(CommandContext ctx)
    {
        var monitor = ctx.Server.LatencyMonitor;
        string report;
        if (ctx.Server.Config.LatencyMonitorThreshold == 0 && monitor.Events.Count == 0)
        {
            report = "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
        }
        else if (monitor.Events.Count == 0)
        {
            report = "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep, but I'm not able to sleep myself right now.\n";
        }
        else
        {
            var sb = new System.Text.StringBuilder("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
            int n = 1;
            foreach (var (name, history) in monitor.Events)
            {
                double average = history.Samples.Average(s => s.Latency);
                sb.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"{n++}. {name}: {history.Samples.Count} latency spikes (average {average:F0}ms, mean deviation 0ms, period 0 sec). Worst all time event {history.Max}ms.\n");
            }
            sb.Append("\nI have a few advices for you:\n\n- Check your slow commands with SLOWLOG GET.\n");
            report = sb.ToString();
        }
        ctx.Reply.WriteVerbatim(report);
    }

    /// <summary>LATENCY HISTOGRAM [command ...]: per command, calls and cumulative counts at power-of-two microseconds.</summary>
    private static void Histogram(CommandContext ctx)
    {
        var commands = new List<RedisCommand>();
        if (ctx.ArgCount == 2)
        {
            foreach (var command in ctx.Server.Commands.All)
            {
                if (command.Latency is { TotalCount: > 0 }) commands.Add(command);
                if (command.Subcommands == null) continue;
                foreach (var sub in command.Subcommands.Values)
                {
                    if (sub.Latency is { TotalCount: > 0 }) commands.Add(sub);
                }
            }
        }
        else
        {
            for (int i = 2; i < ctx.ArgCount; i++)
            {
                var command = Find(ctx, ctx.ArgLatin1(i));
                if (command?.Latency is { TotalCount: > 0 } && !commands.Contains(command)) commands.Add(command);
            }
        }
        var reply = ctx.Reply;
        reply.WriteMapHeader(commands.Count);
        foreach (var command in commands)
        {
            var histogram = command.Latency!;
            reply.WriteBulkString(command.FullName);
            reply.WriteMapHeader(2);
            reply.WriteBulkString("calls"u8);
            reply.WriteInteger(histogram.TotalCount);
            reply.WriteBulkString("histogram_usec"u8);
            var points = histogram.CumulativeByPowerOfTwo();
            reply.WriteMapHeader(points.Count);
            foreach (var (micros, cumulative) in points)
            {
                reply.WriteInteger(micros);
                reply.WriteInteger(cumulative);
            }
        }
    }

    /// <summary>A command by name, or a subcommand as "container|sub".</summary>
    private static RedisCommand? Find(CommandContext ctx, string name)
    {
        int bar = name.IndexOf('|');
        if (bar < 0) return ctx.Server.Commands.Find(name);
        var parent = ctx.Server.Commands.Find(name[..bar]);
        return parent?.Subcommands?.GetValueOrDefault(name[(bar + 1)..]);
    }
}
