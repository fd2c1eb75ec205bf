namespace Vigil.Server.Commands;

/// <summary>Command flags as Redis 7.0's command table has them (COMMAND INFO prints their names).</summary>
[Flags]
public enum CommandFlags
{
    None = 0,
    Write = 1 << 0,
    ReadOnly = 1 << 1,
    DenyOom = 1 << 2,
    Admin = 1 << 3,
    PubSub = 1 << 4,
    NoScript = 1 << 5,
    Blocking = 1 << 6,
    Loading = 1 << 7,
    Stale = 1 << 8,
    SkipMonitor = 1 << 9,
    SkipSlowlog = 1 << 10,
    Fast = 1 << 11,
    NoAuth = 1 << 12,
    MayReplicate = 1 << 13,
    NoMulti = 1 << 14,
    AllowBusy = 1 << 15,
    NoMandatoryKeys = 1 << 16,
    /// <summary>Allowed in RESP2 subscriber mode.</summary>
    AllowedInPubSubContext = 1 << 17,
    /// <summary>Refused unless enable-debug-command allows it (DEBUG).</summary>
    Protected = 1 << 18,
}
