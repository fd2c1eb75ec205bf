using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Vigil.Integration.Tests.Differential;
using Vigil.Integration.Tests.Infrastructure;
using Vigil.Protocol;
using Xunit.Abstractions;

namespace Vigil.Integration.Tests.Fuzz;

/// <summary>
/// Hostile input against the vigil executable: the server stays up, keeps answering a well-behaved
/// client throughout, and does not grow without bound; malformed requests get Redis's error texts.
/// Bounded in count and time; VIGIL_FUZZ_SEED replays a run.
/// </summary>
public sealed class ProtocolFuzzTests
{
    private const long MaxGrowthBytes = 300L * 1024 * 1024;

    private readonly ITestOutputHelper _output;

    public ProtocolFuzzTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>Requests and the whole output (until the server closes) that redis-server 7.0.15 gives them.</summary>
    private static readonly (string Input, string Expected)[] MalformedRequests =
    [
        ("*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n"),
        ("*2147483648\r\n", "-ERR Protocol error: invalid multibulk length\r\n"),
        ("*1\r\n$abc\r\n", "-ERR Protocol error: invalid bulk length\r\n"),
        ("*1\r\n$536870913\r\n", "-ERR Protocol error: invalid bulk length\r\n"),
        ("*1\r\nx\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n"),
        ("*2\r\n$4\r\nECHO\r\n\r\n", "-ERR Protocol error: expected '$', got ' '\r\n"),
        ("SET k \"abc\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"),
        ("ECHO 'a'b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"),
        ("PING\r\n*x\r\n", "+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n"),
        ("a" + new string('1', ParseLimits.InlineMaxSize + 10), "-ERR Protocol error: too big inline request\r\n"),
        ("*" + new string('1', ParseLimits.InlineMaxSize + 10), "-ERR Protocol error: too big mbulk count string\r\n"),
        ("*1\r\n$" + new string('1', ParseLimits.InlineMaxSize + 10), "-ERR Protocol error: too big bulk count string\r\n"),
        ("PING\0\r\n", ""),
        ("*1\r\n$4\r\nPI", ""),
    ];

    [Fact]
    public void MalformedRequests_GetRedisErrorTexts_ThenTheConnectionCloses()
    {
        using var redis = ServerProcess.StartRedis();
        using var vigil = ServerProcess.StartVigil();
        foreach (var (input, expected) in MalformedRequests)
        {
            foreach (var server in new[] { redis, vigil })
            {
                using var c = new RespConnection(server.Port);
                c.SendRaw(Encoding.Latin1.GetBytes(input));
                c.ShutdownSend();
                string output = Encoding.Latin1.GetString(c.ReadToEnd());
                Assert.True(expected == output,
                    $"{(server == redis ? "redis-server" : "vigil")} answered {Reply.Escape(Encoding.Latin1.GetBytes(output))} to {Reply.Escape(Encoding.Latin1.GetBytes(input))}");
            }
        }
    }

    [Fact]
    public void RandomFrames_ServerStaysUp_ServesAWellBehavedClient_AndStaysBounded()
    {
        int seed = Environment.GetEnvironmentVariable("VIGIL_FUZZ_SEED") is { Length: > 0 } s ? int.Parse(s) : Random.Shared.Next();
        _output.WriteLine($"seed {seed} (VIGIL_FUZZ_SEED={seed} replays this run)");
        var r = new CommandRandom(seed);
        using var vigil = ServerProcess.StartVigil();
        using var good = new RespConnection(vigil.Port);
        CheckServes(good, "warmup");
        long rssBefore = ResidentBytes(vigil.Pid);

        var idle = new List<Socket>();
        var clock = Stopwatch.StartNew();
        int rounds = 0;
        try
        {
            for (; rounds < 2000 && clock.Elapsed < TimeSpan.FromSeconds(60); rounds++)
            {
                var socket = Connect(vigil.Port);
                try
                {
                    foreach (var chunk in FuzzInputs.Chunks(r, FuzzInputs.Next(r))) socket.Send(chunk);
                }
                catch (SocketException)
                {
                    // The server may close a connection whose input it rejected.
                }
                switch (r.Next(4))
                {
                    case 0:
                        socket.LingerState = new LingerOption(true, 0);   // reset, not a clean close
                        socket.Dispose();
                        break;
                    case 1 when idle.Count < 100:
                        idle.Add(socket);   // left open, half a request pending
                        break;
                    default:
                        socket.Dispose();
                        break;
                }
                if (rounds % 5 == 0) CheckServes(good, $"round {rounds} (seed {seed})");
            }
        }
        finally
        {
            foreach (var socket in idle) socket.Dispose();
        }
        CheckServes(good, $"after {rounds} rounds (seed {seed})");
        long rssAfter = ResidentBytes(vigil.Pid);
        _output.WriteLine($"{rounds} rounds in {clock.Elapsed.TotalSeconds:F1} s; RSS {rssBefore >> 20} MB -> {rssAfter >> 20} MB");
        Assert.True(rssAfter - rssBefore < MaxGrowthBytes,
            $"resident memory grew from {rssBefore >> 20} MB to {rssAfter >> 20} MB (seed {seed})\n{vigil.Output}");
    }

    [Fact]
    public void ManyConnectionsWithPartialRequests_AtOnce_AllGetAnswersOnceComplete()
    {
        using var vigil = ServerProcess.StartVigil();
        using var good = new RespConnection(vigil.Port);
        const int Connections = 200;
        var clients = new List<RespConnection>();
        try
        {
            var requests = new byte[Connections][];
            for (int i = 0; i < Connections; i++)
            {
                var c = new RespConnection(vigil.Port);
                clients.Add(c);
                // Half a request each: some stop in a header, some inside a 100 KB value.
                requests[i] = FuzzInputs.Request("SET", "many:" + i, new string((char)('a' + i % 26), i % 2 == 0 ? 10 : 100_000));
                c.SendRaw(requests[i][..(requests[i].Length / 2 + i % 7)]);
            }
            CheckServes(good, "with 200 partial requests pending");
            for (int i = 0; i < Connections; i++) clients[i].SendRaw(requests[i][(requests[i].Length / 2 + i % 7)..]);
            for (int i = 0; i < Connections; i++) Assert.Equal("+OK", clients[i].Read().ToString());
            Assert.Equal(100_000, good.Call("STRLEN", "many:199").Integer);
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
        CheckServes(good, "after 200 connections closed");
    }

    private static Socket Connect(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect("127.0.0.1", port);
        return socket;
    }

    /// <summary>A round trip that proves the server works: a value written is read back unchanged.</summary>
    private static void CheckServes(RespConnection good, string when)
    {
        string value = "v" + Environment.TickCount64;
        Assert.True(good.Call("SET", "fuzz:check", value).ToString() == "+OK", "SET failed " + when);
        Assert.True(good.Call("GET", "fuzz:check").Text == value, "GET returned another value " + when);
    }

    private static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:")) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        throw new InvalidOperationException("no VmRSS for " + pid);
    }
}
