using System.Text;
using Vigil.Protocol;

namespace Vigil.Server.Commands;

/// <summary>
/// What redis-server 7.0 says of its commands: its COMMAND INFO and COMMAND DOCS replies, captured
/// by scripts/command-metadata into Metadata/*.resp (embedded), indexed by full name ("get",
/// "client|kill"). COMMAND answers from them: flags, ACL categories, tips, key specs, summaries,
/// arguments. Loaded on first use; Vigil-only commands have none.
/// </summary>
internal static class CommandMetadata
{
    private static readonly Lazy<(Dictionary<string, RespValue> Info, Dictionary<string, RespValue> Docs)> Tables = new(Load);

    /// <summary>Redis's COMMAND INFO entry: name, arity, flags, first, last, step, categories, tips, key specs, subcommands.</summary>
    public static RespValue? Info(string fullName) => Tables.Value.Info.GetValueOrDefault(fullName);

    /// <summary>Redis's COMMAND DOCS map for the command (flat key, value items), subcommands nested.</summary>
    public static RespValue? Docs(string fullName) => Tables.Value.Docs.GetValueOrDefault(fullName);

    /// <summary>The value under <paramref name="key"/> in a map (flat key, value items), or null.</summary>
    public static RespValue? Field(RespValue map, string key)
    {
        var items = map.Items!;
        for (int i = 0; i + 1 < items.Length; i += 2)
        {
            if (items[i].Bytes is { } name && Encoding.ASCII.GetString(name) == key) return items[i + 1];
        }
        return null;
    }

    private static (Dictionary<string, RespValue>, Dictionary<string, RespValue>) Load()
    {
        var info = new Dictionary<string, RespValue>(StringComparer.Ordinal);
        IndexInfo(Read("command-info.resp").Items!, info);
        var docs = new Dictionary<string, RespValue>(StringComparer.Ordinal);
        IndexDocs(Read("command-docs.resp"), docs);
        return (info, docs);
    }

    private static void IndexInfo(RespValue[] entries, Dictionary<string, RespValue> index)
    {
        foreach (var entry in entries)
        {
            index[entry.Items![0].Text!] = entry;
            IndexInfo(entry.Items[9].Items!, index);
        }
    }

    private static void IndexDocs(RespValue byName, Dictionary<string, RespValue> index)
    {
        var items = byName.Items!;
        for (int i = 0; i + 1 < items.Length; i += 2)
        {
            index[items[i].Text!] = items[i + 1];
            if (Field(items[i + 1], "subcommands") is { } subcommands) IndexDocs(subcommands, index);
        }
    }

    private static RespValue Read(string name)
    {
        using var stream = typeof(CommandMetadata).Assembly.GetManifestResourceStream("Vigil.Server.Commands.Metadata." + name)
            ?? throw new InvalidOperationException("missing embedded resource " + name);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        if (!RespReader.TryRead(bytes, out var value, out int consumed) || consumed != bytes.Length)
            throw new InvalidOperationException("truncated command metadata " + name);
        return value!;
    }
}
