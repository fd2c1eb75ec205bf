namespace Vigil.Server.Configuration;

/// <summary>
/// The values of every directive, typed for direct use on hot paths. Defaults are Redis 7.0's.
/// Parsing, CONFIG GET/SET and CONFIG REWRITE go through <see cref="ConfigDirectives"/>.
/// </summary>
public sealed partial class ServerConfig
{
    /// <summary>The config file this node was started with (CONFIG REWRITE target), if any.</summary>
    public string? ConfigFile { get; set; }

    // Network
    public string[] Bind { get; set; } = ["*", "-::*"];
    public string BindSourceAddr { get; set; } = "";
    public int Port { get; set; } = 6379;
    public bool ProtectedMode { get; set; } = true;
    public int TcpBacklog { get; set; } = 511;
    public int TcpKeepAlive { get; set; } = 300;
    public int Timeout { get; set; }
    public int MaxClients { get; set; } = 10000;

    // General
    public bool Daemonize { get; set; }
    public string PidFile { get; set; } = "";
    public string LogFile { get; set; } = "";
    public string LogLevel { get; set; } = "notice";
    public int Databases { get; set; } = 16;
    public int Hz { get; set; } = 10;
    public string Dir { get; set; } = Directory.GetCurrentDirectory();

    // Security
    /// <summary>requirepass: setting it gives the default user this one password ("" for none).</summary>
    public string RequirePass
    {
        get => _requirePass;
        set
        {
            _requirePass = value;
            DefaultUser.SetPassword(value);
        }
    }

    private string _requirePass = "";

    // Limits
    public long ProtoMaxBulkLen { get; set; } = 512L * 1024 * 1024;
    public long ClientQueryBufferLimit { get; set; } = 1024L * 1024 * 1024;

    // Encodings of small collections (what OBJECT ENCODING reports follows these thresholds)
    public long HashMaxListpackEntries { get; set; } = 512;
    public long HashMaxListpackValue { get; set; } = 64;
    public long SetMaxIntsetEntries { get; set; } = 512;
    public long ZsetMaxListpackEntries { get; set; } = 128;
    public long ZsetMaxListpackValue { get; set; } = 64;
    public int ListMaxListpackSize { get; set; } = -2;
    public int ListCompressDepth { get; set; }

    // Notifications and client limits
    public string NotifyKeyspaceEvents { get; set; } = "";

    public OutputBufferLimits ClientOutputBufferLimit { get; } = new();

    // Slow log
    public long SlowlogLogSlowerThan { get; set; } = 10000;
    public int SlowlogMaxLen { get; set; } = 128;

    // Latency monitor
    public long LatencyMonitorThreshold { get; set; }
}
