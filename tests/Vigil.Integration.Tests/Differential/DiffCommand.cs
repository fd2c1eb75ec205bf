using System.Text;

namespace Vigil.Integration.Tests.Differential;

/// <summary>One command sent to both servers, and how their replies to it are compared.</summary>
public sealed class DiffCommand
{
    public DiffCommand(byte[][] args, ReplyMatch match, bool outsideMultiOnly = false)
    {
        Args = args;
        Match = match;
        OutsideMultiOnly = outsideMultiOnly;
    }

    public byte[][] Args { get; }

    public ReplyMatch Match { get; }

    /// <summary>Not to be queued in MULTI: its reply there depends on Redis internals (see the family that says so).</summary>
    public bool OutsideMultiOnly { get; }

    public string Name => Encoding.Latin1.GetString(Args[0]).ToLowerInvariant();

    /// <summary>The same command compared another way.</summary>
    public DiffCommand With(ReplyMatch match) => new(Args, match, OutsideMultiOnly);

    public DiffCommand NotInMulti() => new(Args, Match, outsideMultiOnly: true);

    /// <summary>The command as one inline request line, every argument quoted the way sdssplitargs reads it.</summary>
    public byte[] EncodeInline()
    {
        var line = new StringBuilder();
        for (int i = 0; i < Args.Length; i++)
        {
            if (i > 0) line.Append(' ');
            line.Append(i == 0 && IsPlain(Args[0]) ? Encoding.Latin1.GetString(Args[0]) : Quote(Args[i], Args[i].Length));
        }
        line.Append("\r\n");
        return Encoding.Latin1.GetBytes(line.ToString());
    }

    /// <summary>redis-cli style, long arguments shortened: for failure reports.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        for (int i = 0; i < Args.Length; i++)
        {
            if (i > 0) text.Append(' ');
            var arg = Args[i];
            text.Append(IsPlain(arg) && arg.Length <= 60 ? Encoding.Latin1.GetString(arg) : Quote(arg, 60));
            if (arg.Length > 60) text.Append($"...({arg.Length} bytes)");
        }
        if (Match.Kind != MatchKind.Exact) text.Append("   [compared: ").Append(Match).Append(']');
        return text.ToString();
    }

    /// <summary>Printable, no blanks, no quotes or backslashes: needs no quoting.</summary>
    private static bool IsPlain(byte[] arg) => arg.Length > 0 && arg.All(b => b > ' ' && b < 127 && b != '"' && b != '\'' && b != '\\');

    private static string Quote(byte[] arg, int max)
    {
        var text = new StringBuilder("\"");
        foreach (byte b in arg.AsSpan(0, Math.Min(arg.Length, max)))
        {
            if (b == '"' || b == '\\') text.Append('\\').Append((char)b);
            else if (b >= ' ' && b < 127) text.Append((char)b);
            else text.Append("\\x").Append(b.ToString("x2"));
        }
        return text.Append('"').ToString();
    }
}
