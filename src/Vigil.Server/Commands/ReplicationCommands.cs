using Vigil.Protocol;
using Vigil.Server.Clients;
using Vigil.Server.Replication;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>SYNC, PSYNC, REPLCONF, REPLICAOF, SLAVEOF, ROLE, WAIT, DEBUG CHANGE-REPL-ID.</summary>
internal static class ReplicationCommands
{
    private const string Group = "server";

    public static void Register(VigilServer server)
    {
        var replication = new ReplicationManager(server);
        var t = server.Commands;
        t.Add("sync", 1, Admin | NoScript | NoMulti, 0, 0, 0, ctx => replication.Source.Sync(ctx, psync: false, replication.MasterLinkUp), Group);
        t.Add("psync", -3, Admin | NoScript | NoMulti, 0, 0, 0, ctx => replication.Source.Sync(ctx, psync: true, replication.MasterLinkUp), Group);
        t.Add("replconf", -1, Admin | NoScript | Loading | Stale | AllowBusy, 0, 0, 0, ctx => ReplConf(ctx, replication), Group);
        t.Add("replicaof", 3, Admin | NoScript | Stale, 0, 0, 0, ctx => ReplicaOf(ctx, replication), Group);
        t.Add("slaveof", 3, Admin | NoScript | Stale, 0, 0, 0, ctx => ReplicaOf(ctx, replication), Group);
        t.Add("role", 1, NoScript | Loading | Stale | Fast, 0, 0, 0, ctx => replication.WriteRole(ctx.Reply), Group);
        var waits = new ReplicaWaits(server, replication.Source);
        t.Add("wait", 3, NoScript, 0, 0, 0, waits.Wait, "generic");
        // A new replication ID with no past (changeReplicationId + clearReplicationId2): replicas must resync in full.
        t.Find("debug")!.AddSubcommand("change-repl-id", 2, None, ctx =>
        {
            replication.Source.StartNewHistory();
            ctx.Server.Log.Notice("Changing replication IDs after receiving DEBUG change-repl-id");
            ctx.Reply.WriteOk();
        });
    }

    /// <summary>
    /// REPLCONF option value [option value ...]: what a replica tells its master during the
    /// handshake, and ACK / GETACK once the stream flows (those get no reply).
    /// </summary>
    private static void ReplConf(CommandContext ctx, ReplicationManager replication)
    {
        if (ctx.ArgCount % 2 == 0)
        {
            ctx.SyntaxError();
            return;
        }
        var client = ctx.Client;
        for (int i = 1; i < ctx.ArgCount; i += 2)
        {
            if (ctx.ArgIs(i, "listening-port"u8))
            {
                if (!ctx.TryGetInt64(i + 1, out long port, "ERR value is not an integer or out of range")) return;
                client.GetOrAddExtension<AttachedReplica>().ListeningPort = (int)port;
            }
            else if (ctx.ArgIs(i, "ip-address"u8))
            {
                if (ctx.Arg(i + 1).Length >= 256)
                {
                    ctx.Error($"ERR REPLCONF ip-address provided by replica instance is too long: {ctx.Arg(i + 1).Length} bytes");
                    return;
                }
                client.GetOrAddExtension<AttachedReplica>().AnnouncedIp = ctx.ArgString(i + 1);
            }
            else if (ctx.ArgIs(i, "capa"u8))
            {
                // Capabilities this master does not know are ignored, as Redis does.
                var attached = client.GetOrAddExtension<AttachedReplica>();
                if (ctx.ArgIs(i + 1, "eof"u8)) attached.CapaEof = true;
                else if (ctx.ArgIs(i + 1, "psync2"u8)) attached.CapaPsync2 = true;
            }
            else if (ctx.ArgIs(i, "ack"u8))
            {
                // Only from a replica; never answered, whatever it says.
                if (client.HasFlag(ClientFlags.Replica) && RedisNumbers.TryParseInt64(ctx.Arg(i + 1), out long offset))
                {
                    replication.Source.OnAck(client, offset);
                }
                return;
            }
            else if (ctx.ArgIs(i, "getack"u8))
            {
                if (client.HasFlag(ClientFlags.Master)) replication.SendAck();
                return;
            }
            else if (ctx.ArgIs(i, "rdb-only"u8))
            {
                if (!ctx.TryGetInt64(i + 1, out long rdbOnly, "ERR value is not an integer or out of range")) return;
                if (rdbOnly is not (0 or 1))
                {
                    ctx.Error("ERR value is out of range, value must between 0 and 1");
                    return;
                }
            }
            else
            {
                ctx.Error($"ERR Unrecognized REPLCONF option: {ctx.ArgLatin1(i)}");
                return;
            }
        }
        ctx.Reply.WriteOk();
    }

    /// <summary>REPLICAOF host port | NO ONE (and SLAVEOF).</summary>
    private static void ReplicaOf(CommandContext ctx, ReplicationManager replication)
    {
        var server = ctx.Server;
        var config = server.Config;
        if (ctx.ArgIs(1, "no"u8) && ctx.ArgIs(2, "one"u8))
        {
            if (config.IsReplica)
            {
                replication.UnsetMaster();
                server.Log.Notice($"MASTER MODE enabled (user request from '{ClientDescription.Describe(ctx.Client, ctx.Now)}')");
            }
            ctx.Reply.WriteOk();
            return;
        }
        if (ctx.Client.HasFlag(ClientFlags.Replica))
        {
            ctx.Error("ERR Command is not valid when client is a replica.");
            return;
        }
        if (!RedisNumbers.TryParseInt64(ctx.Arg(2), out long port) || port is < 0 or > 65535)
        {
            ctx.Error("ERR Invalid master port");
            return;
        }
        string host = ctx.ArgString(1);
        if (config.IsReplica && config.ReplicaOfHost.Equals(host, StringComparison.OrdinalIgnoreCase) && config.ReplicaOfPort == port)
        {
            server.Log.Notice("REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.");
            ctx.Reply.WriteSimpleString("OK Already connected to specified master"u8);
            return;
        }
        replication.SetMaster(host, (int)port);
        server.Log.Notice($"REPLICAOF {host}:{port} enabled (user request from '{ClientDescription.Describe(ctx.Client, ctx.Now)}')");
        ctx.Reply.WriteOk();
    }
}
