namespace Vigil.Protocol;

/// <summary>The limits Redis applies while reading a request (networking.c, processMultibulkBuffer).</summary>
public readonly record struct ParseLimits(long MaxBulkLength, bool AuthRequired, bool FromMaster)
{
    /// <summary>PROTO_INLINE_MAX_SIZE: longest inline request or header line.</summary>
    public const int InlineMaxSize = 64 * 1024;
    /// <summary>An unauthenticated client may send at most this many arguments.</summary>
    public const int UnauthenticatedMaxArgs = 10;
    /// <summary>An unauthenticated client may send arguments of at most this many bytes.</summary>
    public const int UnauthenticatedMaxBulk = 16384;

    public static ParseLimits Default => new(512L * 1024 * 1024, false, false);
}
