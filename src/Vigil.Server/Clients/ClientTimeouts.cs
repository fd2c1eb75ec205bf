namespace Vigil.Server.Clients;

/// <summary>
/// The <c>timeout</c> directive (clientsCronHandleTimeout): closes normal clients idle for longer
/// than that many seconds. Replicas, masters, monitors, subscribers and blocked clients are exempt.
/// </summary>
internal sealed class ClientTimeouts
{
    private const ClientFlags Exempt = ClientFlags.Replica | ClientFlags.Master | ClientFlags.Monitor | ClientFlags.PubSub | ClientFlags.Blocked;

    private readonly VigilServer _server;
    private long _lastCheckMs;

    public ClientTimeouts(VigilServer server)
    {
        _server = server;
    }

    /// <summary>Runs from the cron under the lock; looks at the clients once a second.</summary>
    public void Check()
    {
        long timeout = _server.Config.Timeout;
        long now = _server.Keyspace.Now;
        if (timeout <= 0 || now - _lastCheckMs < 1000) return;
        _lastCheckMs = now;
        List<Client>? idle = null;
        foreach (var client in _server.Clients.All)
        {
            if ((client.Flags & Exempt) != 0) continue;
            if ((now - client.LastInteractionMs) / 1000 > timeout) (idle ??= new List<Client>()).Add(client);
        }
        if (idle == null) return;
        foreach (var client in idle)
        {
            _server.Log.Verbose("Closing idle client");
            client.Kill();
        }
    }
}
