using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// CLUSTER and READONLY/READWRITE as a Redis 7.0 node with cluster support disabled answers them:
/// every subcommand, once its arguments fit, says so. Clients use that answer to tell a standalone node.
/// </summary>
internal static class ClusterCommand
{
    private const string Disabled = "ERR This instance has cluster support disabled";

    /// <summary>Redis 7.0's CLUSTER subcommands and their arities.</summary>
    private static readonly (string Name, int Arity)[] Subcommands =
    [
        ("addslots", -3), ("addslotsrange", -4), ("bumpepoch", 2), ("count-failure-reports", 3), ("countkeysinslot", 3),
        ("delslots", -3), ("delslotsrange", -4), ("failover", -2), ("flushslots", 2), ("forget", 3), ("getkeysinslot", 4),
        ("help", 2), ("info", 2), ("keyslot", 3), ("links", 2), ("meet", -4), ("myid", 2), ("nodes", 2), ("replicas", 3),
        ("replicate", 3), ("reset", -2), ("saveconfig", 2), ("set-config-epoch", 3), ("setslot", -4), ("shards", 2),
        ("slaves", 3), ("slots", 2),
    ];

    public static void Register(VigilServer server)
    {
        var cluster = server.Commands.AddContainer("cluster", -2, None, "cluster");
        foreach (var (name, arity) in Subcommands) cluster.AddSubcommand(name, arity, Stale, ctx => ctx.Error(Disabled));
        server.Commands.Add("readonly", 1, Loading | Stale | Fast, 0, 0, 0, ctx => ctx.Error(Disabled), "cluster");
        server.Commands.Add("readwrite", 1, Loading | Stale | Fast, 0, 0, 0, ctx => ctx.Error(Disabled), "cluster");
    }
}
