using Vigil.Server.Transactions;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>MULTI, EXEC, DISCARD, WATCH, UNWATCH.</summary>
internal static class TransactionCommands
{
    private const string Group = "transactions";

    public static void Register(VigilServer server)
    {
        var transactions = new MultiExec(server);
        var t = server.Commands;
        t.Add("multi", 1, NoScript | Loading | Stale | Fast | AllowBusy, 0, 0, 0, transactions.Multi, Group);
        t.Add("exec", 1, NoScript | Loading | Stale | SkipSlowlog, 0, 0, 0, transactions.Exec, Group);
        t.Add("discard", 1, NoScript | Loading | Stale | Fast | AllowBusy, 0, 0, 0, transactions.DiscardCommand, Group);
        t.Add("watch", -2, NoScript | Loading | Stale | Fast | AllowBusy, 1, -1, 1, transactions.Watch, Group);
        t.Add("unwatch", 1, NoScript | Loading | Stale | Fast | AllowBusy, 0, 0, 0, transactions.Unwatch, Group);
    }
}
