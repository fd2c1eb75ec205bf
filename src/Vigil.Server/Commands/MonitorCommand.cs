using System.Globalization;
using System.Text;
using Vigil.Server.Clients;
using Vigil.Server.Configuration;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// MONITOR: the client receives every command the server runs, as Redis's replicationFeedMonitors
/// writes them: <c>+1700000000.123456 [0 127.0.0.1:5555] "set" "k" "v"</c>. Admin commands and
/// redacted arguments (passwords) are not shown.
/// </summary>
internal static class MonitorCommand
{
    public static void Register(VigilServer server)
    {
        var monitors = new List<Client>();
        server.Commands.Add("monitor", 1, Admin | NoScript | Loading | Stale, 0, 0, 0, ctx => Monitor(ctx, monitors), "server");
        server.Executor.Monitor = ctx => Feed(ctx, monitors);
        server.ClientClosed += client => monitors.Remove(client);
        server.ClientResetting += client =>
        {
            if (!monitors.Remove(client)) return;
            client.Flags &= ~ClientFlags.Monitor;
        };
    }

    private static void Monitor(CommandContext ctx, List<Client> monitors)
    {
        var client = ctx.Client;
        // Inside EXEC the client cannot switch to a mode that waits for events.
        if (client.HasFlag(ClientFlags.Multi))
        {
            ctx.Error("ERR MONITOR isn't allowed for DENY BLOCKING client");
            return;
        }
        // A replica or a client already monitoring gets no answer, as in Redis.
        if (client.HasFlag(ClientFlags.Replica) || client.HasFlag(ClientFlags.Monitor)) return;
        client.Flags |= ClientFlags.Monitor;
        monitors.Add(client);
        ctx.Reply.WriteOk();
    }

    private static void Feed(CommandContext ctx, List<Client> monitors)
    {
        if (monitors.Count == 0) return;
        long micros = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
        var line = new StringBuilder(64);
        line.Append(CultureInfo.InvariantCulture, $"+{micros / 1_000_000}.{micros % 1_000_000:D6} [{ctx.Client.DbIndex} {ctx.Client.Address}]");
        for (int i = 0; i < ctx.ArgCount; i++)
        {
            line.Append(' ').Append(ConfigText.Quote(ctx.IsRedacted(i) ? "(redacted)" : ctx.ArgLatin1(i)));
        }
        line.Append("\r\n");
        var bytes = Encoding.Latin1.GetBytes(line.ToString());
        foreach (var monitor in monitors)
        {
            if (monitor.HasFlag(ClientFlags.CloseAsap)) continue;
            monitor.Output.WriteRaw(bytes);
            if (monitor != ctx.Client) monitor.RequestFlush();
        }
    }
}
