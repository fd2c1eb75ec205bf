using Vigil.Server.Configuration;

namespace Vigil.Server.Storage;

/// <summary>
/// The thresholds past which a small collection takes its large encoding (hash-max-listpack-*,
/// set-max-intset-entries, zset-max-listpack-*), as of one moment's configuration: commands read them from the config,
/// the RDB and DUMP loaders from their reader. Defaults are Redis 7.0's.
/// </summary>
public readonly record struct EncodingLimits
{
    public EncodingLimits()
    {
    }

    public long HashMaxListpackEntries { get; init; } = 128;

    public long HashMaxListpackValue { get; init; } = 64;

    public long SetMaxIntsetEntries { get; init; } = 512;

    public long ZsetMaxListpackEntries { get; init; } = 128;

    public long ZsetMaxListpackValue { get; init; } = 64;

    public static EncodingLimits Default => new();

    public static EncodingLimits From(ServerConfig config) => new()
    {
        HashMaxListpackEntries = config.HashMaxListpackEntries,
        HashMaxListpackValue = config.HashMaxListpackValue,
        SetMaxIntsetEntries = config.SetMaxIntsetEntries,
        ZsetMaxListpackEntries = config.ZsetMaxListpackEntries,
        ZsetMaxListpackValue = config.ZsetMaxListpackValue,
    };
}
