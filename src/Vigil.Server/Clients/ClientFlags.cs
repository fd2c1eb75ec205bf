namespace Vigil.Server.Clients;

[Flags]
public enum ClientFlags
{
    None = 0,
    /// <summary>The link from this replica to its master: its writes are applied, never refused.</summary>
    Master = 1 << 0,
    /// <summary>A replica attached to this master.</summary>
    Replica = 1 << 1,
    Monitor = 1 << 2,
    /// <summary>Inside MULTI: commands are queued.</summary>
    Multi = 1 << 3,
    /// <summary>A watched key changed: EXEC will fail.</summary>
    DirtyCas = 1 << 4,
    /// <summary>A queued command was rejected: EXEC will answer EXECABORT.</summary>
    DirtyExec = 1 << 5,
    /// <summary>Close once the pending replies are written (QUIT, protocol error).</summary>
    CloseAfterReply = 1 << 6,
    /// <summary>Close now, dropping pending replies (CLIENT KILL, output buffer limit).</summary>
    CloseAsap = 1 << 7,
    /// <summary>CLIENT NO-EVICT on.</summary>
    NoEvict = 1 << 8,
    /// <summary>Blocked in BLPOP and friends.</summary>
    Blocked = 1 << 9,
    /// <summary>READONLY (cluster) mode flag, kept for CLIENT LIST.</summary>
    ReadOnly = 1 << 10,
    /// <summary>Subscribed to at least one channel or pattern.</summary>
    PubSub = 1 << 11,
    /// <summary>CLIENT NO-TOUCH on: its commands leave the keys' access time and frequency alone.</summary>
    NoTouch = 1 << 12,
    /// <summary>Blocked by CLIENT PAUSE: the command that found the pause runs again once it ends.</summary>
    Postponed = 1 << 13,
}

public enum ReplyMode
{
    On,
    Off,
    /// <summary>Suppress the reply of the next command only.</summary>
    SkipNext,
    /// <summary>The command being run is the one whose reply is skipped.</summary>
    Skip,
}
