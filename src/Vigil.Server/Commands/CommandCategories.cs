using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// The ACL categories and flag names COMMAND INFO and ACL CAT report, derived as Redis derives them:
/// from the command's group and flags (setImplicitACLCategories), in Redis's category order.
/// </summary>
public static class CommandCategories
{
    /// <summary>Every category, in the order Redis lists them.</summary>
    public static readonly string[] All =
    [
        "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo", "stream",
        "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting",
    ];

    /// <summary>Commands Redis marks @dangerous without being admin commands.</summary>
    private static readonly HashSet<string> Dangerous = new(StringComparer.Ordinal)
    {
        "flushall", "flushdb", "keys", "info", "swapdb", "sort", "migrate", "restore", "restore-asking", "role", "lastsave",
    };

    private static readonly (CommandFlags Flag, string Name)[] FlagNames =
    [
        (Write, "write"), (ReadOnly, "readonly"), (DenyOom, "denyoom"), (Admin, "admin"), (CommandFlags.PubSub, "pubsub"), (NoScript, "noscript"),
        (CommandFlags.Blocking, "blocking"), (Loading, "loading"), (Stale, "stale"), (SkipMonitor, "skip_monitor"), (SkipSlowlog, "skip_slowlog"),
        (Fast, "fast"), (NoAuth, "no_auth"), (NoMandatoryKeys, "no_mandatory_keys"), (NoMulti, "no_multi"), (AllowBusy, "allow_busy"),
    ];

    /// <summary>COMMAND INFO's flags (may_replicate and protected are hidden, as in Redis).</summary>
    public static List<string> FlagNamesOf(RedisCommand command)
    {
        var names = new List<string>();
        foreach (var (flag, name) in FlagNames)
        {
            if (command.Has(flag)) names.Add(name);
        }
        return names;
    }

    /// <summary>The categories of a command ("read", "string", "fast"), without the '@'.</summary>
    public static List<string> Of(RedisCommand command)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        // A container itself is only @slow; its subcommands carry the real categories.
        if (command.Subcommands != null && command.Parent == null && !command.DispatchesItself)
        {
            set.Add("slow");
        }
        else
        {
            if (GroupCategory(command.Group) is { } group) set.Add(group);
            if (command.Has(Write)) set.Add("write");
            if (command.Has(ReadOnly) && command.Group != "scripting") set.Add("read");
            if (command.Has(Admin))
            {
                set.Add("admin");
                set.Add("dangerous");
            }
            if (command.Has(CommandFlags.PubSub)) set.Add("pubsub");
            if (command.Has(Fast)) set.Add("fast");
            else set.Add("slow");
            if (command.Has(CommandFlags.Blocking)) set.Add("blocking");
            if (Dangerous.Contains(command.Name) && command.Parent == null) set.Add("dangerous");
        }
        var ordered = new List<string>(set.Count);
        foreach (var category in All)
        {
            if (set.Contains(category)) ordered.Add(category);
        }
        return ordered;
    }

    private static string? GroupCategory(string group) => group switch
    {
        "generic" => "keyspace",
        "string" => "string",
        "list" => "list",
        "set" => "set",
        "sorted-set" or "sorted_set" or "zset" => "sortedset",
        "hash" => "hash",
        "bitmap" => "bitmap",
        "hyperloglog" => "hyperloglog",
        "geo" => "geo",
        "stream" => "stream",
        "pubsub" => "pubsub",
        "connection" => "connection",
        "transactions" => "transaction",
        "scripting" => "scripting",
        _ => null,
    };
}
