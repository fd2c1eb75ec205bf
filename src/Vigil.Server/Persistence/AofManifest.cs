using System.Globalization;
using System.Text;
using Vigil.Protocol;

namespace Vigil.Server.Persistence;

/// <summary>One file of a multi-part AOF: its name, sequence number and type.</summary>
public sealed record AofFileInfo(string Name, long Seq, AofFileType Type);

public enum AofFileType
{
    /// <summary>'b': the snapshot the incremental files apply to (RDB or AOF format).</summary>
    Base,
    /// <summary>'i': commands after the base.</summary>
    Incr,
    /// <summary>'h': replaced by a rewrite, deleted soon after.</summary>
    History,
}

/// <summary>
/// Redis 7's AOF manifest (aof.c): one line per file, "file NAME seq N type b|h|i", base first, then
/// history, then incremental files in sequence order. Written through a temporary file and a rename.
/// </summary>
public sealed class AofManifest
{
    public AofFileInfo? Base { get; private set; }

    public List<AofFileInfo> Incr { get; } = new();

    public List<AofFileInfo> History { get; } = new();

    public long BaseSeq { get; private set; }

    public long IncrSeq { get; private set; }

    public bool IsEmpty => Base == null && Incr.Count == 0;

    public static string FileName(string appendFilename) => appendFilename + ".manifest";

    public AofManifest Clone()
    {
        var copy = new AofManifest { Base = Base, BaseSeq = BaseSeq, IncrSeq = IncrSeq };
        copy.Incr.AddRange(Incr);
        copy.History.AddRange(History);
        return copy;
    }

    /// <summary>A new base name (the previous base becomes history): "appendonly.aof.2.base.rdb".</summary>
    public string NewBase(string appendFilename, bool rdbFormat)
    {
        if (Base != null) History.Insert(0, Base with { Type = AofFileType.History });
        Base = new AofFileInfo($"{appendFilename}.{++BaseSeq}.base.{(rdbFormat ? "rdb" : "aof")}", BaseSeq, AofFileType.Base);
        return Base.Name;
    }

    /// <summary>An existing file becomes the base, seq 1 (an old-style appendonly.aof moved into the directory).</summary>
    public void UseExistingBase(string name)
    {
        Base = new AofFileInfo(name, 1, AofFileType.Base);
        BaseSeq = 1;
    }

    /// <summary>A new incremental file name, appended after the others: "appendonly.aof.3.incr.aof".</summary>
    public string NewIncr(string appendFilename)
    {
        var info = new AofFileInfo($"{appendFilename}.{++IncrSeq}.incr.aof", IncrSeq, AofFileType.Incr);
        Incr.Add(info);
        return info.Name;
    }

    /// <summary>After a rewrite: every incremental file but the one being written becomes history.</summary>
    public void MarkRewrittenIncrAsHistory(bool keepLast)
    {
        int keep = keepLast && Incr.Count > 0 ? 1 : 0;
        for (int i = Incr.Count - 1 - keep; i >= 0; i--)
        {
            History.Insert(0, Incr[i] with { Type = AofFileType.History });
            Incr.RemoveAt(i);
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Base != null) Format(sb, Base);
        foreach (var h in History) Format(sb, h);
        foreach (var i in Incr) Format(sb, i);
        return sb.ToString();
    }

    private static void Format(StringBuilder sb, AofFileInfo info)
    {
        char type = info.Type switch { AofFileType.Base => 'b', AofFileType.History => 'h', _ => 'i' };
        sb.Append("file ").Append(Quote(info.Name)).Append(" seq ").Append(info.Seq.ToString(CultureInfo.InvariantCulture))
            .Append(" type ").Append(type).Append('\n');
    }

    /// <summary>sdscatrepr when the name needs it (spaces, quotes, control bytes), else the name as is.</summary>
    private static string Quote(string name)
    {
        bool plain = true;
        foreach (char c in name)
        {
            if (c <= ' ' || c == '"' || c == '\'' || c == '\\' || c >= 127) plain = false;
        }
        if (plain) return name;
        var sb = new StringBuilder("\"");
        foreach (char c in name)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < ' ' || c >= 127) sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>aofLoadManifestFromFile's rules; a bad manifest names the line and the reason.</summary>
    public static AofManifest Parse(string text, string path)
    {
        var manifest = new AofManifest();
        long maxIncrSeq = 0;
        string[] lines = text.Split('\n');
        int count = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        if (text.Length == 0) throw Bad(path, 0, null, "Found an empty AOF manifest");
        for (int n = 0; n < count; n++)
        {
            string raw = lines[n];
            if (raw.StartsWith('#')) continue;
            string line = raw.Trim(' ', '\t', '\r', '\n');
            if (line.Length == 0) throw Bad(path, n + 1, line, "Invalid AOF manifest file format");
            var args = RequestParser.SplitLine(line);
            if (args == null || args.Count < 6 || args.Count % 2 != 0) throw Bad(path, n + 1, line, "Invalid AOF manifest file format");
            string? name = null;
            long seq = 0;
            char type = '\0';
            for (int i = 0; i < args.Count; i += 2)
            {
                string key = args[i].ToLowerInvariant();
                if (key == "file")
                {
                    name = args[i + 1];
                    if (name.Contains('/')) throw Bad(path, n + 1, line, "File can't be a path, just a filename");
                }
                else if (key == "seq") seq = ParseLeadingInteger(args[i + 1]);
                else if (key == "type") type = args[i + 1].Length > 0 ? args[i + 1][0] : '\0';
            }
            if (string.IsNullOrEmpty(name) || seq == 0 || type == '\0') throw Bad(path, n + 1, line, "Invalid AOF manifest file format");
            switch (type)
            {
                case 'b':
                    if (manifest.Base != null) throw Bad(path, n + 1, line, "Found duplicate base file information");
                    manifest.Base = new AofFileInfo(name, seq, AofFileType.Base);
                    manifest.BaseSeq = seq;
                    break;
                case 'h':
                    manifest.History.Add(new AofFileInfo(name, seq, AofFileType.History));
                    break;
                case 'i':
                    if (seq <= maxIncrSeq) throw Bad(path, n + 1, line, "Found a non-monotonic sequence number");
                    manifest.Incr.Add(new AofFileInfo(name, seq, AofFileType.Incr));
                    manifest.IncrSeq = maxIncrSeq = seq;
                    break;
                default:
                    throw Bad(path, n + 1, line, "Unknown AOF file type");
            }
        }
        return manifest;
    }

    /// <summary>atoll: leading digits, 0 when none.</summary>
    private static long ParseLeadingInteger(string text)
    {
        int end = 0;
        if (end < text.Length && text[end] is '-' or '+') end++;
        while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
        return long.TryParse(text.AsSpan(0, end), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : 0;
    }

    private static PersistenceException Bad(string path, int line, string? text, string reason) =>
        new(text == null
            ? $"*** FATAL AOF MANIFEST FILE ERROR *** {path}: {reason}"
            : $"*** FATAL AOF MANIFEST FILE ERROR *** Reading the manifest file {path}, at line {line}: >>> '{text}': {reason}");
}

/// <summary>A data file that cannot be loaded or written at startup: the server does not start.</summary>
public sealed class PersistenceException : Exception
{
    public PersistenceException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
