using Vigil.Protocol;

namespace Vigil.Server.Commands;

/// <summary>
/// Builders for the forms in which Redis propagates commands it rewrites (the argument vectors it
/// passes to rewriteClientCommandVector), spelled as Redis spells its shared objects.
/// </summary>
internal static class Rewrites
{
    private static readonly byte[] SetName = "SET"u8.ToArray();
    private static readonly byte[] PxAtName = "PXAT"u8.ToArray();
    private static readonly byte[] KeepTtlName = "KEEPTTL"u8.ToArray();
    private static readonly byte[] DelName = "DEL"u8.ToArray();
    private static readonly byte[] PersistName = "PERSIST"u8.ToArray();
    private static readonly byte[] PExpireAtName = "PEXPIREAT"u8.ToArray();

    /// <summary>SET key value PXAT when: SET, SETEX and PSETEX with a relative or absolute expiry.</summary>
    public static byte[][] SetPxAt(byte[] key, byte[] value, long when) => [SetName, key, value, PxAtName, Number(when)];

    /// <summary>SET key value KEEPTTL: INCRBYFLOAT, so replicas store the exact text the master computed.</summary>
    public static byte[][] SetKeepTtl(byte[] key, byte[] value) => [SetName, key, value, KeepTtlName];

    /// <summary>SET key value: GETSET.</summary>
    public static byte[][] Set(byte[] key, byte[] value) => [SetName, key, value];

    /// <summary>DEL key: GETDEL, and expiry commands whose time already passed.</summary>
    public static byte[][] Del(byte[] key) => [DelName, key];

    /// <summary>PERSIST key: GETEX PERSIST.</summary>
    public static byte[][] Persist(byte[] key) => [PersistName, key];

    /// <summary>PEXPIREAT key when: GETEX with an expiry.</summary>
    public static byte[][] PExpireAt(byte[] key, long when) => [PExpireAtName, key, Number(when)];

    /// <summary>The command's arguments with the name replaced by PEXPIREAT and argument 2 by <paramref name="when"/> (the EXPIRE family keeps its flags).</summary>
    public static byte[][] ExpireAsPExpireAt(CommandContext ctx, long when)
    {
        var args = ctx.CopyArgs();
        args[0] = PExpireAtName;
        args[2] = Number(when);
        return args;
    }

    public static byte[] Number(long value)
    {
        Span<byte> buffer = stackalloc byte[20];
        int n = RedisNumbers.FormatInt64(value, buffer);
        return buffer[..n].ToArray();
    }
}
