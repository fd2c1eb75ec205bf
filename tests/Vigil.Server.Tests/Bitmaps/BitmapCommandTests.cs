using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Bitmaps;

/// <summary>SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP and BITFIELD through a raw socket; every reply as redis-server 7.0.15 gave it.</summary>
public class BitmapCommandTests
{
    [Fact]
    public void SetBitAndGetBit_GrowStringsAndLeaveThemRaw()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":0", c.CallText("setbit", "b", "7", "1"));
        Assert.Equal(":1", c.CallText("setbit", "b", "7", "1"));
        Assert.Equal(":1", c.CallText("setbit", "b", "7", "0"));
        Assert.Equal(":0", c.CallText("setbit", "b", "100", "0"));
        Assert.Equal(":0", c.CallText("setbit", "b", "100", "0"));
        Assert.Equal("-ERR bit offset is not an integer or out of range", c.CallText("setbit", "b", "-1", "1"));
        Assert.Equal("-ERR bit offset is not an integer or out of range", c.CallText("setbit", "b", "4294967296", "1"));
        Assert.Equal("-ERR bit offset is not an integer or out of range", c.CallText("setbit", "b", "x", "1"));
        Assert.Equal("-ERR bit is not an integer or out of range", c.CallText("setbit", "b", "1", "2"));
        Assert.Equal("-ERR bit is not an integer or out of range", c.CallText("setbit", "b", "1", "-1"));
        Assert.Equal("-ERR bit is not an integer or out of range", c.CallText("setbit", "b", "1", "x"));
        Assert.Equal("-ERR bit is not an integer or out of range", c.CallText("setbit", "b", "1", "01"));
        Assert.Equal(":0", c.CallText("getbit", "b", "100"));
        Assert.Equal(":0", c.CallText("getbit", "b", "1000000"));
        Assert.Equal("-ERR bit offset is not an integer or out of range", c.CallText("getbit", "b", "-1"));
        Assert.Equal(":0", c.CallText("getbit", "nokey", "5"));
        Assert.Equal("$raw", c.CallText("object", "encoding", "b"));
        Assert.Equal(":13", c.CallText("strlen", "b"));
        Assert.Equal("+OK", c.CallText("set", "s", "foo"));
        Assert.Equal(":0", c.CallText("setbit", "s", "0", "1"));
        Assert.Equal("$\u00e6oo", c.CallText("get", "s"));
        Assert.Equal("$raw", c.CallText("object", "encoding", "s"));
        Assert.Equal("+OK", c.CallText("set", "i", "12"));
        Assert.Equal(":0", c.CallText("setbit", "i", "0", "0"));
        Assert.Equal("$raw", c.CallText("object", "encoding", "i"));
        Assert.Equal("$12", c.CallText("get", "i"));
        Assert.Equal("+OK", c.CallText("set", "e", "a"));
        Assert.Equal(":1", c.CallText("setbit", "e", "2", "1"));
        Assert.Equal(":0", c.CallText("setbit", "e", "3", "1"));
        Assert.Equal(":1", c.CallText("setbit", "e", "7", "1"));
        Assert.Equal("$q", c.CallText("get", "e"));
        Assert.Equal("$raw", c.CallText("object", "encoding", "e"));
        Assert.Equal(":1", c.CallText("lpush", "l", "a"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("setbit", "l", "0", "1"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("getbit", "l", "0"));
        Assert.Equal("*[$nil]", c.CallText("bitfield", "nk", "overflow", "fail", "incrby", "u2", "0", "10"));
        Assert.Equal(":1", c.CallText("exists", "nk"));
        Assert.Equal("$\u0000", c.CallText("get", "nk"));
        Assert.Equal("*[:0]", c.CallText("bitfield", "nk2", "get", "u8", "0"));
        Assert.Equal(":0", c.CallText("exists", "nk2"));
        Assert.Equal("*[:0]", c.CallText("bitfield", "nk3", "set", "u8", "0", "0"));
        Assert.Equal("$\u0000", c.CallText("get", "nk3"));
        Assert.Equal("*[:0]", c.CallText("bitfield", "nk3", "set", "u8", "0", "0"));
        Assert.Equal("*[:0]", c.CallText("bitfield", "nk3", "set", "u8", "8", "0"));
    }

    [Fact]
    public void CountAndPosition_WithByteAndBitRanges()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("+OK", c.CallText("set", "k", "\u00ff\u00f0\u0000"));
        Assert.Equal("+OK", c.CallText("set", "e", ""));
        Assert.Equal(":12", c.CallText("bitcount", "k"));
        Assert.Equal(":8", c.CallText("bitcount", "k", "0", "0"));
        Assert.Equal(":4", c.CallText("bitcount", "k", "1", "1"));
        Assert.Equal(":0", c.CallText("bitcount", "k", "-1", "-1"));
        Assert.Equal(":12", c.CallText("bitcount", "k", "0", "-1", "bit"));
        Assert.Equal(":7", c.CallText("bitcount", "k", "5", "13", "bit"));
        Assert.Equal(":0", c.CallText("bitcount", "k", "5", "13", "BYTE"));
        Assert.Equal("-ERR syntax error", c.CallText("bitcount", "k", "5", "13", "foo"));
        Assert.Equal("-ERR syntax error", c.CallText("bitcount", "k", "1"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("bitcount", "k", "a", "b"));
        Assert.Equal(":0", c.CallText("bitcount", "k", "-1", "-2"));
        Assert.Equal(":4", c.CallText("bitcount", "k", "-2", "-1"));
        Assert.Equal(":12", c.CallText("bitcount", "k", "-100", "100"));
        Assert.Equal(":8", c.CallText("bitcount", "k", "0", "-100"));
        Assert.Equal(":0", c.CallText("bitcount", "nokey", "a", "b"));
        Assert.Equal(":0", c.CallText("bitcount", "nokey", "1"));
        Assert.Equal(":0", c.CallText("bitcount", "e"));
        Assert.Equal(":0", c.CallText("bitcount", "e", "0", "-1"));
        Assert.Equal("-ERR syntax error", c.CallText("bitcount", "k", "1", "2", "3", "4"));
        Assert.Equal(":12", c.CallText("bitpos", "k", "0"));
        Assert.Equal(":0", c.CallText("bitpos", "k", "1"));
        Assert.Equal(":8", c.CallText("bitpos", "k", "1", "1"));
        Assert.Equal(":12", c.CallText("bitpos", "k", "0", "1"));
        Assert.Equal(":-1", c.CallText("bitpos", "k", "0", "0", "0"));
        Assert.Equal(":16", c.CallText("bitpos", "k", "0", "2"));
        Assert.Equal(":-1", c.CallText("bitpos", "k", "1", "2"));
        Assert.Equal(":-1", c.CallText("bitpos", "k", "1", "2", "-1"));
        Assert.Equal(":12", c.CallText("bitpos", "k", "0", "0", "-1"));
        Assert.Equal(":-1", c.CallText("bitpos", "k", "0", "8", "11", "bit"));
        Assert.Equal(":12", c.CallText("bitpos", "k", "0", "8", "15", "bit"));
        Assert.Equal(":12", c.CallText("bitpos", "k", "0", "12", "15", "bit"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("bitpos", "k", "1", "12", "bit"));
        Assert.Equal(":3", c.CallText("bitpos", "k", "1", "3", "5", "bit"));
        Assert.Equal(":7", c.CallText("bitpos", "k", "1", "7", "9", "bit"));
        Assert.Equal(":-1", c.CallText("bitpos", "k", "0", "0", "7", "bit"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("bitpos", "k", "0", "0", "bit"));
        Assert.Equal(":-1", c.CallText("bitpos", "k", "1", "-3", "-1", "bit"));
        Assert.Equal("-ERR The bit argument must be 1 or 0.", c.CallText("bitpos", "k", "2"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("bitpos", "k", "x"));
        Assert.Equal(":0", c.CallText("bitpos", "nokey", "0"));
        Assert.Equal(":-1", c.CallText("bitpos", "nokey", "1"));
        Assert.Equal(":-1", c.CallText("bitpos", "nokey", "1", "a"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("bitpos", "k", "1", "a"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("bitpos", "k", "1", "0", "a"));
        Assert.Equal("-ERR syntax error", c.CallText("bitpos", "k", "1", "0", "1", "foo"));
        Assert.Equal("-ERR syntax error", c.CallText("bitpos", "k", "1", "0", "1", "bit", "extra"));
        Assert.Equal(":-1", c.CallText("bitpos", "e", "0"));
        Assert.Equal(":-1", c.CallText("bitpos", "e", "1"));
        Assert.Equal(":-1", c.CallText("bitpos", "e", "0", "0"));
        Assert.Equal(":-1", c.CallText("bitpos", "e", "0", "0", "-1"));
        Assert.Equal("+OK", c.CallText("set", "f", "\u00ff\u00ff"));
        Assert.Equal(":16", c.CallText("bitpos", "f", "0"));
        Assert.Equal(":16", c.CallText("bitpos", "f", "0", "0"));
        Assert.Equal(":-1", c.CallText("bitpos", "f", "0", "0", "-1"));
        Assert.Equal(":-1", c.CallText("bitpos", "f", "0", "0", "1", "bit"));
        Assert.Equal(":-1", c.CallText("bitpos", "f", "0", "0", "15", "bit"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("bitpos", "f", "0", "3", "bit"));
        Assert.Equal(":-1", c.CallText("bitpos", "f", "1", "-1", "-2"));
        Assert.Equal(":-1", c.CallText("bitpos", "k", "1", "5", "3", "bit"));
        Assert.Equal(":1", c.CallText("lpush", "l", "a"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("bitcount", "l"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("bitpos", "l", "1"));
        Assert.Equal("-ERR The bit argument must be 1 or 0.", c.CallText("bitpos", "l", "2"));
    }

    [Fact]
    public void Bitfield_WithEveryTypeOffsetAndOverflow()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("*[:0, :-100, :156, :9, :-4]", c.CallText("bitfield", "k", "set", "i8", "0", "-100", "get", "i8", "0", "get", "u8", "0", "get", "u4", "0", "get", "i4", "4"));
        Assert.Equal("*[:106, :56]", c.CallText("bitfield", "k", "incrby", "i8", "0", "-50", "incrby", "i8", "0", "-50"));
        Assert.Equal("*[:-128, :255, $nil, :0]", c.CallText("bitfield", "k", "overflow", "sat", "incrby", "i8", "0", "-200", "incrby", "u8", "8", "300", "overflow", "fail", "incrby", "u8", "8", "1", "overflow", "wrap", "incrby", "u8", "8", "1"));
        Assert.Equal("*[:4611686018427387904, :-9223372036854775808, :-9223372036854775808, :9223372036854775807, :-1]", c.CallText("bitfield", "k", "get", "u63", "0", "get", "i64", "0", "set", "i64", "0", "-1", "get", "u63", "0", "get", "i64", "0"));
        Assert.Equal("*[:9223372036854775807, :-1]", c.CallText("bitfield", "k", "incrby", "i64", "0", "-9223372036854775808", "overflow", "sat", "incrby", "i64", "0", "-9223372036854775808"));
        Assert.Equal("*[:9223372036854775806, :9223372036854775807]", c.CallText("bitfield", "k", "overflow", "wrap", "incrby", "i64", "0", "9223372036854775807", "incrby", "i64", "0", "1"));
        Assert.Equal("*[:255, :255, :255, :-1, :-1, :31]", c.CallText("bitfield", "k", "set", "u8", "#1", "255", "get", "u8", "#1", "get", "u8", "8", "set", "i5", "#3", "31", "get", "i5", "#3", "get", "u5", "15"));
        Assert.Equal("*[:127, :255, $nil, $nil, :255]", c.CallText("bitfield", "k", "set", "u8", "0", "-1", "overflow", "sat", "set", "u8", "0", "-1", "overflow", "fail", "set", "u8", "0", "256", "set", "u8", "0", "-1", "get", "u8", "0"));
        Assert.Equal("*[:-1, :-56, :127, :-128]", c.CallText("bitfield", "k", "set", "i8", "0", "200", "overflow", "sat", "set", "i8", "0", "200", "set", "i8", "0", "-200", "get", "i8", "0"));
        Assert.Equal("-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.", c.CallText("bitfield", "k", "get", "u64", "0"));
        Assert.Equal("-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.", c.CallText("bitfield", "k", "get", "i65", "0"));
        Assert.Equal("-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.", c.CallText("bitfield", "k", "get", "I8", "0"));
        Assert.Equal("-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.", c.CallText("bitfield", "k", "get", "u0", "0"));
        Assert.Equal("-ERR bit offset is not an integer or out of range", c.CallText("bitfield", "k", "get", "i8", "-1"));
        Assert.Equal("-ERR bit offset is not an integer or out of range", c.CallText("bitfield", "k", "get", "i8", "x"));
        Assert.Equal("-ERR bit offset is not an integer or out of range", c.CallText("bitfield", "k", "get", "i8", "#x"));
        Assert.Equal("-ERR bit offset is not an integer or out of range", c.CallText("bitfield", "k", "get", "i8", "#-1"));
        Assert.Equal("-ERR bit offset is not an integer or out of range", c.CallText("bitfield", "k", "get", "i8", "4294967296"));
        Assert.Equal("*[:0]", c.CallText("bitfield", "k", "get", "i8", "4294967295"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("bitfield", "k", "set", "i8", "0", "x"));
        Assert.Equal("-ERR syntax error", c.CallText("bitfield", "k", "set", "i8", "0"));
        Assert.Equal("-ERR syntax error", c.CallText("bitfield", "k", "foo"));
        Assert.Equal("-ERR Invalid OVERFLOW type specified", c.CallText("bitfield", "k", "overflow", "foo"));
        Assert.Equal("-ERR syntax error", c.CallText("bitfield", "k", "overflow"));
        Assert.Equal("*[]", c.CallText("bitfield", "k"));
        Assert.Equal("*[]", c.CallText("bitfield", "nokey"));
        Assert.Equal("*[:0]", c.CallText("bitfield", "nokey", "get", "u8", "0"));
        Assert.Equal("*[:128, :0]", c.CallText("bitfield_ro", "k", "get", "u8", "0", "get", "i4", "2"));
        Assert.Equal("-ERR BITFIELD_RO only supports the GET subcommand", c.CallText("bitfield_ro", "k", "set", "u8", "0", "1"));
        Assert.Equal("-ERR BITFIELD_RO only supports the GET subcommand", c.CallText("bitfield_ro", "k", "get", "u8", "0", "incrby", "u8", "0", "1"));
        Assert.Equal("*[:0]", c.CallText("bitfield_ro", "nokey", "get", "u8", "100"));
        Assert.Equal("*[]", c.CallText("bitfield_ro", "k"));
        Assert.Equal("*[:128]", c.CallText("bitfield_ro", "k", "overflow", "sat", "get", "u8", "0"));
        Assert.Equal(":1", c.CallText("lpush", "l", "a"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("bitfield", "l", "get", "u8", "0"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("bitfield", "l", "set", "u8", "0", "1"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("bitfield_ro", "l", "get", "u8", "0"));
        Assert.Equal("*[$nil, :0]", c.CallText("bitfield", "e", "overflow", "fail", "set", "u2", "0", "4", "get", "u2", "0"));
        Assert.Equal(":1", c.CallText("exists", "e"));
        Assert.Equal(":1", c.CallText("strlen", "e"));
        Assert.Equal("$raw", c.CallText("object", "encoding", "k"));
        Assert.Equal("*[:0]", c.CallText("bitfield", "w", "set", "u8", "100", "1"));
        Assert.Equal(":14", c.CallText("strlen", "w"));
        Assert.Equal("-ERR bit offset is not an integer or out of range", c.CallText("bitfield", "k", "get", "u8", "#0", "set", "u8", "#4294967295", "1"));
    }

    [Fact]
    public void BitOp_AndOrXorNot()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("+OK", c.CallText("set", "a", "\u00ff\u000f"));
        Assert.Equal("+OK", c.CallText("set", "b", "\u00f0"));
        Assert.Equal("+OK", c.CallText("set", "c", "\u0001\u0002\u0003"));
        Assert.Equal(":2", c.CallText("bitop", "and", "d", "a", "b"));
        Assert.Equal("$\u00f0\u0000", c.CallText("get", "d"));
        Assert.Equal("$raw", c.CallText("object", "encoding", "d"));
        Assert.Equal(":3", c.CallText("bitop", "or", "d", "a", "b", "c"));
        Assert.Equal("$\u00ff\u000f\u0003", c.CallText("get", "d"));
        Assert.Equal(":3", c.CallText("bitop", "xor", "d", "a", "b", "c"));
        Assert.Equal("$\u000e\\r\u0003", c.CallText("get", "d"));
        Assert.Equal(":2", c.CallText("bitop", "not", "d", "a"));
        Assert.Equal("$\u0000\u00f0", c.CallText("get", "d"));
        Assert.Equal("-ERR BITOP NOT must be called with a single source key.", c.CallText("bitop", "not", "d", "a", "b"));
        Assert.Equal("-ERR syntax error", c.CallText("bitop", "foo", "d", "a"));
        Assert.Equal("-ERR wrong number of arguments for 'bitop' command", c.CallText("bitop", "and", "d"));
        Assert.Equal(":0", c.CallText("bitop", "and", "d", "nokey"));
        Assert.Equal(":0", c.CallText("exists", "d"));
        Assert.Equal(":2", c.CallText("bitop", "and", "d", "nokey", "a"));
        Assert.Equal("$\u0000\u0000", c.CallText("get", "d"));
        Assert.Equal(":2", c.CallText("bitop", "or", "d", "nokey", "a"));
        Assert.Equal("$\u00ff\u000f", c.CallText("get", "d"));
        Assert.Equal("+OK", c.CallText("set", "e", ""));
        Assert.Equal(":0", c.CallText("bitop", "or", "d", "e"));
        Assert.Equal(":0", c.CallText("exists", "d"));
        Assert.Equal(":1", c.CallText("lpush", "l", "x"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("bitop", "or", "d", "a", "l"));
        Assert.Equal(":2", c.CallText("bitop", "AND", "d", "a"));
        Assert.Equal(":2", c.CallText("bitop", "Or", "d", "a"));
        Assert.Equal("+OK", c.CallText("set", "d2", "x"));
        Assert.Equal(":1", c.CallText("expire", "d2", "100"));
        Assert.Equal(":2", c.CallText("bitop", "or", "d2", "a"));
        Assert.Equal(":-1", c.CallText("ttl", "d2"));
    }
}
