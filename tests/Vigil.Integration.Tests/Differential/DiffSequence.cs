using System.Text;
using Vigil.Integration.Tests.Infrastructure;

namespace Vigil.Integration.Tests.Differential;

/// <summary>Commands sent with one socket write: one command, or a pipeline. Inline writes use the telnet form.</summary>
public sealed record DiffWrite(IReadOnlyList<DiffCommand> Commands, bool Inline)
{
    public byte[] Encode()
    {
        var bytes = new MemoryStream();
        foreach (var c in Commands) bytes.Write(Inline ? c.EncodeInline() : RespConnection.Encode(c.Args));
        return bytes.ToArray();
    }
}

/// <summary>
/// What one connection sends, from an empty keyspace: writes in order, then maybe bad input after
/// which the client half-closes.
/// </summary>
public sealed record DiffSequence(IReadOnlyList<DiffWrite> Writes, byte[]? FinalInput)
{
    public int CommandCount => Writes.Sum(w => w.Commands.Count);

    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var w in Writes)
        {
            string prefix = (w.Commands.Count > 1 ? "[one write] " : "") + (w.Inline ? "[inline] " : "");
            for (int i = 0; i < w.Commands.Count; i++)
            {
                text.Append("  ").Append(i == 0 ? prefix : new string(' ', prefix.Length)).Append(w.Commands[i]).Append('\n');
            }
        }
        if (FinalInput != null) text.Append("  [raw bytes, then half close] ").Append(Reply.Escape(FinalInput)).Append('\n');
        return text.ToString();
    }
}

/// <summary>Turns a seed into a sequence: commands from the registered families, grouped into writes.</summary>
public static class SequenceGenerator
{
    public const int MaxCommands = 40;

    public static DiffSequence Generate(int seed, Func<string, bool> supports)
    {
        var r = new CommandRandom(seed);
        var ctx = new GenerationContext(r, CommandFamilies.All, supports);
        var commands = new List<DiffCommand>();
        // RESP3 for some sequences: HELLO's own reply names the server, so it is not compared.
        if (r.Chance(0.2)) commands.Add(new DiffCommand([CommandRandom.Bytes("HELLO"), CommandRandom.Bytes("3")], ReplyMatch.Ignore));
        int target = r.Between(3, MaxCommands);
        while (commands.Count < target) ctx.PickFamily().Generate(ctx, commands);

        var writes = new List<DiffWrite>();
        for (int i = 0; i < commands.Count;)
        {
            int size = Math.Min(r.Chance(0.15) ? r.Between(2, 16) : 1, commands.Count - i);
            writes.Add(new DiffWrite(commands.GetRange(i, size), Inline: r.Chance(0.08)));
            i += size;
        }
        return new DiffSequence(writes, r.Chance(0.1) ? MalformedInputs.Generate(r) : null);
    }
}
