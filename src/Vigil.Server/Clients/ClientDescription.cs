using System.Globalization;
using System.Text;
using Vigil.Server.PubSub;
using Vigil.Server.Transactions;

namespace Vigil.Server.Clients;

/// <summary>Client types as CLIENT LIST TYPE, CLIENT KILL TYPE and client-output-buffer-limit name them.</summary>
public enum ClientType
{
    Normal,
    Replica,
    PubSub,
    Master,
}

/// <summary>
/// A client as one line of CLIENT LIST / CLIENT INFO (catClientInfoString), with Redis 7.0's
/// fields in its order. Log lines about a client use the same text.
/// </summary>
public static class ClientDescription
{
    /// <summary>getClientType: the master link, then replicas (monitors are normal), then subscribers.</summary>
    public static ClientType TypeOf(Client client)
    {
        if (client.HasFlag(ClientFlags.Master)) return ClientType.Master;
        if (client.HasFlag(ClientFlags.Replica) && !client.HasFlag(ClientFlags.Monitor)) return ClientType.Replica;
        if (client.HasFlag(ClientFlags.PubSub)) return ClientType.PubSub;
        return ClientType.Normal;
    }

    /// <summary>getClientTypeByName: normal, slave or replica, pubsub, master; null for anything else.</summary>
    public static ClientType? ParseType(string name) => name.ToLowerInvariant() switch
    {
        "normal" => ClientType.Normal,
        "slave" or "replica" => ClientType.Replica,
        "pubsub" => ClientType.PubSub,
        "master" => ClientType.Master,
        _ => null,
    };

    /// <summary>The flags= letters, in Redis's order; N when none applies.</summary>
    public static string Flags(Client client)
    {
        var sb = new StringBuilder(4);
        if (client.HasFlag(ClientFlags.Monitor)) sb.Append('O');
        else if (client.HasFlag(ClientFlags.Replica)) sb.Append('S');
        if (client.HasFlag(ClientFlags.Master)) sb.Append('M');
        if (client.HasFlag(ClientFlags.PubSub)) sb.Append('P');
        if (client.HasFlag(ClientFlags.Multi)) sb.Append('x');
        if (client.HasFlag(ClientFlags.Blocked)) sb.Append('b');
        if (client.HasFlag(ClientFlags.DirtyCas)) sb.Append('d');
        if (client.HasFlag(ClientFlags.CloseAfterReply)) sb.Append('c');
        if (client.HasFlag(ClientFlags.CloseAsap)) sb.Append('A');
        if (client.HasFlag(ClientFlags.ReadOnly)) sb.Append('r');
        if (client.HasFlag(ClientFlags.NoEvict)) sb.Append('e');
        if (client.HasFlag(ClientFlags.NoTouch)) sb.Append('T');
        if (sb.Length == 0) sb.Append('N');
        return sb.ToString();
    }

    /// <summary>The line for <paramref name="client"/>, without its newline; <paramref name="nowMs"/> dates age and idle.</summary>
    public static string Describe(Client client, long nowMs)
    {
        var subs = client.GetExtension<Subscriptions>();
        var tx = client.GetExtension<TransactionState>();
        bool inMulti = client.HasFlag(ClientFlags.Multi);
        // Only the running command still has its arguments (Redis frees argv after each command).
        long argvMem = 0;
        if (client.Context.Executing)
        {
            for (int a = 0; a < client.Context.ArgCount; a++) argvMem += client.Context.Arg(a).Length;
        }
        long multiMem = inMulti && tx != null ? tx.QueuedArgBytes : 0;
        long outputPending = client.Output.Length;
        long totalMemory = client.Output.Capacity + client.QueryBufferLength + client.QueryBufferFree + argvMem + multiMem;
        var sb = new StringBuilder(256);
        var i = CultureInfo.InvariantCulture;
        sb.Append(i, $"id={client.Id} addr={client.Address} laddr={client.LocalAddress} fd={client.Fd} name={client.Name}");
        sb.Append(i, $" age={(nowMs - client.CreatedMs) / 1000} idle={(nowMs - client.LastInteractionMs) / 1000}");
        sb.Append(i, $" flags={Flags(client)} db={client.DbIndex}");
        sb.Append(i, $" sub={subs?.ChannelCount ?? 0} psub={subs?.PatternCount ?? 0} ssub={subs?.ShardChannelCount ?? 0}");
        sb.Append(i, $" multi={(inMulti ? tx?.QueuedCount ?? 0 : -1)}");
        sb.Append(i, $" qbuf={client.QueryBufferLength} qbuf-free={client.QueryBufferFree} argv-mem={argvMem} multi-mem={multiMem}");
        sb.Append(i, $" rbs={client.Output.Capacity} rbp={client.Output.Length} obl={outputPending} oll=0 omem={outputPending} tot-mem={totalMemory}");
        sb.Append(i, $" events={(outputPending > 0 ? "rw" : "r")} cmd={client.LastCommandName} user={client.User} redir=-1 resp={(int)client.Protocol}");
        // Redis 7.2 shows what CLIENT SETINFO set; 7.0 has neither, so they appear only once set.
        if (client.LibraryName != null || client.LibraryVersion != null)
        {
            sb.Append(i, $" lib-name={client.LibraryName} lib-ver={client.LibraryVersion}");
        }
        return sb.ToString();
    }
}
