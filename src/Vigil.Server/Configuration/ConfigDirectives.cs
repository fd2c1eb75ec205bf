using System.Globalization;
using Vigil.Protocol;

namespace Vigil.Server.Configuration;

/// <summary>The table of every directive Vigil knows, with Redis 7.0's names, defaults and rules.</summary>
public static class ConfigDirectives
{
    private static readonly Dictionary<string, ConfigDirective> ByName = new(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<ConfigDirective> All { get; } = Build();

    public static ConfigDirective? Find(string name) => ByName.GetValueOrDefault(name);

    private static List<ConfigDirective> Build()
    {
        var list = new List<ConfigDirective>();
        list.AddRange(ServerDirectives.All());
        list.AddRange(MemoryDirectives.All());
        list.AddRange(PersistenceDirectives.All());
        list.AddRange(ReplicationDirectives.All());
        foreach (var d in list)
        {
            ByName[d.Name] = d;
            foreach (var alias in d.Aliases) ByName[alias] = d;
        }
        return list;
    }

    public static ConfigDirective Bool(string name, bool mutable, bool defaultValue, Func<ServerConfig, bool> get,
        Action<ServerConfig, bool> set, params string[] aliases) =>
        CheckedBool(name, mutable, defaultValue, get, (c, v) =>
        {
            set(c, v);
            return null;
        }, aliases);

    /// <summary>A yes/no directive whose setter may refuse the value (returns the reason).</summary>
    public static ConfigDirective CheckedBool(string name, bool mutable, bool defaultValue, Func<ServerConfig, bool> get,
        Func<ServerConfig, bool, string?> set, params string[] aliases) =>
        new(name, mutable, YesNo(defaultValue), c => YesNo(get(c)), (c, a) =>
        {
            if (a.Length != 1) return "wrong number of arguments";
            if (a[0].Equals("yes", StringComparison.OrdinalIgnoreCase)) return set(c, true);
            if (a[0].Equals("no", StringComparison.OrdinalIgnoreCase)) return set(c, false);
            return "argument must be 'yes' or 'no'";
        }, aliases);

    /// <summary>An integer (string2ll: no units, no '+', no blanks) within [min, max].</summary>
    public static ConfigDirective Int(string name, bool mutable, long defaultValue, long min, long max,
        Func<ServerConfig, long> get, Action<ServerConfig, long> set, params string[] aliases) =>
        new(name, mutable, defaultValue.ToString(CultureInfo.InvariantCulture), c => get(c).ToString(CultureInfo.InvariantCulture), (c, a) =>
        {
            if (a.Length != 1) return "wrong number of arguments";
            if (!RedisNumbers.TryParseInt64(a[0], out long v)) return "argument couldn't be parsed into an integer";
            if (OutOfRange(v, min, max) is { } error) return error;
            set(c, v);
            return null;
        }, aliases);

    /// <summary>A size that accepts units (1k = 1000, 1kb = 1024, m, mb, g, gb), as memtoull; rewritten with units.</summary>
    public static ConfigDirective Memory(string name, bool mutable, long defaultValue, long min, long max,
        Func<ServerConfig, long> get, Action<ServerConfig, long> set, params string[] aliases) =>
        new ConfigDirective(name, mutable, defaultValue.ToString(CultureInfo.InvariantCulture), c => get(c).ToString(CultureInfo.InvariantCulture), (c, a) =>
        {
            if (a.Length != 1) return "wrong number of arguments";
            if (!TryParseMemory(a[0], out long v)) return "argument must be a memory value";
            if (OutOfRange(v, min, max) is { } error) return error;
            set(c, v);
            return null;
        }, aliases).With(RewriteStyle.Memory);

    /// <summary>numericBoundaryCheck's message, or null when <paramref name="v"/> is within bounds.</summary>
    public static string? OutOfRange(long v, long min, long max) =>
        v < min || v > max ? $"argument must be between {min} and {max} inclusive" : null;

    /// <summary>A string, written back in double quotes; an empty value stands for "not set".</summary>
    public static ConfigDirective String(string name, bool mutable, string defaultValue, Func<ServerConfig, string> get,
        Action<ServerConfig, string> set, params string[] aliases) =>
        CheckedString(name, mutable, defaultValue, get, (c, v) =>
        {
            set(c, v);
            return null;
        }, aliases);

    /// <summary>
    /// A string whose setter validates: it returns null, or the reason the value is refused. (A name
    /// of its own: as an overload of <see cref="String(string, bool, string, Func{ServerConfig, string}, Action{ServerConfig, string}, string[])"/>,
    /// an assignment lambda such as <c>(c, v) =&gt; c.X = v</c> would bind here and return the value as an error.)
    /// </summary>
    public static ConfigDirective CheckedString(string name, bool mutable, string defaultValue, Func<ServerConfig, string> get,
        Func<ServerConfig, string, string?> set, params string[] aliases) =>
        new ConfigDirective(name, mutable, defaultValue, get, (c, a) => a.Length != 1 ? "wrong number of arguments" : set(c, a[0]), aliases)
            .With(RewriteStyle.Quoted);

    public static ConfigDirective Enum(string name, bool mutable, string defaultValue, string[] values,
        Func<ServerConfig, string> get, Action<ServerConfig, string> set, params string[] aliases) =>
        new(name, mutable, defaultValue, get, (c, a) =>
        {
            if (a.Length != 1) return "wrong number of arguments";
            foreach (var v in values)
            {
                if (!v.Equals(a[0], StringComparison.OrdinalIgnoreCase)) continue;
                set(c, v);
                return null;
            }
            return "argument(s) must be one of the following: " + string.Join(", ", values);
        }, aliases);

    public static string YesNo(bool value) => value ? "yes" : "no";

    /// <summary>
    /// memtoull: digits with an optional unit b, k, kb, m, mb, g, gb (case-insensitive); no sign.
    /// As in Redis, an empty string reads as 0.
    /// </summary>
    public static bool TryParseMemory(string text, out long bytes)
    {
        bytes = 0;
        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits])) digits++;
        long multiplier = text[digits..].ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "k" => 1000,
            "kb" => 1024,
            "m" => 1000 * 1000,
            "mb" => 1024 * 1024,
            "g" => 1000L * 1000 * 1000,
            "gb" => 1024L * 1024 * 1024,
            _ => 0,
        };
        if (multiplier == 0) return false;
        if (digits == 0) return true;
        if (!long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out long n)) return false;
        try
        {
            bytes = checked(n * multiplier);
        }
        catch (OverflowException)
        {
            return false;
        }
        return true;
    }
}
