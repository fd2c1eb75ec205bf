namespace Vigil.Server.Commands;

[Flags]
internal enum StringOptionFlags
{
    None = 0,
    Nx = 1 << 0,
    Xx = 1 << 1,
    Ex = 1 << 2,
    Px = 1 << 3,
    KeepTtl = 1 << 4,
    Get = 1 << 5,
    ExAt = 1 << 6,
    PxAt = 1 << 7,
    Persist = 1 << 8,
}

/// <summary>
/// The options of SET (NX XX GET KEEPTTL EX PX EXAT PXAT) and GETEX (EX PX EXAT PXAT PERSIST), with
/// Redis's rules for which may be combined (parseExtendedStringArgumentsOrReply): an option that
/// conflicts with an earlier one is a syntax error, while repeating the same one is allowed.
/// </summary>
internal struct StringOptions
{
    private const StringOptionFlags AnyExpire = StringOptionFlags.Ex | StringOptionFlags.Px | StringOptionFlags.ExAt | StringOptionFlags.PxAt;

    public StringOptionFlags Flags;

    /// <summary>The index of the expiry argument, 0 when none was given.</summary>
    public int ExpireArg;

    public readonly bool Has(StringOptionFlags flags) => (Flags & flags) != 0;

    public static bool TryParse(CommandContext ctx, int first, bool forSet, out StringOptions options)
    {
        options = default;
        for (int i = first; i < ctx.ArgCount; i++)
        {
            bool hasNext = i + 1 < ctx.ArgCount;
            var f = options.Flags;
            StringOptionFlags expire = ExpireOption(ctx, i);
            if (forSet && ctx.ArgIs(i, "nx"u8) && (f & StringOptionFlags.Xx) == 0)
            {
                options.Flags |= StringOptionFlags.Nx;
            }
            else if (forSet && ctx.ArgIs(i, "xx"u8) && (f & StringOptionFlags.Nx) == 0)
            {
                options.Flags |= StringOptionFlags.Xx;
            }
            else if (forSet && ctx.ArgIs(i, "get"u8))
            {
                options.Flags |= StringOptionFlags.Get;
            }
            else if (forSet && ctx.ArgIs(i, "keepttl"u8) && (f & (AnyExpire | StringOptionFlags.Persist)) == 0)
            {
                options.Flags |= StringOptionFlags.KeepTtl;
            }
            else if (!forSet && ctx.ArgIs(i, "persist"u8) && (f & (AnyExpire | StringOptionFlags.KeepTtl)) == 0)
            {
                options.Flags |= StringOptionFlags.Persist;
            }
            else if (expire != StringOptionFlags.None && hasNext &&
                     (f & (StringOptionFlags.KeepTtl | StringOptionFlags.Persist | (AnyExpire & ~expire))) == 0)
            {
                options.Flags |= expire;
                options.ExpireArg = ++i;
            }
            else
            {
                ctx.SyntaxError();
                return false;
            }
        }
        return true;
    }

    private static StringOptionFlags ExpireOption(CommandContext ctx, int i)
    {
        if (ctx.ArgIs(i, "ex"u8)) return StringOptionFlags.Ex;
        if (ctx.ArgIs(i, "px"u8)) return StringOptionFlags.Px;
        if (ctx.ArgIs(i, "exat"u8)) return StringOptionFlags.ExAt;
        if (ctx.ArgIs(i, "pxat"u8)) return StringOptionFlags.PxAt;
        return StringOptionFlags.None;
    }

    /// <summary>
    /// getExpireMillisecondsOrReply: the expiry as absolute Unix ms. Zero, negative and overflowing
    /// values are "invalid expire time" errors naming the command.
    /// </summary>
    public readonly bool TryGetExpireTime(CommandContext ctx, out long when)
    {
        if (!ctx.TryGetInt64(ExpireArg, out when)) return false;
        bool seconds = Has(StringOptionFlags.Ex | StringOptionFlags.ExAt);
        if (when <= 0 || (seconds && when > long.MaxValue / 1000))
        {
            ExpiryRules.InvalidExpireTime(ctx);
            return false;
        }
        if (seconds) when *= 1000;
        if (Has(StringOptionFlags.Ex | StringOptionFlags.Px)) when = unchecked(when + ctx.Now);
        if (when <= 0)
        {
            ExpiryRules.InvalidExpireTime(ctx);
            return false;
        }
        return true;
    }
}
