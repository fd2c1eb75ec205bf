using Vigil.Server.Clients;
using Vigil.Server.PubSub;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH,
/// PUBSUB; and keyspace notifications, which publish through the same hub.
/// </summary>
internal static class PubSubCommands
{
    private const string Group = "pubsub";

    private static readonly string[] PubSubHelp =
    [
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
    ];

    public static void Register(VigilServer server)
    {
        var hub = new PubSubHub(server);
        _ = new KeyspaceNotifier(server, hub);

        var t = server.Commands;
        const CommandFlags subscribing = CommandFlags.PubSub | NoScript | Loading | Stale | AllowedInPubSubContext;
        t.Add("subscribe", -2, subscribing, 0, 0, 0, ctx => Subscribe(hub, ctx, SubscriptionKind.Channel), Group);
        t.Add("psubscribe", -2, subscribing, 0, 0, 0, ctx => Subscribe(hub, ctx, SubscriptionKind.Pattern), Group);
        t.Add("ssubscribe", -2, subscribing, 1, -1, 1, ctx => Subscribe(hub, ctx, SubscriptionKind.ShardChannel), Group);
        t.Add("unsubscribe", -1, subscribing, 0, 0, 0, ctx => Unsubscribe(hub, ctx, SubscriptionKind.Channel), Group);
        t.Add("punsubscribe", -1, subscribing, 0, 0, 0, ctx => Unsubscribe(hub, ctx, SubscriptionKind.Pattern), Group);
        t.Add("sunsubscribe", -1, subscribing, 1, -1, 1, ctx => Unsubscribe(hub, ctx, SubscriptionKind.ShardChannel), Group);
        t.Add("publish", 3, CommandFlags.PubSub | Loading | Stale | Fast, 0, 0, 0, ctx => Publish(hub, ctx, shard: false), Group);
        t.Add("spublish", 3, CommandFlags.PubSub | Loading | Stale | Fast, 1, 1, 1, ctx => Publish(hub, ctx, shard: true), Group);

        var pubsub = t.AddContainer("pubsub", -2, None, Group);
        pubsub.AddSubcommand("help", 2, Loading | Stale, ctx => Help.Write(ctx, PubSubHelp));
        pubsub.AddSubcommand("channels", -2, CommandFlags.PubSub | Loading | Stale, ctx => Channels(hub, ctx, shard: false));
        pubsub.AddSubcommand("shardchannels", -2, CommandFlags.PubSub | Loading | Stale, ctx => Channels(hub, ctx, shard: true));
        pubsub.AddSubcommand("numsub", -2, CommandFlags.PubSub | Loading | Stale, ctx => NumSub(hub, ctx, shard: false));
        pubsub.AddSubcommand("shardnumsub", -2, CommandFlags.PubSub | Loading | Stale, ctx => NumSub(hub, ctx, shard: true));
        pubsub.AddSubcommand("numpat", 2, CommandFlags.PubSub | Loading | Stale, ctx => ctx.Reply.WriteInteger(hub.PatternCount));
    }

    private static void Subscribe(PubSubHub hub, CommandContext ctx, SubscriptionKind kind)
    {
        // EXEC runs its commands with blocking denied; Redis lets SUBSCRIBE and PSUBSCRIBE through
        // for backward compatibility, but not SSUBSCRIBE.
        if (kind == SubscriptionKind.ShardChannel && ctx.Client.HasFlag(ClientFlags.Multi))
        {
            ctx.Error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
            return;
        }
        for (int i = 1; i < ctx.ArgCount; i++) hub.Subscribe(ctx.Client, ctx.Arg(i), kind);
    }

    private static void Unsubscribe(PubSubHub hub, CommandContext ctx, SubscriptionKind kind)
    {
        if (ctx.ArgCount == 1)
        {
            hub.UnsubscribeAll(ctx.Client, kind, notify: true);
        }
        else
        {
            for (int i = 1; i < ctx.ArgCount; i++) hub.Unsubscribe(ctx.Client, ctx.Arg(i), kind, notify: true);
        }
        hub.LeaveSubscriberModeIfIdle(ctx.Client);
    }

    private static void Publish(PubSubHub hub, CommandContext ctx, bool shard) =>
        ctx.Reply.WriteInteger(hub.Publish(ctx.Arg(1), ctx.Arg(2), shard));

    private static void Channels(PubSubHub hub, CommandContext ctx, bool shard)
    {
        if (ctx.ArgCount > 3)
        {
            Help.SubcommandSyntaxError(ctx);
            return;
        }
        hub.WriteChannels(ctx.Reply, ctx.ArgCount == 3 ? ctx.ArgBytes(2) : null, shard);
    }

    private static void NumSub(PubSubHub hub, CommandContext ctx, bool shard)
    {
        ctx.Reply.WriteArrayHeader((ctx.ArgCount - 2) * 2);
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            ctx.Reply.WriteBulkString(ctx.Arg(i));
            ctx.Reply.WriteInteger(hub.SubscriberCount(ctx.Arg(i), shard));
        }
    }
}
