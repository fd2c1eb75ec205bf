using Vigil.Protocol;
using Vigil.Server.Commands;

namespace Vigil.Server.Transactions;

/// <summary>
/// A command with its arguments copied into one buffer, in the layout the executor reads
/// (buffer + ranges), so it can run or be propagated after the receive buffer was reused.
/// One allocation for the bytes and one for the ranges, whatever the argument count.
/// </summary>
internal sealed class PackedCommand
{
    private readonly byte[] _buffer;
    private readonly ArgRange[] _ranges;

    private PackedCommand(RedisCommand command, byte[] buffer, ArgRange[] ranges)
    {
        Command = command;
        _buffer = buffer;
        _ranges = ranges;
    }

    public RedisCommand Command { get; }

    public int ArgCount => _ranges.Length;

    /// <summary>Bytes the arguments take.</summary>
    public int ArgBytes => _buffer.Length;

    public static PackedCommand FromContext(CommandContext ctx, RedisCommand command)
    {
        int total = 0;
        for (int i = 0; i < ctx.ArgCount; i++) total += ctx.Arg(i).Length;
        var buffer = new byte[total];
        var ranges = new ArgRange[ctx.ArgCount];
        int at = 0;
        for (int i = 0; i < ranges.Length; i++)
        {
            var arg = ctx.Arg(i);
            arg.CopyTo(buffer.AsSpan(at));
            ranges[i] = new ArgRange(at, arg.Length);
            at += arg.Length;
        }
        return new PackedCommand(command, buffer, ranges);
    }

    public static PackedCommand FromArgs(IReadOnlyList<byte[]> args, RedisCommand command)
    {
        int total = 0;
        foreach (var arg in args) total += arg.Length;
        var buffer = new byte[total];
        var ranges = new ArgRange[args.Count];
        int at = 0;
        for (int i = 0; i < ranges.Length; i++)
        {
            args[i].CopyTo(buffer, at);
            ranges[i] = new ArgRange(at, args[i].Length);
            at += args[i].Length;
        }
        return new PackedCommand(command, buffer, ranges);
    }

    /// <summary>Makes these the arguments <paramref name="ctx"/> hands to the handler.</summary>
    public void LoadInto(CommandContext ctx)
    {
        ctx.SetArgs(_buffer, _ranges, 0, _ranges.Length);
        ctx.Command = Command;
    }
}
