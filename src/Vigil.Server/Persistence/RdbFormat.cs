namespace Vigil.Server.Persistence;

/// <summary>RDB version 10 (Redis 7.0) constants: value types and opcodes (rdb.h).</summary>
public static class RdbFormat
{
    public const int Version = 10;

    public const byte TypeString = 0;
    public const byte TypeList = 1;
    public const byte TypeSet = 2;
    public const byte TypeZset = 3;
    public const byte TypeHash = 4;
    public const byte TypeZset2 = 5;
    public const byte TypeModule = 6;
    public const byte TypeModule2 = 7;
    public const byte TypeHashZipmap = 9;
    public const byte TypeListZiplist = 10;
    public const byte TypeSetIntset = 11;
    public const byte TypeZsetZiplist = 12;
    public const byte TypeHashZiplist = 13;
    public const byte TypeListQuicklist = 14;
    public const byte TypeStreamListpacks = 15;
    public const byte TypeHashListpack = 16;
    public const byte TypeZsetListpack = 17;
    public const byte TypeListQuicklist2 = 18;
    public const byte TypeStreamListpacks2 = 19;
    public const byte TypeSetListpack = 20;

    public const byte OpFunction2 = 245;
    public const byte OpFunction = 246;
    public const byte OpModuleAux = 247;
    public const byte OpIdle = 248;
    public const byte OpFreq = 249;
    public const byte OpAux = 250;
    public const byte OpResizeDb = 251;
    public const byte OpExpireTimeMs = 252;
    public const byte OpExpireTime = 253;
    public const byte OpSelectDb = 254;
    public const byte OpEof = 255;

    /// <summary>Length encodings (the two top bits of the first byte).</summary>
    public const int Len6Bit = 0;
    public const int Len14Bit = 1;
    public const byte Len32Bit = 0x80;
    public const byte Len64Bit = 0x81;
    public const int EncodedValue = 3;

    /// <summary>Special string encodings (after 11 in the top bits).</summary>
    public const int EncodingInt8 = 0;
    public const int EncodingInt16 = 1;
    public const int EncodingInt32 = 2;
    public const int EncodingLzf = 3;

    /// <summary>Quicklist 2 node containers.</summary>
    public const int QuicklistNodePlain = 1;
    public const int QuicklistNodePacked = 2;

    public static string TypeName(byte type) => type switch
    {
        TypeString => "string",
        TypeList or TypeListZiplist or TypeListQuicklist or TypeListQuicklist2 => "list",
        TypeSet or TypeSetIntset or TypeSetListpack => "set",
        TypeZset or TypeZset2 or TypeZsetZiplist or TypeZsetListpack => "zset",
        TypeHash or TypeHashZipmap or TypeHashZiplist or TypeHashListpack => "hash",
        TypeStreamListpacks or TypeStreamListpacks2 => "stream",
        TypeModule or TypeModule2 => "module",
        _ => "unknown",
    };
}

/// <summary>An RDB or DUMP payload that cannot be read; says where.</summary>
public sealed class RdbFormatException : Exception
{
    public RdbFormatException(long offset, string message) : base($"{message} (at offset {offset})")
    {
        Offset = offset;
    }

    public long Offset { get; }
}
