using Vigil.Protocol;

namespace Vigil.Server.Commands;

/// <summary>
/// The arguments LMPOP/BLMPOP and ZMPOP/BZMPOP share from numkeys on: numkeys key [key ...], which
/// end to pop from (LEFT|RIGHT, MIN|MAX), and an optional COUNT (1 when absent).
/// </summary>
internal readonly record struct MPopArguments(int FirstKey, int KeyCount, bool FirstEnd, long Count)
{
    /// <summary>
    /// Parses from <paramref name="numKeysArg"/> with Redis's errors; <paramref name="firstEnd"/> and
    /// <paramref name="secondEnd"/> are the lower-case names of the two ends ("left", "right").
    /// </summary>
    public static bool TryParse(CommandContext ctx, int numKeysArg, ReadOnlySpan<byte> firstEnd, ReadOnlySpan<byte> secondEnd, out MPopArguments arguments)
    {
        arguments = default;
        if (!RedisNumbers.TryParseInt64(ctx.Arg(numKeysArg), out long numKeys) || numKeys < 1)
        {
            ctx.Error("ERR numkeys should be greater than 0");
            return false;
        }
        int firstKey = numKeysArg + 1;
        if (numKeys > ctx.ArgCount - firstKey - 1)
        {
            ctx.SyntaxError();
            return false;
        }
        int whereArg = firstKey + (int)numKeys;
        bool first = ctx.ArgIs(whereArg, firstEnd);
        if (!first && !ctx.ArgIs(whereArg, secondEnd))
        {
            ctx.SyntaxError();
            return false;
        }
        long count = -1;
        for (int i = whereArg + 1; i < ctx.ArgCount; i++)
        {
            if (count == -1 && ctx.ArgIs(i, "count"u8) && i + 1 < ctx.ArgCount)
            {
                if (!RedisNumbers.TryParseInt64(ctx.Arg(++i), out count) || count < 1)
                {
                    ctx.Error("ERR count should be greater than 0");
                    return false;
                }
            }
            else
            {
                ctx.SyntaxError();
                return false;
            }
        }
        arguments = new MPopArguments(firstKey, (int)numKeys, first, count == -1 ? 1 : count);
        return true;
    }
}
