using Vigil.Protocol;
using Vigil.Server.Clients;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET.</summary>
internal static class ConnectionCommands
{
    private const string Group = "connection";

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("ping", -1, Fast | Stale | Loading | AllowedInPubSubContext, 0, 0, 0, Ping, Group);
        t.Add("echo", 2, Fast | Stale | Loading, 0, 0, 0, Echo, Group);
        t.Add("quit", -1, NoAuth | Fast | Stale | Loading | AllowBusy | NoScript | AllowedInPubSubContext, 0, 0, 0, Quit, Group);
        t.Add("select", 2, Fast | Stale | Loading, 0, 0, 0, Select, Group);
        t.Add("auth", -2, NoAuth | Fast | Stale | Loading | NoScript | AllowBusy, 0, 0, 0, Auth, Group);
        t.Add("hello", -1, NoAuth | Fast | Stale | Loading | NoScript | AllowBusy, 0, 0, 0, Hello, Group);
        t.Add("reset", 1, NoAuth | Fast | Stale | Loading | NoScript | AllowBusy | AllowedInPubSubContext, 0, 0, 0, Reset, Group);
    }

    private static void Ping(CommandContext ctx)
    {
        if (ctx.ArgCount > 2)
        {
            ctx.WrongArgCount();
            return;
        }
        // A RESP2 subscriber gets PING's answer as a message-shaped array.
        if (ctx.Client.HasFlag(ClientFlags.PubSub) && ctx.Client.Protocol == RespVersion.Resp2)
        {
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteBulkString("pong"u8);
            ctx.Reply.WriteBulkString(ctx.ArgCount == 2 ? ctx.Arg(1) : []);
            return;
        }
        if (ctx.ArgCount == 1) ctx.Reply.WriteRaw("+PONG\r\n"u8);
        else ctx.Reply.WriteBulkString(ctx.Arg(1));
    }

    private static void Echo(CommandContext ctx) => ctx.Reply.WriteBulkString(ctx.Arg(1));

    private static void Quit(CommandContext ctx)
    {
        ctx.Reply.WriteOk();
        ctx.Client.Flags |= ClientFlags.CloseAfterReply;
    }

    private static void Select(CommandContext ctx)
    {
        if (!ctx.TryGetInt32(1, out int index)) return;
        if (index < 0 || index >= ctx.Server.Keyspace.DatabaseCount)
        {
            ctx.Error(Errors.InvalidDb);
            return;
        }
        ctx.Client.DbIndex = index;
        ctx.Reply.WriteOk();
    }

    private static void Auth(CommandContext ctx)
    {
        if (ctx.ArgCount > 3)
        {
            ctx.SyntaxError();
            return;
        }
        // The credentials never show in SLOWLOG or MONITOR.
        for (int i = 1; i < ctx.ArgCount; i++) ctx.RedactArg(i);
        if (ctx.ArgCount == 2 && !ctx.Server.AuthRequired)
        {
            ctx.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
            return;
        }
        string user = ctx.ArgCount == 3 ? ctx.ArgString(1) : "default";
        if (!TryAuthenticate(ctx, user, ctx.Arg(ctx.ArgCount - 1)))
        {
            ctx.Error("WRONGPASS invalid username-password pair or user is disabled.");
            return;
        }
        ctx.Reply.WriteOk();
    }

    private static bool TryAuthenticate(CommandContext ctx, string user, ReadOnlySpan<byte> password)
    {
        if (user != "default") return false;
        var config = ctx.Server.Config;
        if (!config.DefaultUser.Accepts(password)) return false;
        ctx.Client.Authenticated = true;
        ctx.Client.User = user;
        return true;
    }

    private static void Hello(CommandContext ctx)
    {
        var client = ctx.Client;
        RespVersion version = client.Protocol;
        int next = 1;
        if (ctx.ArgCount >= 2)
        {
            if (!RedisNumbers.TryParseInt64(ctx.Arg(1), out long requested))
            {
                ctx.Error("ERR Protocol version is not an integer or out of range");
                return;
            }
            if (requested is < 2 or > 3)
            {
                ctx.Error("NOPROTO unsupported protocol version");
                return;
            }
            version = (RespVersion)requested;
            next = 2;
        }
        string? name = null;
        for (int i = next; i < ctx.ArgCount; i++)
        {
            bool more = i + 1 < ctx.ArgCount;
            if (ctx.ArgIs(i, "auth"u8) && i + 2 < ctx.ArgCount)
            {
                ctx.RedactArg(i + 1);
                ctx.RedactArg(i + 2);
                if (!TryAuthenticate(ctx, ctx.ArgString(i + 1), ctx.Arg(i + 2)))
                {
                    ctx.Error("WRONGPASS invalid username-password pair or user is disabled.");
                    return;
                }
                i += 2;
            }
            else if (ctx.ArgIs(i, "setname"u8) && more)
            {
                name = ctx.ArgString(i + 1);
                if (!ClientNames.IsValid(name))
                {
                    ctx.Error(ClientNames.InvalidError);
                    return;
                }
                i++;
            }
            else
            {
                ctx.Error($"ERR Syntax error in HELLO option '{ctx.ArgLatin1(i)}'");
                return;
            }
        }
        if (ctx.Server.AuthRequired && !client.Authenticated)
        {
            ctx.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
            return;
        }
        if (name != null) client.Name = name.Length == 0 ? null : name;
        client.Protocol = version;

        var reply = ctx.Reply;
        reply.WriteMapHeader(7);
        reply.WriteBulkString("server"u8);
        reply.WriteBulkString("redis"u8);
        reply.WriteBulkString("version"u8);
        reply.WriteBulkString(ServerInfo.RedisVersion);
        reply.WriteBulkString("proto"u8);
        reply.WriteInteger((int)version);
        reply.WriteBulkString("id"u8);
        reply.WriteInteger(client.Id);
        reply.WriteBulkString("mode"u8);
        reply.WriteBulkString("standalone"u8);
        reply.WriteBulkString("role"u8);
        reply.WriteBulkString(ctx.Server.Config.IsReplica ? "replica"u8 : "master"u8);
        reply.WriteBulkString("modules"u8);
        reply.WriteArrayHeader(0);
    }

    private static void Reset(CommandContext ctx)
    {
        var client = ctx.Client;
        ctx.Server.ResetClient(client);
        client.DbIndex = 0;
        client.Protocol = RespVersion.Resp2;
        client.Name = null;
        client.ReplyMode = ReplyMode.On;
        client.Flags &= ~(ClientFlags.Multi | ClientFlags.DirtyCas | ClientFlags.DirtyExec | ClientFlags.NoEvict | ClientFlags.ReadOnly);
        if (ctx.Server.AuthRequired)
        {
            client.Authenticated = false;
            client.User = "default";
        }
        ctx.Reply.WriteSimpleString("RESET"u8);
    }
}

/// <summary>Rules for client names (CLIENT SETNAME, HELLO SETNAME).</summary>
public static class ClientNames
{
    public const string InvalidError = "ERR Client names cannot contain spaces, newlines or special characters.";

    public static bool IsValid(string name)
    {
        foreach (char c in name)
        {
            if (c < '!' || c > '~') return false;
        }
        return true;
    }
}
