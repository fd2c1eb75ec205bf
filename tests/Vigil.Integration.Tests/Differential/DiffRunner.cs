using System.Net.Sockets;
using Vigil.Integration.Tests.Infrastructure;
using Vigil.Protocol;

namespace Vigil.Integration.Tests.Differential;

/// <summary>Where two servers first answered differently: the command (null for the final bad input) and both replies.</summary>
public sealed record Divergence(int WriteIndex, DiffCommand? Command, Reply Vigil, Reply Redis)
{
    public override string ToString() =>
        $"diverged at {(Command == null ? "the final raw input" : Command.ToString())}\n  vigil: {Vigil}\n  redis: {Redis}";
}

/// <summary>
/// A vigil process and a redis-server 7.0 side by side. Runs a sequence on a fresh connection to
/// each, from an empty keyspace, sending every write to both before reading either's replies.
/// </summary>
public sealed class DiffRunner : IDisposable
{
    /// <summary>Commands that change a probe connection's state; every server has them.</summary>
    private static readonly HashSet<string> NotProbed = ["multi", "exec", "discard", "watch", "unwatch", "quit", "reset", "hello"];

    private readonly ServerProcess _vigil;
    private readonly ServerProcess _redis;
    private readonly HashSet<string> _supported = new();

    public DiffRunner()
    {
        _redis = ServerProcess.StartRedis();
        try
        {
            _vigil = ServerProcess.StartVigil();
        }
        catch
        {
            _redis.Dispose();
            throw;
        }
        ProbeVigil();
    }

    public string VigilOutput => _vigil.Output;

    /// <summary>Whether Vigil knows a command (lower case); families leave out the ones it does not.</summary>
    public bool Supports(string name) => _supported.Contains(name);

    public Divergence? Run(DiffSequence sequence)
    {
        Reset(_vigil);
        Reset(_redis);
        using var vigil = new RespConnection(_vigil.Port);
        using var redis = new RespConnection(_redis.Port);
        for (int w = 0; w < sequence.Writes.Count; w++)
        {
            var write = sequence.Writes[w];
            var bytes = write.Encode();
            TrySend(vigil, bytes);
            TrySend(redis, bytes);
            foreach (var command in write.Commands)
            {
                var v = ReadReply(vigil);
                var r = ReadReply(redis);
                if (!ReplyComparer.Same(command.Match, v, r)) return new Divergence(w, command, v, r);
                // Both closed the connection the same way: there is nothing left to compare.
                if (v.Failure != null) return null;
            }
        }
        if (sequence.FinalInput == null) return null;
        var vigilEnd = SendAndDrain(vigil, sequence.FinalInput);
        var redisEnd = SendAndDrain(redis, sequence.FinalInput);
        return ReplyComparer.Same(ReplyMatch.Exact, vigilEnd, redisEnd) ? null : new Divergence(sequence.Writes.Count, null, vigilEnd, redisEnd);
    }

    private static void TrySend(RespConnection connection, byte[] bytes)
    {
        try
        {
            connection.SendRaw(bytes);
        }
        catch (SocketException)
        {
            // A server that closed the connection shows it when its reply is read.
        }
    }

    private static Reply ReadReply(RespConnection connection)
    {
        try
        {
            var raw = connection.ReadRaw(out var value);
            return Reply.Of(raw, value);
        }
        catch (IOException)
        {
            return Reply.Failed("connection closed");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            return Reply.Failed(Reply.NoReply);
        }
        catch (SocketException e)
        {
            return Reply.Failed("connection failed: " + e.SocketErrorCode);
        }
        catch (RespProtocolException e)
        {
            return Reply.Failed("malformed reply: " + e.Message);
        }
    }

    /// <summary>Sends the bytes, half-closes, and returns everything the server sent until it closed.</summary>
    private static Reply SendAndDrain(RespConnection connection, byte[] bytes)
    {
        try
        {
            TrySend(connection, bytes);
            connection.ShutdownSend();
            return new Reply(connection.ReadToEnd(), null, null);
        }
        catch (SocketException e)
        {
            return Reply.Failed("connection failed: " + e.SocketErrorCode);
        }
    }

    private static void Reset(ServerProcess server)
    {
        using var admin = new RespConnection(server.Port);
        admin.Call("FLUSHALL");
    }

    /// <summary>Asks Vigil about every command the families use, inside MULTI so that nothing runs.</summary>
    private void ProbeVigil()
    {
        using var probe = new RespConnection(_vigil.Port);
        foreach (var name in CommandFamilies.All.SelectMany(f => f.CommandNames).Distinct())
        {
            if (NotProbed.Contains(name))
            {
                _supported.Add(name);
                continue;
            }
            probe.Call("MULTI");
            var reply = probe.Call(name);
            probe.Call("DISCARD");
            if (!(reply.IsError && reply.Text!.StartsWith("ERR unknown command"))) _supported.Add(name);
        }
    }

    public void Dispose()
    {
        _vigil.Dispose();
        _redis.Dispose();
    }
}
