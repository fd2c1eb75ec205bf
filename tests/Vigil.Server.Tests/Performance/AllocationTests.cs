using System.Net.Sockets;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Performance;

[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>
/// The common commands allocate nothing per command beyond the values they store: measured over
/// thousands of commands through a real socket, with the whole process's allocation counter (so the
/// class runs alone). The client side reuses its buffers and allocates nothing itself.
/// </summary>
[Collection(nameof(AllocationTests))]
public sealed class AllocationTests
{
    private const int Keys = 100;

    [Theory]
    // A stored value is a byte array: 32 bytes for these short ones, which SET and MSET must make;
    // INCR's counters stay below 10000, Redis's shared integers (SharedIntegers). The rest of the allowance is background work (the server's cron, the test host) spread
    // over the commands: anything allocated per command or per round trip (a closure, a boxed state
    // machine: 32 bytes or more) goes over it.
    [InlineData("GET", 1, 16)]
    [InlineData("GET", 16, 16)]
    [InlineData("SET", 1, 48)]
    [InlineData("SET", 16, 48)]
    [InlineData("INCR", 1, 16)]
    [InlineData("INCR", 16, 16)]
    [InlineData("MSET", 1, 80)]
    [InlineData("PING", 1, 16)]
    public void CommonCommands_AllocateOnlyTheValuesTheyStore(string command, int pipeline, int maxBytesPerCommand)
    {
        using var server = new TestServer();
        using (var setup = server.Connect())
        {
            for (int i = 0; i < Keys; i++) setup.Call("SET", Key(i), "123");
        }
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect("127.0.0.1", server.Port);
        var request = Batch(command, pipeline);
        int replyLines = (command == "GET" ? 2 : 1) * pipeline;
        var reply = new byte[64 * 1024];

        void RoundTrip()
        {
            socket.Send(request);
            int total = 0, lines = 0;
            while (lines < replyLines)
            {
                int n = socket.Receive(reply, total, reply.Length - total, SocketFlags.None);
                Assert.True(n > 0, "connection closed");
                lines += reply.AsSpan(total, n).Count((byte)'\n');
                total += n;
            }
        }

        // Warm up: tiered compilation, pools and buffers reach their steady state.
        for (int i = 0; i < 3000; i++) RoundTrip();
        // The least of several windows: other work in the process only ever adds to a window.
        const int Windows = 5, Rounds = 1000;
        long perCommand = long.MaxValue;
        for (int w = 0; w < Windows; w++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < Rounds; i++) RoundTrip();
            perCommand = Math.Min(perCommand, (GC.GetTotalAllocatedBytes(precise: true) - before) / (Rounds * pipeline));
        }
        Assert.True(perCommand <= maxBytesPerCommand, $"{command} -P {pipeline} allocated {perCommand} bytes per command (at most {maxBytesPerCommand})");
    }

    private static string Key(int i) => "key:" + i.ToString("D12");

    private static byte[] Batch(string command, int pipeline)
    {
        var batch = new MemoryStream();
        for (int i = 0; i < pipeline; i++)
        {
            string key = Key(i % Keys);
            batch.Write(command switch
            {
                "SET" => RawClient.Encode("SET", key, "xxx"),
                "GET" => RawClient.Encode("GET", key),
                "INCR" => RawClient.Encode("INCR", key),
                "MSET" => RawClient.Encode("MSET", key, "xxx", Key((i + 1) % Keys), "yyy"),
                _ => RawClient.Encode(command),
            });
        }
        return batch.ToArray();
    }
}
