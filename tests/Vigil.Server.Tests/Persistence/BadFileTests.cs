using System.Text;
using Vigil.Server.Configuration;
using Vigil.Server.Persistence;
using Vigil.Server.Storage;

namespace Vigil.Server.Tests.Persistence;

/// <summary>
/// Damaged files: every truncation and random byte flips of an RDB and an AOF end in a clean
/// error naming the offset (or, for flips an RDB without a checksum cannot notice, a load), never in
/// another exception, a silent partial load or a hang.
/// </summary>
public class BadFileTests
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    /// <summary>An RDB with strings (raw, integer, compressible), expiries, hashes of both encodings, two databases.</summary>
    private static byte[] SampleRdb(bool checksum)
    {
        using var dir = new DataDir();
        using (var server = dir.Start(c => c.RdbChecksum = checksum))
        using (var c = server.Connect())
        {
            c.Call("SET", "s", "hello");
            c.Call("SET", "n", "12345");
            c.Call("SET", "big", new string('a', 300));
            c.Call("SET", "t", "x", "EX", "1000");
            c.Call("HSET", "h", "f1", "v1", "f2", "2");
            for (int i = 0; i < 130; i++) c.Call("HSET", "ht", "f" + i, "v" + i);
            c.Call("SELECT", "5");
            c.Call("SET", "other", "db");
            c.Call("SAVE");
        }
        return File.ReadAllBytes(dir.File("dump.rdb"));
    }

    private static Exception? TryLoadRdb(byte[] bytes)
    {
        try
        {
            RdbFile.Load(new MemoryStream(bytes), new Keyspace(16), keepExpired: false, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            return null;
        }
        catch (RdbFormatException e)
        {
            return e;
        }
    }

    [Fact]
    public void EveryTruncatedRdb_FailsWithAnOffset()
    {
        var rdb = SampleRdb(checksum: true);
        Assert.Null(TryLoadRdb(rdb));
        // Every length near the end (the EOF opcode and checksum), every third one before.
        for (int length = 0; length < rdb.Length; length += length < rdb.Length - 64 ? 3 : 1)
        {
            var e = TryLoadRdb(rdb[..length]);
            Assert.NotNull(e);
            Assert.Contains("(at offset ", e.Message);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RdbWithFlippedBytes_LoadsOrFailsCleanly(bool checksum)
    {
        var rdb = SampleRdb(checksum);
        var random = new Random(checksum ? 11 : 12);
        int failures = 0;
        for (int round = 0; round < 400; round++)
        {
            var bytes = (byte[])rdb.Clone();
            int flips = 1 + random.Next(3);
            for (int f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            if (TryLoadRdb(bytes) != null) failures++;
        }
        // With a checksum nearly every damaged file is refused; without one the decoders still catch some.
        Assert.True(checksum ? failures > 370 : failures > 30, $"{failures} refused");
    }

    [Fact]
    public void CorruptRdb_StopsStartup_NamingTheFileAndOffset()
    {
        using var dir = new DataDir();
        var rdb = SampleRdb(checksum: true);
        File.WriteAllBytes(dir.File("dump.rdb"), rdb[..(rdb.Length / 2)]);
        var e = Assert.Throws<PersistenceException>(() => dir.Start());
        Assert.Contains(dir.File("dump.rdb"), e.Message);
        Assert.Contains("Unexpected EOF reading RDB file (at offset ", e.Message);
        rdb[rdb.Length - 3] ^= 0xFF;
        File.WriteAllBytes(dir.File("dump.rdb"), rdb);
        e = Assert.Throws<PersistenceException>(() => dir.Start());
        Assert.Contains("Wrong RDB checksum", e.Message);
    }

    private const string SampleAof =
        "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n" +
        "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$3\r\none\r\n" +
        "#TS:1700000000\r\n" +
        "*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*4\r\n$4\r\nHSET\r\n$1\r\nh\r\n$1\r\nf\r\n$1\r\nv\r\n*1\r\n$4\r\nEXEC\r\n" +
        "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n" +
        "*5\r\n$3\r\nSET\r\n$1\r\nb\r\n$3\r\ntwo\r\n$4\r\nPXAT\r\n$13\r\n9999999999999\r\n" +
        "*2\r\n$3\r\nDEL\r\n$1\r\na\r\n";

    /// <summary>Replays an AOF into a fresh node (not listening); returns the truncation offset, -1, or the error.</summary>
    private static (long TruncateAt, PersistenceException? Error) Replay(byte[] bytes)
    {
        var server = new VigilServer(new ServerConfig { SavePoints = [] }, new ServerLog { MinimumLevel = LogLevel.Warning });
        try
        {
            lock (server.Sync) return (AofReplay.Run(server, new MemoryStream(bytes), "fuzz.aof", () => { }), null);
        }
        catch (PersistenceException e)
        {
            return (0, e);
        }
    }

    [Fact]
    public void EveryTruncatedAof_LoadsUpToItsLastWholeCommand()
    {
        var aof = B(SampleAof);
        var (whole, error) = Replay(aof);
        Assert.Null(error);
        Assert.Equal(-1, whole);
        int multiStart = SampleAof.IndexOf("*1\r\n$5\r\nMULTI", StringComparison.Ordinal);
        int execEnd = SampleAof.IndexOf("EXEC\r\n", StringComparison.Ordinal) + 6;
        for (int length = 1; length < aof.Length; length++)
        {
            var (truncateAt, e) = Replay(aof[..length]);
            Assert.Null(e);
            if (truncateAt < 0) continue;
            Assert.InRange(truncateAt, 0, length);
            // Inside the transaction the cut falls back to before MULTI (annotations just before it go too, as in Redis).
            if (length > multiStart && length < execEnd) Assert.True(truncateAt <= multiStart, $"cut at {length}: {truncateAt}");
            Assert.True(truncateAt == 0 || aof[truncateAt - 1] == '\n');
        }
    }

    [Fact]
    public void AofWithFlippedBytes_LoadsOrFailsCleanly()
    {
        var aof = B(SampleAof);
        var random = new Random(5);
        for (int round = 0; round < 400; round++)
        {
            var bytes = (byte[])aof.Clone();
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            var (_, e) = Replay(bytes);
            if (e != null) Assert.Contains("fuzz.aof", e.Message);
        }
    }
}
