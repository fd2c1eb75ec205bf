using Vigil.Server.Commands;

namespace Vigil.Server.Clients;

/// <summary>What CLIENT PAUSE holds back: nothing, commands that write (or may propagate), or every command.</summary>
public enum PauseMode
{
    None,
    Write,
    All,
}

/// <summary>
/// CLIENT PAUSE / UNPAUSE (pauseClients, blockPostponeClient): until the pause ends, a normal or
/// pub/sub client's command that the pause covers waits, unrun, and so does the rest of its input;
/// then it runs as if just received. Replicas and the master link are never held. While paused,
/// expired keys are not deleted, so that the dataset (and what replicas receive) stays still.
/// </summary>
public sealed class ClientPause
{
    private readonly VigilServer _server;
    private readonly List<Client> _postponed = new();

    public ClientPause(VigilServer server)
    {
        _server = server;
        server.ClientClosed += client => _postponed.Remove(client);
        server.AddCronJob(EndIfDue);
    }

    public PauseMode Mode { get; private set; }

    /// <summary>Unix ms when the pause ends.</summary>
    public long EndMs { get; private set; }

    /// <summary>CLIENT PAUSE: a pause never gets weaker or shorter while one is on.</summary>
    public void Pause(PauseMode mode, long endMs)
    {
        if (mode > Mode) Mode = mode;
        if (endMs > EndMs || Mode == PauseMode.None) EndMs = endMs;
        _server.Keyspace.DeletionsPaused = true;
    }

    /// <summary>CLIENT UNPAUSE, or the pause's time is up: the held clients run their commands.</summary>
    public void Unpause()
    {
        Mode = PauseMode.None;
        EndMs = 0;
        _server.Keyspace.DeletionsPaused = false;
        var resumed = _postponed.ToArray();
        _postponed.Clear();
        foreach (var client in resumed)
        {
            client.Flags &= ~(ClientFlags.Blocked | ClientFlags.Postponed);
            _server.Blocking.QueueForReprocessing(client);
        }
    }

    /// <summary>
    /// Called for an admitted command: true when the pause holds it, in which case the client is
    /// marked blocked (its transport stops and later runs the same command again).
    /// </summary>
    public bool Postpones(Client client, RedisCommand command)
    {
        if (Mode == PauseMode.None || client.HasFlag(ClientFlags.Replica) || client.HasFlag(ClientFlags.Master)) return false;
        if (Mode == PauseMode.Write && !MayWrite(client, command)) return false;
        client.Flags |= ClientFlags.Blocked | ClientFlags.Postponed;
        _postponed.Add(client);
        return true;
    }

    /// <summary>is_may_replicate_command: a write, a command that may propagate, or EXEC of a transaction with one.</summary>
    private bool MayWrite(Client client, RedisCommand command)
    {
        const CommandFlags writes = CommandFlags.Write | CommandFlags.MayReplicate;
        if ((command.Flags & writes) != 0) return true;
        return command is { Name: "exec", Parent: null } && _server.Executor.TransactionWrites(client);
    }

    private void EndIfDue()
    {
        if (Mode != PauseMode.None && _server.Keyspace.Now >= EndMs) Unpause();
    }
}
