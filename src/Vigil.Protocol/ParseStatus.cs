namespace Vigil.Protocol;

public enum ParseStatus
{
    /// <summary>A whole command (or an empty line, which has no arguments) was consumed.</summary>
    Command,
    /// <summary>More bytes are needed.</summary>
    Incomplete,
    /// <summary>The input breaks the protocol; the connection must be closed after the error reply.</summary>
    Error,
}
