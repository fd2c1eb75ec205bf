namespace Vigil.Server.Clients;

/// <summary>The connected clients, by id. Read and written under the keyspace lock.</summary>
public sealed class ClientRegistry
{
    private readonly Dictionary<long, Client> _clients = new();
    private long _nextId;

    public int Count => _clients.Count;

    public long NextId() => Interlocked.Increment(ref _nextId);

    public void Add(Client client) => _clients[client.Id] = client;

    public void Remove(Client client) => _clients.Remove(client.Id);

    public Client? Find(long id) => _clients.GetValueOrDefault(id);

    public Dictionary<long, Client>.ValueCollection All => _clients.Values;

    /// <summary>A copy, for callers that kill or remove clients while iterating.</summary>
    public List<Client> Snapshot() => [.. _clients.Values];
}
