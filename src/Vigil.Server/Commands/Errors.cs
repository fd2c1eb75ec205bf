namespace Vigil.Server.Commands;

/// <summary>Redis 7.0's shared error replies, word for word.</summary>
public static class Errors
{
    public const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public const string NotInteger = "ERR value is not an integer or out of range";
    public const string NotFloat = "ERR value is not a valid float";
    public const string Syntax = "ERR syntax error";
    public const string NoSuchKey = "ERR no such key";
    public const string OutOfRange = "ERR index out of range";
    public const string Overflow = "ERR increment or decrement would overflow";
    public const string NoAuth = "NOAUTH Authentication required.";
    public const string ReadOnlyReplica = "READONLY You can't write against a read only replica.";
    public const string NoReplicas = "NOREPLICAS Not enough good replicas to write.";
    public const string InvalidDb = "ERR DB index is out of range";
    public const string InvalidExpire = "ERR invalid expire time in '{0}' command";
    public const string OutOfMemory = "OOM command not allowed when used memory > 'maxmemory'.";
    public const string MasterDown = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
    public const string Loading = "LOADING Redis is loading the dataset in memory";
    public const string NotAllowedInMulti = "ERR Command not allowed inside a transaction";
    public const string StringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    public const string TimeoutNotFloat = "ERR timeout is not a float or out of range";
    public const string TimeoutNegative = "ERR timeout is negative";
}
