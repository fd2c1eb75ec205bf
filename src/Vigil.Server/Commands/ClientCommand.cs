using System.Text;
using Vigil.Protocol;
using Vigil.Server.Clients;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// CLIENT and its subcommands (networking.c): names, ids, listing, killing, reply modes, pausing.
/// Client-side caching (TRACKING, CACHING) is not implemented; its read-only views answer as "off".
/// </summary>
internal static class ClientCommand
{
    private static readonly string[] HelpLines =
    [
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "    * ID <client-id>",
        "      Kill connections by client id.",
        "    * MAXAGE <maxage>",
        "      Kill connections older than the specified age.",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "SETINFO <option> <value>",
        "    Set client meta attr. Options are:",
        "    * LIB-NAME: the client lib name.",
        "    * LIB-VER: the client lib version.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "NO-TOUCH (ON|OFF)",
        "    Will not touch LRU/LFU stats when this mode is on.",
    ];

    public static void Register(VigilServer server)
    {
        var client = server.Commands.AddContainer("client", -2, None, "connection");
        const CommandFlags session = NoScript | Loading | Stale;
        client.AddSubcommand("help", 2, Loading | Stale, ctx => Help.Write(ctx, HelpLines));
        client.AddSubcommand("id", 2, session, ctx => ctx.Reply.WriteInteger(ctx.Client.Id));
        client.AddSubcommand("getname", 2, session, GetName);
        client.AddSubcommand("setname", 3, session, SetName);
        client.AddSubcommand("setinfo", 4, session, SetInfo);
        client.AddSubcommand("info", 2, session, ctx => ctx.Reply.WriteVerbatim(ClientDescription.Describe(ctx.Client, ctx.Now) + "\n"));
        client.AddSubcommand("list", -2, Admin | session, List);
        client.AddSubcommand("kill", -3, Admin | session, Kill);
        client.AddSubcommand("reply", 3, session, Reply);
        client.AddSubcommand("no-evict", 3, Admin | session, ctx => SetFlag(ctx, ClientFlags.NoEvict));
        client.AddSubcommand("no-touch", 3, session, ctx => SetFlag(ctx, ClientFlags.NoTouch));
        client.AddSubcommand("pause", -3, Admin | session, Pause);
        client.AddSubcommand("unpause", 2, Admin | session, ctx =>
        {
            ctx.Server.ClientPause.Unpause();
            ctx.Reply.WriteOk();
        });
        client.AddSubcommand("getredir", 2, session, ctx => ctx.Reply.WriteInteger(-1));
        client.AddSubcommand("trackinginfo", 2, session, TrackingInfo);
    }

    private static void GetName(CommandContext ctx)
    {
        if (ctx.Client.Name == null) ctx.Reply.WriteNull();
        else ctx.Reply.WriteBulkString(ctx.Client.Name);
    }

    private static void SetName(CommandContext ctx)
    {
        string name = ctx.ArgLatin1(2);
        if (!ClientNames.IsValid(name))
        {
            ctx.Error(ClientNames.InvalidError);
            return;
        }
        ctx.Client.Name = name.Length == 0 ? null : name;
        ctx.Reply.WriteOk();
    }

    /// <summary>CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2; client libraries send it on connect).</summary>
    private static void SetInfo(CommandContext ctx)
    {
        string attribute = ctx.ArgLatin1(2);
        bool isName = attribute.Equals("lib-name", StringComparison.OrdinalIgnoreCase);
        if (!isName && !attribute.Equals("lib-ver", StringComparison.OrdinalIgnoreCase))
        {
            ctx.Error($"ERR Unrecognized option '{attribute}'");
            return;
        }
        string value = ctx.ArgLatin1(3);
        if (!ClientNames.IsValid(value))
        {
            ctx.Error($"ERR {attribute} cannot contain spaces, newlines or special characters.");
            return;
        }
        string? stored = value.Length == 0 ? null : value;
        if (isName) ctx.Client.LibraryName = stored;
        else ctx.Client.LibraryVersion = stored;
        ctx.Reply.WriteOk();
    }

    /// <summary>CLIENT LIST [TYPE type] | [ID id ...]: one line per client, oldest first.</summary>
    private static void List(CommandContext ctx)
    {
        var server = ctx.Server;
        var text = new StringBuilder();
        if (ctx.ArgCount == 2 || (ctx.ArgCount == 4 && ctx.ArgIs(2, "type"u8)))
        {
            ClientType? type = null;
            if (ctx.ArgCount == 4)
            {
                type = ClientDescription.ParseType(ctx.ArgLatin1(3));
                if (type == null)
                {
                    ctx.Error($"ERR Unknown client type '{ctx.ArgLatin1(3)}'");
                    return;
                }
            }
            foreach (var client in ByAge(server))
            {
                if (type != null && ClientDescription.TypeOf(client) != type) continue;
                text.Append(ClientDescription.Describe(client, ctx.Now)).Append('\n');
            }
        }
        else if (ctx.ArgCount > 3 && ctx.ArgIs(2, "id"u8))
        {
            for (int i = 3; i < ctx.ArgCount; i++)
            {
                if (!ctx.TryGetInt64(i, out long id, "ERR Invalid client ID")) return;
                if (server.Clients.Find(id) is { } client) text.Append(ClientDescription.Describe(client, ctx.Now)).Append('\n');
            }
        }
        else
        {
            ctx.SyntaxError();
            return;
        }
        ctx.Reply.WriteVerbatim(text.ToString());
    }

    private static List<Client> ByAge(VigilServer server)
    {
        var clients = server.Clients.Snapshot();
        clients.Sort((a, b) => a.Id.CompareTo(b.Id));
        return clients;
    }

    /// <summary>
    /// CLIENT KILL addr (old form: may kill the caller, answers OK or "No such client"), or CLIENT KILL
    /// with filters ADDR, LADDR, ID, TYPE, USER, SKIPME, MAXAGE (answers the number killed).
    /// </summary>
    private static void Kill(CommandContext ctx)
    {
        string? addr = null, laddr = null, user = null;
        ClientType? type = null;
        long id = 0, maxAge = 0;
        bool skipMe = true;
        if (ctx.ArgCount == 3)
        {
            addr = ctx.ArgLatin1(2);
            skipMe = false;
        }
        else
        {
            for (int i = 2; i < ctx.ArgCount; i += 2)
            {
                if (i + 1 >= ctx.ArgCount)
                {
                    ctx.SyntaxError();
                    return;
                }
                string value = ctx.ArgLatin1(i + 1);
                if (ctx.ArgIs(i, "id"u8))
                {
                    if (!RedisNumbers.TryParseInt64(ctx.Arg(i + 1), out id) || id < 1)
                    {
                        ctx.Error("ERR client-id should be greater than 0");
                        return;
                    }
                }
                else if (ctx.ArgIs(i, "type"u8))
                {
                    type = ClientDescription.ParseType(value);
                    if (type == null)
                    {
                        ctx.Error($"ERR Unknown client type '{value}'");
                        return;
                    }
                }
                else if (ctx.ArgIs(i, "addr"u8)) addr = value;
                else if (ctx.ArgIs(i, "laddr"u8)) laddr = value;
                else if (ctx.ArgIs(i, "user"u8))
                {
                    // The default user is the only one.
                    if (value != "default")
                    {
                        ctx.Error($"ERR No such user '{value}'");
                        return;
                    }
                    user = value;
                }
                else if (ctx.ArgIs(i, "skipme"u8))
                {
                    if (ctx.ArgIs(i + 1, "yes"u8)) skipMe = true;
                    else if (ctx.ArgIs(i + 1, "no"u8)) skipMe = false;
                    else
                    {
                        ctx.SyntaxError();
                        return;
                    }
                }
                else if (ctx.ArgIs(i, "maxage"u8))
                {
                    if (!ctx.TryGetInt64(i + 1, out maxAge)) return;
                }
                else
                {
                    ctx.SyntaxError();
                    return;
                }
            }
        }

        int killed = 0;
        bool closeSelf = false;
        foreach (var client in ctx.Server.Clients.Snapshot())
        {
            // Already on its way out (freed, in Redis's terms).
            if (client.HasFlag(ClientFlags.CloseAsap)) continue;
            if (addr != null && client.Address != addr) continue;
            if (laddr != null && client.LocalAddress != laddr) continue;
            if (type != null && ClientDescription.TypeOf(client) != type) continue;
            if (id != 0 && client.Id != id) continue;
            if (user != null && client.User != user) continue;
            if (maxAge > 0 && (ctx.Now - client.CreatedMs) / 1000 < maxAge) continue;
            if (client == ctx.Client)
            {
                if (skipMe) continue;
                closeSelf = true;
            }
            else
            {
                client.Kill();
            }
            killed++;
        }
        if (ctx.ArgCount == 3)
        {
            if (killed == 0) ctx.Error("ERR No such client");
            else ctx.Reply.WriteOk();
        }
        else
        {
            ctx.Reply.WriteInteger(killed);
        }
        // The caller goes once its reply is out.
        if (closeSelf) ctx.Client.Flags |= ClientFlags.CloseAfterReply;
    }

    /// <summary>CLIENT REPLY ON answers OK; OFF and SKIP answer nothing (nor does the command SKIP skips).</summary>
    private static void Reply(CommandContext ctx)
    {
        var client = ctx.Client;
        if (ctx.ArgIs(2, "on"u8))
        {
            client.ReplyMode = ReplyMode.On;
            ctx.Reply.WriteOk();
        }
        else if (ctx.ArgIs(2, "off"u8))
        {
            client.ReplyMode = ReplyMode.Off;
        }
        else if (ctx.ArgIs(2, "skip"u8))
        {
            if (client.ReplyMode != ReplyMode.Off) client.ReplyMode = ReplyMode.SkipNext;
        }
        else
        {
            ctx.SyntaxError();
        }
    }

    /// <summary>CLIENT PAUSE milliseconds [WRITE|ALL]: ALL unless WRITE is given.</summary>
    private static void Pause(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(2, out long timeout, "ERR timeout is not an integer or out of range")) return;
        if (timeout < 0)
        {
            ctx.Error("ERR timeout is negative");
            return;
        }
        var mode = PauseMode.All;
        if (ctx.ArgCount == 4)
        {
            if (ctx.ArgIs(3, "write"u8)) mode = PauseMode.Write;
            else if (!ctx.ArgIs(3, "all"u8))
            {
                ctx.Error("ERR CLIENT PAUSE mode must be WRITE or ALL");
                return;
            }
        }
        else if (ctx.ArgCount > 4)
        {
            ctx.SyntaxError();
            return;
        }
        ctx.Server.ClientPause.Pause(mode, ctx.Now + timeout);
        ctx.Reply.WriteOk();
    }

    private static void SetFlag(CommandContext ctx, ClientFlags flag)
    {
        if (ctx.ArgIs(2, "on"u8)) ctx.Client.Flags |= flag;
        else if (ctx.ArgIs(2, "off"u8)) ctx.Client.Flags &= ~flag;
        else
        {
            ctx.SyntaxError();
            return;
        }
        ctx.Reply.WriteOk();
    }

    private static void TrackingInfo(CommandContext ctx)
    {
        var reply = ctx.Reply;
        reply.WriteMapHeader(3);
        reply.WriteBulkString("flags"u8);
        reply.WriteSetHeader(1);
        reply.WriteBulkString("off"u8);
        reply.WriteBulkString("redirect"u8);
        reply.WriteInteger(-1);
        reply.WriteBulkString("prefixes"u8);
        reply.WriteArrayHeader(0);
    }
}
